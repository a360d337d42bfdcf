package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
)

func (s *Server) handleLicense(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	if s.license == nil {
		return ErrLicenseDisabled
	}
	return writeJSON(w, s.license.Document())
}

// handleLicenseSync talks to the License Tracking Server now and answers
// with the license state afterwards.
func (s *Server) handleLicenseSync(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	if s.license == nil {
		return ErrLicenseDisabled
	}
	peer, _ := peerFromContext(r.Context())
	s.log.Info("license sync requested", "uid", peer.UID, "pid", peer.PID)
	if err := s.license.Sync(r.Context()); err != nil {
		return fmt.Errorf("%w: %w", ErrSyncFailed, err)
	}
	s.extendWrite(w)
	return writeJSON(w, s.license.Document())
}

func (s *Server) handleDebugExportGet(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	if s.exporter == nil {
		return ErrDebugExportDisabled
	}
	return writeJSON(w, s.exporter.Settings())
}

// maxSettingsBytes bounds a PUT /v1/debug/export body.
const maxSettingsBytes = 64 << 10

// handleDebugExportPut checks the settings and hands the body to the
// exporter, which applies them.
func (s *Server) handleDebugExportPut(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	if s.exporter == nil {
		return ErrDebugExportDisabled
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("%w: send the settings as application/json", ErrUnsupportedMediaType)
	}
	body, err := s.readBody(w, r, maxSettingsBytes)
	if err != nil {
		return err
	}
	if _, err := ParseDebugExportSettings(body); err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	s.log.Info("debug export settings changed", "uid", peer.UID, "pid", peer.PID, "settings", string(body))
	out, err := s.exporter.Configure(r.Context(), peer, body)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSettings, err)
	}
	return writeJSON(w, out)
}

// DebugExportSettings is the body of PUT /v1/debug/export: what the debug
// image export saves, where, and for how long. Export is off by default;
// images leave memory only while it is enabled.
type DebugExportSettings struct {
	Enabled bool `json:"enabled"`
	// Dir receives the images; an absolute path, required when enabling.
	Dir string `json:"dir,omitempty"`
	// Frames chooses which frames: "decoded" (with a result), "failed"
	// (without one) or "all". Default "decoded".
	Frames string `json:"frames,omitempty"`
	// Sample keeps one frame in Sample (default 1: every frame).
	Sample int `json:"sample,omitempty"`
	// MaxImages and MaxBytes stop the export once reached (0: the
	// exporter's defaults).
	MaxImages int   `json:"max_images,omitempty"`
	MaxBytes  int64 `json:"max_bytes,omitempty"`
	// Duration turns the export off after this long ("10m"; 0: the
	// exporter's default).
	Duration Duration `json:"duration,omitempty"`
	// Color keeps colour images where the source has them, gray otherwise.
	Color bool `json:"color,omitempty"`
}

// Debug export frame selections.
const (
	FramesDecoded = "decoded"
	FramesFailed  = "failed"
	FramesAll     = "all"
)

// ParseDebugExportSettings decodes and checks a PUT /v1/debug/export body.
// Unknown members are refused so a misspelt setting is not ignored.
func ParseDebugExportSettings(body []byte) (DebugExportSettings, error) {
	var st DebugExportSettings
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return st, fmt.Errorf("%w: %w", ErrBadSettings, err)
	}
	if dec.More() {
		return st, fmt.Errorf("%w: more than one JSON value", ErrBadSettings)
	}
	return st, st.Validate()
}

// Validate reports the first setting that cannot work.
func (st DebugExportSettings) Validate() error {
	switch st.Frames {
	case "", FramesDecoded, FramesFailed, FramesAll:
	default:
		return fmt.Errorf("%w: frames %q: want decoded, failed or all", ErrBadSettings, truncate(st.Frames, 32))
	}
	if st.Sample < 0 || st.MaxImages < 0 || st.MaxBytes < 0 || st.Duration < 0 {
		return fmt.Errorf("%w: sample, max_images, max_bytes and duration must not be negative", ErrBadSettings)
	}
	if st.Enabled {
		if st.Dir == "" {
			return fmt.Errorf("%w: dir is required to enable the export", ErrBadSettings)
		}
		if !filepath.IsAbs(st.Dir) {
			return fmt.Errorf("%w: dir %q must be an absolute path", ErrBadSettings, truncate(st.Dir, 128))
		}
	}
	return nil
}
