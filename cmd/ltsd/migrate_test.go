package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// TestPostgresRecipeEditsTheInitConfig: the edit docs/licensing.md gives
// for moving to PostgreSQL ("replace store = "lts.db" with [store] url =
// …"), made literally on the config ltsd init writes, gives a config on
// that database that keeps every other key. It used to fail: init wrote
// store mid-file, and the [store] table put in its place took the keys
// after it (ltsd.toml:11: unknown key "store.admin_token_file"). A config
// laid out that way now says why, and "store = URL" is the table's short
// form. (Running the migration itself needs PostgreSQL:
// TestMigrateBoltToPostgres.)
func TestPostgresRecipeEditsTheInitConfig(t *testing.T) {
	doc, err := os.ReadFile("../../docs/licensing.md")
	if err != nil {
		t.Fatal(err)
	}
	_, recipe, ok := strings.Cut(string(doc), "### Moving a bbolt store to PostgreSQL")
	recipe, _, _ = strings.Cut(recipe, "\n## ")
	replaced, table := "", ""
	for _, line := range strings.Split(recipe, "\n") {
		if _, after, found := strings.Cut(line, "replace its last line,"); found {
			replaced, _, _ = strings.Cut(after, ",  with")
			replaced = strings.TrimSpace(replaced)
			continue
		}
		if replaced != "" && table != "" && !strings.HasPrefix(line, "#   ") {
			break
		}
		if replaced != "" && strings.HasPrefix(line, "#   ") {
			table += strings.TrimPrefix(line, "#   ") + "\n"
		}
	}
	if !ok || replaced == "" || !strings.HasPrefix(table, "[store]\nurl = ") {
		t.Fatalf("no recipe in docs/licensing.md: replace %q with %q", replaced, table)
	}

	dir := t.TempDir()
	run(t, "init", dir)
	path := filepath.Join(dir, "ltsd.toml")
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(written), "\n"), "\n")
	if last := lines[len(lines)-1]; last != replaced {
		t.Fatalf("the last line of the config init writes is %q, the recipe replaces %q", last, replaced)
	}
	edited := strings.Join(lines[:len(lines)-1], "\n") + "\n" + table
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := ParseConfig(path, written, dir)
	if err != nil {
		t.Fatal(err)
	}
	after, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("the config after the recipe's edit: %v\n%s", err, edited)
	}
	if !after.Store.Postgres() || !strings.Contains(table, after.Store.URL) || after.AdminTokenFile != before.AdminTokenFile ||
		!slices.Equal(after.VendorKeys, before.VendorKeys) || after.Listen != before.Listen {
		t.Errorf("after the edit: %+v\nbefore: %+v", after, before)
	}

	// A config with keys after the table: the error names the misplaced key
	// and what to do; the short form works wherever the line is.
	url := after.Store.URL
	for _, tc := range []struct{ in, wantErr string }{
		{"[store]\nurl = \"" + url + "\"\nadmin_token_file = \"admin.token\"\n",
			`ltsd.toml:3: unknown key "store.admin_token_file" (admin_token_file is a top-level key: a [table] takes every key after it, so top-level keys go before the first table)`},
		{"store = \"" + url + "\"\nadmin_token_file = \"admin.token\"\n", ""},
	} {
		c, err := ParseConfig("ltsd.toml", []byte(tc.in), dir)
		switch {
		case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
			t.Errorf("%q: %v, want %s", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || c.Store.URL != url || c.AdminTokenFile != "admin.token"):
			t.Errorf("%q: %+v, %v", tc.in, c.Store, err)
		}
	}
}
