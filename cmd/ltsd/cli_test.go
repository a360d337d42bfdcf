package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/cli/clitest"
)

// update reports whether the test runs with -update.
var update = clitest.UpdateFlag()

// runLtsd runs ltsd in-process with an empty environment.
func runLtsd(args []string) (int, string, string) {
	var out, errOut bytes.Buffer
	m := NewMain(&out, &errOut)
	m.Getenv = func(string) string { return "" }
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// TestHelp checks the help of every command against testdata/help.
func TestHelp(t *testing.T) {
	clitest.Help(t, NewMain(nil, nil).command(), runLtsd, "testdata/help", update())
}

// TestCommandLineExitCodes checks what wrong command lines and missing
// files exit with and print (testdata/exit-codes.txt).
func TestCommandLineExitCodes(t *testing.T) {
	tmp := t.TempDir()
	cfg := filepath.Join(tmp, "missing.toml")
	clitest.Transcript(t, "ltsd", runLtsd, [][]string{
		{},
		{"nope"},
		{"--nope"},
		{"init", filepath.Join(tmp, "a"), filepath.Join(tmp, "b")},
		{"usage", "--by", "week"},
		{"usage", "--config", cfg},
		{"usage", "-config", cfg, "-json"},
		{"license"},
		{"license", "issue"},
		{"license", "issue", "--vendor-key", filepath.Join(tmp, "vendor.key"), "--id", "X", "--max-devices", "1"},
		{"license", "issue", "--vendor-key", filepath.Join(tmp, "vendor.key"), "--id", "X"},
		{"license", "import", "--config", cfg},
		{"handshake", "create", "--config", cfg, "--license", "X", "--network", "10.0.0.0/99"},
		{"handshake", "create", "--config", cfg, "--license", "X", "--offline", "2m"},
		{"handshake", "create", "--config", cfg, "--license", "X", "--grace", "-1"},
		{"license", "issue", "--vendor-key", filepath.Join(tmp, "vendor.key"), "--id", "X", "--max-devices", "1", "--days", "0"},
		{"handshake", "add-license", "CODE"},
		{"device", "remove"},
		{"device", "frobnicate", "UUID"},
		{"admin", "add"},
		{"admin", "add", "--config", cfg, "--role", "root", "eve"},
		{"admin", "list", "--config", cfg},
		{"migrate", "extra"},
		{"migrate", "--config", cfg},
		{"help", "device", "nope"},
	}, "testdata/exit-codes.txt", func(s string) string { return strings.ReplaceAll(s, tmp, "$TMP") }, update())
}

func TestVersion(t *testing.T) {
	code, out, _ := runLtsd([]string{"version"})
	_, flagOut, _ := runLtsd([]string{"--version"})
	if code != 0 || !strings.HasPrefix(out, "ltsd ") || out != flagOut {
		t.Errorf("version: exit %d %q, --version %q", code, out, flagOut)
	}
}

// TestConfigFromEnvironment: without --config, $LTSD_CONFIG names the
// config; --config beats it.
func TestConfigFromEnvironment(t *testing.T) {
	cfg, _, _ := setup(t, "--type", "scan", "--scans", "10")
	for _, tc := range []struct {
		env  string
		args []string
	}{
		{cfg, []string{"handshake", "list"}},
		{filepath.Join(t.TempDir(), "none.toml"), []string{"handshake", "list", "--config", cfg}},
	} {
		var out, errOut bytes.Buffer
		m := NewMain(&out, &errOut)
		m.Getenv = func(k string) string {
			if k == configEnv {
				return tc.env
			}
			return ""
		}
		if code := m.Run(context.Background(), tc.args); code != 0 || !strings.Contains(out.String(), "TRIAL") {
			t.Errorf("LTSD_CONFIG=%s ltsd %q: exit %d\n%s%s", tc.env, tc.args, code, out.String(), errOut.String())
		}
	}
}

// TestInitHost: "init --host NAME" prints and keeps the URL it was given,
// listens where devices can reach it, and "pin" prints the same URL.
func TestInitHost(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lts")
	out := run(t, "init", "--host", "lts.example.com", "--host", "192.0.2.7", dir)
	if !strings.Contains(out, `lts_url = "https://lts.example.com:8443"`) {
		t.Errorf("init --host printed:\n%s", out)
	}
	cfg := filepath.Join(dir, "ltsd.toml")
	data, _ := os.ReadFile(cfg)
	if !strings.Contains(string(data), `url = "https://lts.example.com:8443"`) || !strings.Contains(string(data), `listen = ":8443"`) {
		t.Errorf("ltsd.toml:\n%s", data)
	}
	if pin := run(t, "pin", "--config", cfg); !strings.Contains(pin, `lts_url = "https://lts.example.com:8443"`) {
		t.Errorf("pin printed:\n%s", pin)
	}
	if js := run(t, "pin", "--config", cfg, "--json"); !strings.HasPrefix(js, `{"lts_url":"https://lts.example.com:8443","lts_keys":["lts1:`) {
		t.Errorf("pin --json printed:\n%s", js)
	}
}

// TestRootRefusesAnotherUsersStore: root running a command on a store (or
// into a directory) another user owns is refused with exit code 5 and
// creates nothing: a root-owned lts.db would stop the service.
func TestRootRefusesAnotherUsersStore(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: checks what root may not do")
	}
	const nobody = 65534
	dir := filepath.Join(t.TempDir(), "lts")
	run(t, "init", dir)
	cfg := filepath.Join(dir, "ltsd.toml")
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
	for _, args := range [][]string{
		{"license", "list", "--config", cfg},
		{"usage", "--config", cfg},
		{"serve", "--config", cfg},
		{"init", filepath.Join(dir, "sub")},
	} {
		code, out, errOut := runLtsd(args)
		if code != 5 || out != "" || !strings.Contains(errOut, "run the command as") {
			t.Errorf("ltsd %q as root: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	for _, name := range []string{"lts.db", "sub"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was created as root", name)
		}
	}
	// Root's own directories are root's to use.
	if code, _, errOut := runLtsd([]string{"init", filepath.Join(t.TempDir(), "mine")}); code != 0 {
		t.Errorf("init into root's own directory: exit %d %s", code, errOut)
	}
}

