package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/scannerd/scannerd/api/apitype"
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
// with the license state afterwards; a refusal by the LTS answers
// sync_refused, any other failure sync_failed.
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
		if errors.Is(err, ErrSyncRefused) {
			return err
		}
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
	return writeJSON(w, s.exporter.State())
}

// maxSettingsBytes bounds a PUT /v1/debug/export body.
const maxSettingsBytes = 64 << 10

// handleDebugExportPut decodes and checks the settings, once, and hands
// them to the exporter, which applies them.
func (s *Server) handleDebugExportPut(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	if s.exporter == nil {
		return ErrDebugExportDisabled
	}
	body, err := s.readJSONBody(w, r)
	if err != nil {
		return err
	}
	settings, err := ParseDebugExportSettings(body)
	if err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	before := s.exporter.State().DebugExportSettings
	st, err := s.exporter.Configure(r.Context(), peer, settings)
	if err != nil {
		// Refused: nothing changed, and the audit log must not say it did.
		s.log.Info("debug export settings refused", "uid", peer.UID, "pid", peer.PID, "settings", settings, "err", err)
		if errors.Is(err, ErrBadSettings) || errors.Is(err, ErrDebugExportOn) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrBadSettings, err)
	}
	if st.DebugExportSettings != before {
		s.log.Info("debug export settings changed", "uid", peer.UID, "pid", peer.PID, "settings", st.DebugExportSettings)
	}
	return writeJSON(w, st)
}

// DebugExportSettings is the body of PUT /v1/debug/export: what the debug
// image export saves, where, and for how long (docs/api.md). Export is off
// by default; images leave memory only while it is enabled.
type DebugExportSettings = apitype.DebugExportSettings

// DebugExportState is the answer of GET and PUT /v1/debug/export: the
// settings with their defaults filled in, and what the export has done.
type DebugExportState = apitype.DebugExportState

// Debug export frame selections.
const (
	FramesDecoded = apitype.FramesDecoded
	FramesFailed  = apitype.FramesFailed
	FramesAll     = apitype.FramesAll
)

// ParseDebugExportSettings decodes and checks a PUT /v1/debug/export body:
// exactly one JSON object, no unknown members (a misspelt setting is not
// ignored), durations as strings with a unit. Refusals wrap ErrBadSettings.
func ParseDebugExportSettings(body []byte) (DebugExportSettings, error) {
	st, err := parseStrictJSON[DebugExportSettings](body, ErrBadSettings)
	if err != nil {
		return DebugExportSettings{}, err
	}
	if err := st.Validate(); err != nil {
		return DebugExportSettings{}, err
	}
	return st, nil
}
