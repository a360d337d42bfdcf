package main

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/scanner"
)

// gate is the engine's license gate. With a license configured it is the
// licensing client's. Without one the daemon runs in evaluation mode:
// the built-in demo camera decodes, nothing else does, and nothing is
// metered.
type gate struct {
	lic   *licensing.Client               // nil: no license configured
	demos atomic.Pointer[map[string]bool] // names of demo sources
	log   *slog.Logger
	// uploads is the last upload metering reason logged.
	uploads atomic.Pointer[string]
}

var _ scanner.Gate = (*gate)(nil)

// errUnlicensed explains evaluation mode. It is licensing.ErrNotAuthorized
// to errors.Is, but says only what applies without a license: the advice
// of ErrNotAuthorized (check the LTS, run scanctl license) does not.
var errUnlicensed error = unlicensedError{}

type unlicensedError struct{}

func (unlicensedError) Error() string {
	return "evaluation mode: no license is configured, so only the demo camera decodes; set lts_url, lts_keys and handshake_code (or offline_license) in the [license] table (docs/licensing.md)"
}

func (unlicensedError) Is(target error) bool { return target == licensing.ErrNotAuthorized }

func (g *gate) Permit(now time.Time, source string) (scanner.SymbologySet, error) {
	if g.lic != nil {
		return g.lic.Permit(now, source)
	}
	if (*g.demos.Load())[source] {
		return scanner.AllSymbologies(), nil
	}
	return 0, errUnlicensed
}

func (g *gate) setSources(cfg *Config) {
	demos := map[string]bool{}
	for _, s := range cfg.Sources {
		if s.URL == "demo" {
			demos[s.Name] = true
		}
	}
	g.demos.Store(&demos)
}

// record meters results before they are delivered and returns those that
// may be: the first n, once their counts are written. Without a license
// nothing is metered and every result may be delivered.
func (g *gate) record(results []scanner.Result) ([]scanner.Result, error) {
	if g.lic == nil {
		return results, nil
	}
	var buf [8]scanner.Symbology
	syms := buf[:0]
	for i := range results {
		syms = append(syms, results[i].Symbology)
	}
	n, err := g.lic.Record(syms)
	return results[:n], err
}

// recordUpload meters the results of an upload, like record, unless the
// operator asked for unmetered uploads and the license grants them. The
// decision is logged when its reason changes, so an operator whose
// unmetered_uploads is ignored reads why.
func (g *gate) recordUpload(results []scanner.Result) ([]scanner.Result, error) {
	if g.lic == nil {
		return results, nil
	}
	if m := g.uploadMetering(); !m.Metered {
		return results, nil
	}
	return g.record(results)
}

// uploadMetering returns the license's upload metering decision, logging
// it when it changed and the operator asked for unmetered uploads.
func (g *gate) uploadMetering() licensing.UploadMetering {
	m := g.lic.UploadMetering()
	if prev := g.uploads.Swap(&m.Reason); (prev == nil || *prev != m.Reason) && g.lic.UnmeteredUploadsAsked() {
		if m.Metered {
			g.log.Warn("unmetered_uploads ignored", "reason", m.Reason)
		} else {
			g.log.Info("unmetered uploads", "reason", m.Reason)
		}
	}
	return m
}

// summary is the license part of /v1/status and STATUS=.
func (g *gate) summary() api.LicenseSummary {
	if g.lic == nil {
		return api.LicenseSummary{State: "unconfigured", Message: errUnlicensed.Error()}
	}
	st := g.lic.Status()
	sum := api.LicenseSummary{State: string(st.State), Message: st.Message, Expires: st.Expires,
		OfflineLeftSeconds: st.OfflineLeftSeconds, PendingScans: st.PendingScans, LastSync: st.LastSync}
	if g.lic.UnmeteredUploadsAsked() {
		sum.Uploads = &apitype.UploadMetering{Metered: st.Uploads.Metered, Reason: st.Uploads.Reason}
	}
	return sum
}

// line is the license part of STATUS=.
func (g *gate) line() string {
	if g.lic == nil {
		return "license: none (evaluation: demo camera only)"
	}
	st := g.lic.Status()
	switch {
	case st.State != licensing.StateAuthorized:
		return fmt.Sprintf("license: %s", st.State)
	case st.Mode == licensing.ModeOffline:
		return fmt.Sprintf("license: offline license until %s", st.Expires.Format("2006-01-02"))
	}
	return fmt.Sprintf("license: authorized, %s offline left", st.OfflineLeft)
}
