package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSetupFileErrors: a setup file that does not parse stops a load with
// an error that names it.
func TestSetupFileErrors(t *testing.T) {
	dir := t.TempDir()
	setup := filepath.Join(dir, "setup.toml")
	config := writeConfig(t, fmt.Sprintf("[setup]\nfile = %q\n[[source]]\nname = \"cam\"\nurl = \"demo\"\n", setup))
	for _, c := range []struct{ body, want string }{
		{"[[source]]\nname = \"cam\"\nregoin = [1, 2, 3, 4]\n", "regoin"},
		{"[[source]\n", setup},
	} {
		if err := os.WriteFile(setup, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadConfig(config); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error naming %q", c.body, err, c.want)
		}
	}
}

// TestSetupFileLeftOutParts: a setup file the configuration has moved
// away from (the frame size changed, a source renamed, a symbology the
// daemon no longer knows) does not stop the device: what no longer fits
// is left out, with a warning naming the source and the setting, and the
// rest is taken. A region outside the frame used to make the daemon
// refuse to start, and an entry of a source the configuration does not
// have was ignored without a word.
func TestSetupFileLeftOutParts(t *testing.T) {
	dir := t.TempDir()
	setup := filepath.Join(dir, "setup.toml")
	os.WriteFile(setup, []byte(`[[source]]
name = "cam"
region = [600, 0, 100, 100]
symbologies = ["QR_CODE"]
[[source]]
name = "gone"
region = [0, 0, 10, 10]
[[source]]
name = "doc"
region = [0, 0, 10, 10]
symbologies = ["NOPE"]
[[source]]
name = "zero"
region = [0, 0, 0, 10]
`), 0o600)
	config := writeConfig(t, fmt.Sprintf(`[setup]
file = %q
[[source]]
name = "cam"
url = "camera:0"
width = 640
height = 480
region = [0, 0, 320, 240]
[[source]]
name = "doc"
url = "demo"
[[source]]
name = "zero"
url = "demo"
`, setup))
	cfg, _, err := LoadConfig(config)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	want := []struct {
		region []int
		syms   []string
	}{
		{[]int{0, 0, 320, 240}, []string{"QR_CODE"}}, // the configured region, the saved symbologies
		{[]int{0, 0, 10, 10}, nil},
		{nil, nil},
	}
	for i, w := range want {
		s := cfg.Sources[i]
		if !slices.Equal(s.Region, w.region) || !slices.Equal([]string(s.Symbologies), w.syms) {
			t.Errorf("%s: region %v, symbologies %v; want %v, %v", s.Name, s.Region, s.Symbologies, w.region, w.syms)
		}
	}
	if !slices.Equal(cfg.setupSources, []string{"cam", "doc", "zero"}) {
		t.Errorf("setup sources %v, want cam, doc and zero", cfg.setupSources)
	}
	var logs bytes.Buffer
	cfg.warnSetup(slog.New(slog.NewTextHandler(&logs, nil)))
	for _, line := range []string{
		`source=cam region="[600 0 100 100]"`,
		`msg="setup file names a source the configuration does not have; its entry is unused" file=` + setup + ` source=gone`,
		`source=doc symbologies=[NOPE]`,
		`source=zero region="[0 0 0 10]"`,
	} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("no warning with %s:\n%s", line, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 4 {
		t.Errorf("%d warnings, want 4:\n%s", n, logs.String())
	}
}

// TestDaemonWarnsOfItsSetupFile: the daemon logs what it left out of the
// setup file when it starts (and on each reload).
func TestDaemonWarnsOfItsSetupFile(t *testing.T) {
	setup := filepath.Join(t.TempDir(), "setup.toml")
	os.WriteFile(setup, []byte("[[source]]\nname = \"cam\"\nregion = [0, 0, 10, 10]\n"), 0o600)
	_, _, logs := startMain(t, fmt.Sprintf("[setup]\nfile = %q\n", setup))
	if !strings.Contains(logs.String(), "setup file names a source the configuration does not have; its entry is unused") {
		t.Errorf("no warning of the unused entry:\n%s", logs.String())
	}
}

// TestCheckConfigWarnsOfItsSetupFile: scannerd -check-config passes a
// configuration whose setup file holds a region outside the frame (it
// used to exit 1), and prints what is left out.
func TestCheckConfigWarnsOfItsSetupFile(t *testing.T) {
	setup := filepath.Join(t.TempDir(), "setup.toml")
	os.WriteFile(setup, []byte("[[source]]\nname = \"cam\"\nregion = [1200, 600, 200, 200]\n"), 0o600)
	config := writeConfig(t, fmt.Sprintf("[setup]\nfile = %q\n[[source]]\nname = \"cam\"\nurl = \"demo\"\n", setup))
	m := NewMain()
	var stdout, stderr bytes.Buffer
	m.Stdout, m.Stderr = &stdout, &stderr
	if err := m.ParseFlags([]string{"-check-config", "-config", config}); err != nil {
		t.Fatal(err)
	}
	code := m.CheckConfig()
	want := fmt.Sprintf(`scannerd: warning: setup file %s: source "cam": region = [1200 600 200 200] left out`, setup)
	// The summary claims only what was taken: it used to say "the region
	// and symbologies of cam" with the region left out.
	inUse := setup + ": the symbologies of cam, saved from the setup page\n"
	if code != 0 || !strings.Contains(stdout.String(), config+": ok") || !strings.Contains(stderr.String(), want) || !strings.Contains(stdout.String(), inUse) {
		t.Errorf("scannerd -check-config: exit %d, stdout %q, stderr %q; want ok and %q", code, stdout.String(), stderr.String(), want)
	}
}

// TestStateDirThatCannotBeRead: a state_dir the daemon cannot use (here a
// file; an unreadable directory takes the same path, with a hint of the
// user) is named as state_dir, not as a setup file it could not read.
func TestStateDirThatCannotBeRead(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "state")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadConfig(writeConfig(t, fmt.Sprintf("[license]\nstate_dir = %q\n[[source]]\nname = \"d\"\nurl = \"demo\"\n", notDir)))
	if err == nil || !strings.HasPrefix(err.Error(), "state_dir "+notDir+" ([license]") || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("state_dir that is a file: %v", err)
	}
}