// TestDocs checks the man pages and completions the package installs.
func TestDocs(t *testing.T) {
	clitest.Docs(t, NewMain(nil, nil).command(), runLtsd, "8")
}

// TestInitConfigRefersToFilesThatExist: the config "init" writes refers
// to the documented example of every key, and that file is there, beside
// it, from a checkout as from the package: it used to name
// /usr/share/doc/ltsd/ltsd.toml, which only the package installs. The
// example is packaging/ltsd.toml and reads as a valid config.
func TestInitConfigRefersToFilesThatExist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lts")
	run(t, "init", dir)
	cfg, err := os.ReadFile(filepath.Join(dir, "ltsd.toml"))
	if err != nil {
		t.Fatal(err)
	}
	referred := 0
	for _, line := range strings.Split(string(cfg), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		for _, word := range strings.Fields(line) {
			word = strings.TrimRight(word, ".,;:)")
			if !strings.HasSuffix(word, ".toml") && !strings.HasPrefix(word, "/") {
				continue
			}
			referred++
			path := word
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("ltsd.toml refers to %s: %v", word, err)
			}
		}
	}
	if referred == 0 {
		t.Errorf("ltsd.toml refers to no description of its keys:\n%s", cfg)
	}
	example, err := os.ReadFile(filepath.Join(dir, "ltsd.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	documented, err := os.ReadFile("../../packaging/ltsd.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(example, documented) {
		t.Error("ltsd.example.toml is not packaging/ltsd.toml")
	}
	if _, err := ParseConfig("ltsd.example.toml", example, dir); err != nil {
		t.Errorf("the example does not parse: %v", err)
	}
	// Run again with the example alone left, init refuses to overwrite it
	// as it does the rest, and writes nothing.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "ltsd.example.toml" {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	if code, _, errOut := runLtsd([]string{"init", dir}); code == 0 || !strings.Contains(errOut, "ltsd.example.toml exists") {
		t.Errorf("init beside an existing example: exit %d %s", code, errOut)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		t.Errorf("init refused, yet the directory holds %d files: %v", len(entries), err)
	}
}
