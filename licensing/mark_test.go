package licensing

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// copyDir copies the regular files of dir into to (a backup of the state
// directory).
func copyDir(t *testing.T, dir, to string) {
	t.Helper()
	os.RemoveAll(to)
	os.MkdirAll(to, 0o700)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(to, e.Name()), data, 0o600)
	}
}

func (e *env) markedConfig(t *testing.T) Config {
	cfg := e.config()
	cfg.MarkFile = filepath.Join(t.TempDir(), "mark", MarkFile)
	return cfg
}

// A copy of the state directory put back over a newer one is caught: the
// usage is taken from the mark, so the LTS counts every scan once (none of
// the copy's reported scans again, none of the later ones lost), and the
// authorization the copy holds no longer decodes.
func TestRestoredCopyIsCaughtUpFromTheMark(t *testing.T) {
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth}, lts.Handshake{})
	cfg := e.markedConfig(t)
	c := e.open(t, cfg)
	mustSync(t, c)
	count(t, c, scanner.QRCode, 10)
	c.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, cfg.StateDir, backup)

	c = e.open(t, cfg)
	count(t, c, scanner.EAN13, 30)
	mustSync(t, c) // 40 reported
	count(t, c, scanner.Code128, 5)
	c.Close() // 5 pending

	copyDir(t, backup, cfg.StateDir) // the copy holds 10 QR as unreported
	c = e.open(t, cfg)
	st := c.Status()
	if !strings.Contains(st.StoreRecovered, "rollback") || st.PendingScans != 5 || st.Pending["CODE_128"] != 5 {
		t.Fatalf("after the copy was put back: %+v", st)
	}
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("the copy's authorization still decodes: %v", err)
	}
	mustSync(t, c)
	if got := ltsTotals(t, e); got["QR_CODE"] != 10 || got["EAN_13"] != 30 || got["CODE_128"] != 5 {
		t.Fatalf("LTS totals %v, want 10 QR, 30 EAN, 5 Code 128", got)
	}
	if got, _ := c.Totals(); got["QR_CODE"] != 10 || got["EAN_13"] != 30 || got["CODE_128"] != 5 {
		t.Fatalf("device totals %v", got)
	}
	c.Close()
	c = e.open(t, cfg) // the recovery stays reported
	if st := c.Status(); !strings.Contains(st.StoreRecovered, "rollback") {
		t.Fatalf("recovery forgotten: %q", st.StoreRecovered)
	}
}

// Putting back a copy made before a long time offline does not give that
// time back: the device clock comes from the mark and the copy's
// authorization is dropped.
func TestRestoredCopyGivesNoOfflineTimeBack(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	cfg := e.markedConfig(t)
	c := e.open(t, cfg)
	mustSync(t, c)
	c.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, cfg.StateDir, backup)
	e.link.down.Store(true)
	e.lts.Clock.Advance(6 * day)
	c = e.open(t, cfg)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
		t.Fatalf("6 days offline of 7: %v", err)
	}
	c.Close()
	e.lts.Clock.Advance(-6 * day) // and the clock set back as well
	copyDir(t, backup, cfg.StateDir)
	c = e.open(t, cfg)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err == nil {
		t.Fatal("the copy decodes again, with its offline time back")
	}
	if hw := c.clock.record().HighWater; hw.Before(e.lts.Clock.Now().Add(6 * day)) {
		t.Fatalf("device time %v went back with the copy", hw)
	}
}

// A running client keeps the mark within a second of the store, without
// Close: after a kill, a copy put back is caught up to the last second.
func TestMarkFollowsTheStore(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	e.lts.Clock.Set(time.Now())
	cfg := e.markedConfig(t)
	e.link.down.Store(true) // usage stays on the device
	c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, cfg.StateDir, backup)
	count(t, c, scanner.Aztec, 12)
	deadline := time.Now().Add(2 * time.Minute)
	for c.markBehind() {
		if time.Now().After(deadline) {
			t.Fatal("the mark did not catch up with the store")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.cancel()
	c.wg.Wait()
	crash(c)
	copyDir(t, backup, cfg.StateDir)
	c = e.open(t, cfg)
	if st := c.Status(); st.Pending["AZTEC"] != 12 || !strings.Contains(st.StoreRecovered, "rollback") {
		t.Fatalf("after a kill and a copy put back: %+v", st)
	}
}

// A damaged or foreign mark is no evidence of anything: the store is kept
// as it is and the mark rewritten.
func TestDamagedMarkIsRewritten(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	cfg := e.markedConfig(t)
	c := e.open(t, cfg)
	mustSync(t, c)
	count(t, c, scanner.QRCode, 3)
	c.Close()
	data, _ := os.ReadFile(cfg.MarkFile)
	os.WriteFile(cfg.MarkFile, append(data[:len(data)/2], []byte(`"gen":99999}`)...), 0o600)
	c = e.open(t, cfg)
	if st := c.Status(); st.StoreRecovered != "" || st.PendingScans != 3 || st.State != StateAuthorized {
		t.Fatalf("damaged mark: %+v", st)
	}
	if m, err := readMark(cfg.MarkFile); err != nil || m == nil {
		t.Fatalf("mark not rewritten: %v", err)
	}
}
