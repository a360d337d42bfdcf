package ltstest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// StartTrial runs a test LTS on the real clock with a generous per-scan
// license under a new handshake code, and returns it with the [license]
// table of a scannerd configuration that points a device at it (its state
// and machine id in a temporary directory).
func StartTrial(t testing.TB) (l *LTS, code, licenseTOML string) {
	t.Helper()
	l = Start(t, Options{Clock: NewClock(time.Now())})
	l.IssueLicense(t, wire.License{ID: "TRIAL", Type: wire.LicensePerScan, ScansPerPeriod: 1_000_000,
		Period: "month", Expires: time.Now().AddDate(1, 0, 0)})
	code = l.Handshake(t, lts.Handshake{Licenses: []string{"TRIAL"}})
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
