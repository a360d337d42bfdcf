package ltstest

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// StartTrial runs a test LTS on the real clock with a generous per-scan
// license under a new handshake code, and returns it with the [license]
// table of a scannerd configuration that points a device at it (its state
// and machine id in a temporary directory).
func StartTrial(t testing.TB) (l *LTS, code, licenseTOML string) {
	t.Helper()
	return StartTrialGranting(t)
}

// StartTrialGranting is StartTrial with a trial license that grants
// features (wire.FeatureUnmeteredUploads).
func StartTrialGranting(t testing.TB, features ...string) (l *LTS, code, licenseTOML string) {
	t.Helper()
	return StartLicensed(t, wire.License{ID: "TRIAL", Type: wire.LicensePerScan, ScansPerPeriod: 1_000_000,
		Period: "month", Expires: time.Now().AddDate(1, 0, 0), Features: features})
}

// StartLicensed is StartTrial with the license lic (its ID names it under
// the handshake code): a small ScansPerPeriod gives the device small scan
// leases that run out.
func StartLicensed(t testing.TB, lic wire.License) (l *LTS, code, licenseTOML string) {
	t.Helper()
	l = Start(t, Options{Clock: NewClock(time.Now())})
	l.IssueLicense(t, lic)
	code = l.Handshake(t, lts.Handshake{Licenses: []string{lic.ID}})
	dir := t.TempDir()
	mid := filepath.Join(dir, "machine-id")
	if err := os.WriteFile(mid, []byte("00112233445566778899aabbccddeeff\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	licenseTOML = fmt.Sprintf(`
[license]
state_dir = %q
machine_id_file = %q
lts_url = %q
lts_keys = [%q]
lts_cert_sha256 = %q
handshake_code = %q
`, filepath.Join(dir, "state"), mid, l.URL, l.Key.String(), l.CertSHA256, code)
	return l, code, licenseTOML
}

// Device speaks the protocol as scannerd does, for tests outside package
// lts that drive a test LTS: a UUID and key pair of its own, a handshake
// code.
type Device struct {
	ID   string
	Code string
	key  *ecdh.PrivateKey
	lts  *LTS
}

// NewDevice returns a new device of code that talks to l.
func (l *LTS) NewDevice(code string) *Device {
	k, _ := ecdh.X25519().GenerateKey(rand.Reader)
	return &Device{ID: uuid.NewString(), Code: code, key: k, lts: l}
}

// Authorize asks for an authorization; a refusal is a *wire.Error.
func (d *Device) Authorize() error {
	req := &wire.AuthorizeRequest{Version: wire.Version, Device: d.ID, DeviceKey: d.key.PublicKey().Bytes(), Nonce: Nonce(),
		Time: d.lts.Clock.Now(), HandshakeCode: d.Code, Software: "scannerd test"}
	_, err := d.post(wire.PathAuthorize, req, req.Nonce)
	return err
}

// Report sends a usage report of counts per symbology at slot.
func (d *Device) Report(id string, slot time.Time, counts map[string]uint64) error {
	rep := &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.key.PublicKey().Bytes(), Nonce: Nonce(),
		Time: d.lts.Clock.Now(), HandshakeCode: d.Code, ReportID: id, Seq: 1}
	for sym, n := range counts {
		rep.Counts = append(rep.Counts, wire.UsageCount{Slot: slot, Symbology: sym, Count: n})
		rep.Scans += n
	}
	_, err := d.post(wire.PathUsage, rep, rep.Nonce)
	return err
}

func (d *Device) post(path string, msg any, nonce []byte) (*wire.Reply, error) {
	body, err := wire.SealRequest(d.lts.Key, d.ID, msg)
	if err != nil {
		return nil, err
	}
	return d.lts.Exchange(d.lts.Client(), d.key, d.ID, path, body, nonce)
}

// Exchange posts a sealed request body to path through client and opens
// the reply as the device id with key, which sent nonce, would. A refusal
// comes back as a *wire.Error.
func (l *LTS) Exchange(client *http.Client, key *ecdh.PrivateKey, id, path string, body, nonce []byte) (*wire.Reply, error) {
	resp, err := client.Post(l.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r, err := wire.OpenReply(key, []wire.LTSKey{l.Key}, id, nonce, out)
	if err != nil {
		return nil, err
	}
	if r.Error != nil {
		return r, r.Error
	}
	return r, nil
}

// Nonce returns a new random request nonce.
func Nonce() []byte {
	n := make([]byte, wire.NonceSize)
	rand.Read(n)
	return n
}
