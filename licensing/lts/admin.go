package lts

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/scannerd/scannerd/licensing/wire"
)

// The write half of the admin API, so that licenses, handshake codes and
// devices can be managed while the server runs (and holds the store).

func (s *Server) adminImportLicense(r *http.Request) (any, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	l, signed, err := wire.ParseLicense(data, s.vendors)
	if err != nil {
		return nil, err
	}
	outcome, err := s.store.ImportLicense(r.Context(), l, signed, s.now())
	if err != nil {
		return nil, err
	}
	if code := r.URL.Query().Get("handshake"); code != "" {
		if err := s.store.AddLicenses(r.Context(), code, []string{l.ID}); err != nil {
			return nil, err
		}
	}
	s.log.Info("license imported", "license", l.ID, "outcome", outcome.String())
	return map[string]any{"license": l, "renewed": outcome == LicenseRenewed, "unchanged": outcome == LicenseUnchanged}, nil
}

func (s *Server) adminCreateHandshake(r *http.Request) (any, error) {
	var h Handshake
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if h.Code == "" {
		h.Code = NewHandshakeCode()
	}
	if h.OfflinePeriod == 0 {
		h.OfflinePeriod = DefaultOfflinePeriod
	}
	h.Created = s.now()
	if err := s.store.CreateHandshake(r.Context(), &h); err != nil {
		return nil, err
	}
	s.log.Info("handshake code created", "code", h.Code)
	return map[string]string{"code": h.Code}, nil
}

func (s *Server) adminAddLicenses(r *http.Request) (any, error) {
	var body struct {
		Licenses []string `json:"licenses"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Licenses) == 0 {
		return nil, fmt.Errorf("%w: want {\"licenses\": [ids]}", ErrInvalid)
	}
	code := r.PathValue("code")
	if err := s.store.AddLicenses(r.Context(), code, body.Licenses); err != nil {
		return nil, err
	}
	return map[string]any{"code": code, "added": body.Licenses}, nil
}

func (s *Server) adminDeviceState(r *http.Request) (any, error) {
	id, action := r.PathValue("id"), r.PathValue("action")
	changed, err := s.store.SetDeviceState(r.Context(), id, DeviceAction(action), s.now())
	if err != nil {
		return nil, err
	}
	if changed {
		s.log.Info("device state changed", "device", id, "action", action)
	}
	return map[string]any{"device": id, "action": action, "changed": changed}, nil
}
