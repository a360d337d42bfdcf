package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/cli/clitest"
)

// update reports whether the test runs with -update.
var update = clitest.UpdateFlag()

func runArgs(args []string) (int, string, string) { return runScanctl(args...) }

// TestHelp checks the help of every command against testdata/help.
func TestHelp(t *testing.T) {
	m := &Main{Getenv: func(string) string { return "" }}
	clitest.Help(t, m.command(), runArgs, "testdata/help", update())
}

// TestExitCodes checks what command lines scripts get wrong, and a missing
// daemon, exit with and print (testdata/exit-codes.txt).
func TestCommandLineExitCodes(t *testing.T) {
	tmp := t.TempDir()
	png := filepath.Join(tmp, "x.png")
	writeCodePNG(t, png, 0, "")
	sock := filepath.Join(tmp, "absent.sock")
	clitest.Transcript(t, "scanctl", runArgs, [][]string{
		{},
		{"nope"},
		{"--nope"},
		{"decode"},
		{"decode", "--nope", png},
		{"decode", "--symbologies", "QR_CODE,NONSENSE", png},
		{"decode", "--symbologies", "default,", png},
		{"decode", "--symbologies", "all,-NONSENSE", png},
		{"decode", "--symbologies=-qr_code", png},
		{"decode", "--symbologies", "qr_code,-qr_code", png},
		{"decode", "--symbologies", "", png},
		{"decode", "--symbologies", "all,-", png},
		{"decode", "--tsv", "--json", png},
		{"decode", "--jobs", "two", png},
		{"decode", "-j", "2", "--json", png},
		{"decode", "-j", "100000", png},
		{"decode", "--max-pixels", "0", png},
		{"decode", filepath.Join(tmp, "missing.png")},
		{"status", "--socket", sock},
		{"status", "-socket", sock, "-json"},
		{"status", "--socket=" + sock, "extra"},
		{"scan", "--timeout", "0"},
		{"scan", "--symbology", "NOPE", "--socket", sock},
		{"watch", "--symbology", "QR_CODE,NOPE", "--socket", sock},
		{"watch", "--symbology", "", "--socket", sock},
		{"watch", "--count", "-1", "--socket", sock},
		{"license", "renew"},
		{"license", "sync", "--socket", sock},
		{"debug"},
		{"debug", "nope"},
		{"debug", "export", "on"},
		{"debug", "export", "on", tmp, "--frames", "some", "--socket", sock},
		{"debug", "export", "on", tmp, "--for", "2000h", "--socket", sock},
		{"debug", "export", "on", "run1", "--socket", sock},
		{"debug", "annotate", filepath.Join(tmp, "x.txt")},
		{"cameras", "extra"},
		{"snapshot"},
		{"snapshot", "cam0", "--timeout", "0"},
		{"snapshot", "cam0", "--socket", sock},
		{"setup", "extra"},
		{"setup", "--listen", "0.0.0.0:8080", "--socket", sock},
		{"setup", "--socket", sock},
		{"help", "nope"},
	}, "testdata/exit-codes.txt", func(s string) string { return strings.ReplaceAll(s, tmp, "$TMP") }, update())
}

func TestVersion(t *testing.T) {
	code, out, _ := runScanctl("version")
	_, flagOut, _ := runScanctl("--version")
	if code != exitOK || !strings.HasPrefix(out, "scanctl ") || out != flagOut {
		t.Errorf("version: exit %d %q, --version %q", code, out, flagOut)
	}
	code, out, _ = runScanctl("version", "--json")
	if code != exitOK || !strings.HasPrefix(out, `{"program":"scanctl","version":"`) {
		t.Errorf("version --json: exit %d %q", code, out)
	}
}

func TestAcceptSingleDashLongFlags(t *testing.T) {
	ctx := context.Background()
	sock := filepath.Join(t.TempDir(), "absent.sock")
	for _, args := range [][]string{{"status", "-socket", sock}, {"status", "-socket=" + sock, "-json"},
		// Before the command, as the README says flags may be.
		{"-socket", sock, "status"}, {"--json", "--socket", sock, "status"}, {"-json", "debug", "-socket=" + sock, "export"}} {
		code, _, errOut := run(ctx, "", args...)
		if code != exitNoDaemon || !strings.Contains(errOut, sock) {
			t.Errorf("%q: exit %d, %s", args, code, errOut)
		}
	}
}

// TestDocs checks the man pages and completions the package installs.
func TestDocs(t *testing.T) {
	clitest.Docs(t, (&Main{Getenv: func(string) string { return "" }}).command(), runArgs, "1")
}

// TestCompletion asks the program what a shell's completion asks it.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "deb"}, "debug"},
		{[]string{"__complete", "decode", "--symbologies", "QR_CODE,EA"}, "QR_CODE,EAN_13"},
		{[]string{"__complete", "decode", "--symbologies", "all,-QR"}, "all,-QR_CODE"},
		{[]string{"__complete", "debug", "export", "on", "--frames", ""}, "failed"},
		{[]string{"__complete", "help", "li"}, "license"},
	} {
		code, out, _ := runScanctl(tc.args...)
		if code != exitOK || !strings.Contains(out, tc.want+"\n") && !strings.Contains(out, tc.want+"\t") {
			t.Errorf("%q: exit %d, no %q in\n%s", tc.args, code, tc.want, out)
		}
	}
}
