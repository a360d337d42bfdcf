package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestScanAnswersTheMetersRefusalAtOnce: a /v1/scan waiting when the
// meter refuses the result that would answer it (the device's scans used
// up) answers 403 license_refused as soon as the meter has refused, not
// 504 timeout when its timeout ends, which is what it used to do: the
// refused result was never published and the meter's refusal reached only
// the log. The parts are real: an LTS over TLS on loopback with a scan
// quota of 1, the device's bbolt store, the daemon's Unix socket. An upload
// uses the quota; the engine's gate permits every frame (as the real one
// does for a frame that starts decoding before the lease runs out), so
// that the refusal is the meter's.
func TestScanAnswersTheMetersRefusalAtOnce(t *testing.T) {
	_, _, license := ltstest.StartLicensed(t, wire.License{ID: "ONE", Type: wire.LicensePerScan,
		ScansPerPeriod: 1, Period: "month", Expires: time.Now().AddDate(1, 0, 0)})
	inbox := t.TempDir()
	m := NewMain()
	m.gate = &holdGate{}
	c := runLicensedInbox(t, m, inbox, `symbologies = "qr_code"`, license)
	ctx := context.Background()

	// The one scan of the quota goes to an upload.
	s, err := symbols.Encode(scanner.QRCode, "uploaded")
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := c.Decode(ctx, bytes.NewReader(symbolPNG(t, s, 200, 200, 3)), client.DecodeOptions{}); err != nil || len(dec.Results) != 1 {
		t.Fatalf("upload: %+v, %v", dec, err)
	}

	got := make(chan error, 1)
	go func() {
		_, err := c.Scan(ctx, client.ScanOptions{Timeout: 20 * time.Second, Sources: []string{"inbox"}})
		got <- err
	}()
	waitFor(t, "the scan to wait", func() bool { return m.d.api.Subscribers() == 1 })
	dropPNGs(t, inbox, 1) // read, and refused by the meter
	err = receive(t, got, "the scan's answer")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusForbidden || ce.Code != "license_refused" {
		t.Fatalf("scan: %v, want 403 license_refused", err)
	}
	if totals, _ := m.d.gate.lic.Totals(); totals["QR_CODE"] != 1 {
		t.Errorf("metered %v, want the upload's QR_CODE only", totals)
	}
}
