package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Snapshotter is a Daemon that can show what a source sees: GET
// /v1/snapshot answers 404 in a daemon that is not one.
type Snapshotter interface {
	// Snapshot returns the next frame of source the engine decodes, as a
	// PNG with what was read drawn on it, or ctx's error when none comes.
	Snapshot(ctx context.Context, source string) ([]byte, error)
}

// Snapshots wait at most this long without ?timeout=, and at most
// maxSnapshotTimeout.
const (
	defaultSnapshotTimeout = 5 * time.Second
	maxSnapshotTimeout     = time.Minute
)

// handleSnapshot answers one annotated frame of a source (admin: the
// image shows what the camera sees, barcode text included). The image is
// made in memory for this answer only.
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	if err := checkKeys(v, map[string]bool{"source": false, "timeout": false}); err != nil {
		return err
	}
	source := v.Get("source")
	if err := checkSourceName(source); err != nil {
		return err
	}
	timeout, err := parseTimeout(v.Get("timeout"), defaultSnapshotTimeout, maxSnapshotTimeout)
	if err != nil {
		return err
	}
	sn, ok := s.daemon.(Snapshotter)
	if !ok {
		return notFoundf("this daemon takes no snapshots")
	}
	if !slices.Contains(s.sourceNames(), source) {
		return notFoundf("no source is named %q", source)
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	png, err := sn.Snapshot(ctx, source)
	s.extendWrite(w)
	switch {
	case err != nil && r.Context().Err() != nil:
		return nil // the client left
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("%w: no frame of %s was decoded within %v (is it running, and licensed?)", ErrTimeout, source, timeout)
	case err != nil:
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png) // an error here is a client gone: the status is sent
	clear(png)
	return nil
}
