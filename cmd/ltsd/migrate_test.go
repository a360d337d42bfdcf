package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
)

// TestMigrateBoltToPostgres: a store that served devices on bbolt, copied
// by "ltsd migrate" into PostgreSQL, shows the same usage and devices
// there, and a report the device resends after the move is not counted
// again. Migrating twice into one database is refused.
func TestMigrateBoltToPostgres(t *testing.T) {
	cfg, code, pin := setup(t, "--type", "scan", "--scans", "1000")
	if exit, _, errOut := runLtsd([]string{"migrate", "--config", cfg}); exit != 1 || !strings.Contains(errOut, "no [store] url") {
		t.Errorf("migrate without [store] url: exit %d %s", exit, errOut)
	}
	stop := serve(t, cfg)
	d := newDevice(t, pin, code)
	if err := d.authorize(); err != nil {
		t.Fatal(err)
	}
	for i, sym := range []string{"QR_CODE", "EAN_13", "QR_CODE"} {
		if err := d.report(fmt.Sprint("r", i), sym, uint64(i+2)); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	usage := run(t, "usage", "--config", cfg, "--by", "day", "--json")
	var days struct{ Usage []lts.UsageRow }
	if err := json.Unmarshal([]byte(usage), &days); err != nil {
		t.Fatal(err)
	}
	devices := run(t, "device", "list", "--config", cfg, "--json")

	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`store = "lts.db"`), nil, 1)
	data = fmt.Appendf(data, "\n[store]\nurl = %q\n", pgtest.Database(t))
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if exit, _, errOut := runLtsd([]string{"migrate", "--config", cfg, "--from", missing}); exit != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("migrate from a missing file: exit %d %s", exit, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("migrate made the missing bbolt file")
	}
	var m lts.Migration
	if err := json.Unmarshal([]byte(run(t, "migrate", "--config", cfg, "--json")), &m); err != nil {
		t.Fatal(err)
	}
	// Per code, day and symbology; per device and day, and month.
	want := lts.Migration{Licenses: 1, Handshakes: 1, Devices: 1, UsageRows: len(days.Usage), Scans: 2 + 3 + 4, Reports: 3, DeviceTotals: m.DeviceTotals}
	if m != want || m.DeviceTotals < 2 {
		t.Errorf("migrate copied %+v, want %+v", m, want)
	}
	if got := run(t, "usage", "--config", cfg, "--by", "day", "--json"); got != usage {
		t.Errorf("usage on PostgreSQL:\n%s\non bbolt:\n%s", got, usage)
	}
	if got := run(t, "device", "list", "--config", cfg, "--json"); micros(t, got) != micros(t, devices) {
		t.Errorf("devices on PostgreSQL:\n%s\non bbolt:\n%s", got, devices)
	}
	if exit, _, errOut := runLtsd([]string{"migrate", "--config", cfg}); exit != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("second migrate: exit %d %s", exit, errOut)
	}
	// The device resends a report the bbolt store counted: PostgreSQL
	// knows its id.
	stop = serve(t, cfg)
	if err := d.report("r1", "EAN_13", 3); err != nil {
		t.Fatal(err)
	}
	stop()
	if got := run(t, "usage", "--config", cfg, "--by", "day", "--json"); got != usage {
		t.Errorf("usage after a resend:\n%s\nbefore:\n%s", got, usage)
	}
}

// micros returns JSON with its times to the microsecond, as PostgreSQL
// keeps them.
func micros(t *testing.T, js string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return tm.Truncate(time.Microsecond).Format(time.RFC3339Nano)
			}
		}
		return v
	}
	out, _ := json.Marshal(walk(v))
	return string(out)
}
