package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// The setup page's wire types (docs/api.md, "The setup page").
type (
	// PreviewSettings are the body of PUT /v1/preview.
	PreviewSettings = apitype.PreviewSettings
	// PreviewState is the preview's state: GET and PUT /v1/preview, the
	// preview event, and the status.
	PreviewState = apitype.PreviewState
	// SourceSetup is the body of PUT /v1/setup.
	SourceSetup = apitype.SourceSetup
	// Setup is the answer of GET and PUT /v1/setup.
	Setup = apitype.Setup
	// SetupSource is one source in Setup.
	SetupSource = apitype.SetupSource
)

// Previewer is a Daemon with the setup page's live preview: without it
// /v1/preview and /v1/preview/frame answer 404.
type Previewer interface {
	// Preview returns the preview's state.
	Preview() PreviewState
	// SetPreview switches the preview on (for s.Duration) or off; peer
	// says who asked.
	SetPreview(ctx context.Context, peer Peer, s PreviewSettings) (PreviewState, error)
	// PreviewFrame returns the next frame of source the engine decodes as
	// a JPEG with what was read, the region of interest and the proposed
	// regions drawn, or an error wrapping ErrPreviewOff while the preview
	// is off.
	PreviewFrame(ctx context.Context, source string) ([]byte, error)
}

// Configurer is a Daemon whose sources' region of interest and
// symbologies the setup page changes: without it /v1/setup answers 404.
type Configurer interface {
	// Setup returns the sources' settings and where saved ones are kept.
	Setup() Setup
	// SaveSetup checks s, keeps it in the setup file and applies it as a
	// reload does. Settings that do not fit the source wrap ErrBadSetup
	// and change nothing.
	SaveSetup(ctx context.Context, peer Peer, s SourceSetup) (Setup, error)
}

// Preview frames wait at most this long for a frame.
const previewFrameTimeout = 5 * time.Second

func (s *Server) previewer() (Previewer, error) {
	p, ok := s.daemon.(Previewer)
	if !ok {
		return nil, notFoundf("this daemon has no preview")
	}
	return p, nil
}

func (s *Server) configurer() (Configurer, error) {
	c, ok := s.daemon.(Configurer)
	if !ok {
		return nil, notFoundf("this daemon has no setup settings")
	}
	return c, nil
}

func (s *Server) handlePreviewGet(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	p, err := s.previewer()
	if err != nil {
		return err
	}
	return writeJSON(w, p.Preview())
}

func (s *Server) handlePreviewPut(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	p, err := s.previewer()
	if err != nil {
		return err
	}
	body, err := s.readJSONBody(w, r)
	if err != nil {
		return err
	}
	settings, err := ParsePreviewSettings(body)
	if err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	st, err := p.SetPreview(r.Context(), peer, settings)
	if err != nil {
		return err
	}
	// The daemon logs the switch, on and off, with who made it.
	return writeJSON(w, st)
}

// handlePreviewFrame answers the next frame of a source as a JPEG, drawn
// on, while the preview is on. The image is made in memory for this
// answer only.
func (s *Server) handlePreviewFrame(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	if err := checkKeys(v, map[string]bool{"source": false}); err != nil {
		return err
	}
	source := v.Get("source")
	if err := checkSourceName(source); err != nil {
		return err
	}
	p, err := s.previewer()
	if err != nil {
		return err
	}
	if !slices.Contains(s.sourceNames(), source) {
		return notFoundf("no source is named %q", source)
	}
	ctx, cancel := context.WithTimeout(r.Context(), previewFrameTimeout)
	defer cancel()
	img, err := p.PreviewFrame(ctx, source)
	s.extendWrite(w)
	switch {
	case err != nil && r.Context().Err() != nil:
		return nil // the client left
	case err != nil && errors.Is(err, ErrPreviewOff):
		return err
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("%w: no frame of %s was decoded within %v (is it running, and licensed?)", ErrTimeout, source, previewFrameTimeout)
	case err != nil:
		return err
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(img)
	clear(img)
	return nil
}

func (s *Server) handleSetupGet(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	c, err := s.configurer()
	if err != nil {
		return err
	}
	return writeJSON(w, c.Setup())
}

func (s *Server) handleSetupPut(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	c, err := s.configurer()
	if err != nil {
		return err
	}
	body, err := s.readJSONBody(w, r)
	if err != nil {
		return err
	}
	set, err := ParseSourceSetup(body)
	if err != nil {
		return err
	}
	if !slices.Contains(s.sourceNames(), set.Source) {
		return fmt.Errorf("%w: no source is named %q", ErrBadSetup, truncate(set.Source, 128))
	}
	peer, _ := peerFromContext(r.Context())
	st, err := c.SaveSetup(r.Context(), peer, set)
	if err != nil {
		return err
	}
	s.log.Info("source settings saved", "source", set.Source, "region", set.Region, "symbologies", set.Symbologies,
		"uid", peer.UID, "pid", peer.PID)
	s.extendWrite(w)
	return writeJSON(w, st)
}

// readJSONBody reads a small application/json body.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("%w: send the body as application/json", ErrUnsupportedMediaType)
	}
	return s.readBody(w, r, maxSettingsBytes)
}

// ParsePreviewSettings decodes and checks a PUT /v1/preview body.
// Refusals wrap ErrBadSetup.
func ParsePreviewSettings(body []byte) (PreviewSettings, error) {
	st, err := parseStrictJSON[PreviewSettings](body, ErrBadSetup)
	if err != nil {
		return st, err
	}
	if st.Duration.D() > apitype.MaxPreviewDuration {
		return PreviewSettings{}, fmt.Errorf("%w: duration %v: at most %v", ErrBadSetup, st.Duration, apitype.MaxPreviewDuration)
	}
	return st, nil
}

// ParseSourceSetup decodes a PUT /v1/setup body and checks what it can
// without the source: a region of four numbers, a width and height above
// zero. Refusals wrap ErrBadSetup.
func ParseSourceSetup(body []byte) (SourceSetup, error) {
	st, err := parseStrictJSON[SourceSetup](body, ErrBadSetup)
	if err != nil {
		return st, err
	}
	if st.Source == "" {
		return SourceSetup{}, fmt.Errorf("%w: source is required", ErrBadSetup)
	}
	if r := st.Region; len(r) != 0 && (len(r) != 4 || slices.ContainsFunc(r, func(v int) bool { return v < 0 || v > scanner.MaxFrameSide }) || r[2] == 0 || r[3] == 0) {
		return SourceSetup{}, fmt.Errorf("%w: region %v: want [x, y, width, height], x and y from 0, width and height above 0, none above %d",
			ErrBadSetup, r, scanner.MaxFrameSide)
	}
	if len(st.Symbologies) > 64 {
		return SourceSetup{}, fmt.Errorf("%w: more than 64 symbologies", ErrBadSetup)
	}
	return st, nil
}

// parseStrictJSON decodes exactly one JSON object with no unknown members
// (a misspelt setting is not ignored); refusals wrap bad.
func parseStrictJSON[T any](body []byte, bad error) (T, error) {
	var v T
	// json.Decode takes null as "nothing to do": a body must be an
	// object, null is as malformed as [] or 1.
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] != '{' {
		return v, fmt.Errorf("%w: the body must be a JSON object", bad)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %w", bad, err)
	}
	if dec.More() {
		var zero T
		return zero, fmt.Errorf("%w: more than one JSON value", bad)
	}
	return v, nil
}
