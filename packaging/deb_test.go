package packaging_test

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fileModes checks that each path exists below root with its mode.
func fileModes(t *testing.T, root string, want map[string]os.FileMode) {
	t.Helper()
	for path, mode := range want {
		st, err := os.Stat(filepath.Join(root, path))
		if err != nil {
			t.Errorf("missing %s", path)
			continue
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), mode)
		}
	}
}

func TestScannerdPackage(t *testing.T) {
	current := debs(t)
	deb := current["scannerd"]
	root := extract(t, deb)
	fileModes(t, root, map[string]os.FileMode{
		"usr/bin/scannerd":                                 0o755,
		"usr/bin/scanctl":                                  0o755,
		"lib/systemd/system/scannerd.service":              0o644,
		"lib/systemd/system/scannerd.socket":               0o644,
		"usr/lib/sysusers.d/scannerd.conf":                 0o644,
		"usr/lib/tmpfiles.d/scannerd.conf":                 0o644,
		"etc/scannerd/scannerd.toml":                       0o644,
		"usr/share/doc/scannerd/copyright":                 0o644,
		"usr/share/doc/scannerd/changelog.Debian.gz":       0o644,
		"usr/share/doc/scannerd/README.md":                 0o644,
		"usr/share/doc/scannerd/api.md":                    0o644,
		"usr/share/man/man8/scannerd.8.gz":                 0o644,
		"usr/share/man/man1/scanctl.1.gz":                  0o644,
		"usr/share/man/man1/scanctl-decode.1.gz":           0o644,
		"usr/share/man/man1/scanctl-debug-export-on.1.gz":  0o644,
		"usr/share/bash-completion/completions/scanctl":    0o644,
		"usr/share/zsh/vendor-completions/_scanctl":        0o644,
		"usr/share/fish/vendor_completions.d/scanctl.fish": 0o644,
		"usr/share/lintian/overrides/scannerd":             0o644,
	})

	// Depends: the runtime libraries the binaries link (OpenCV, libdeflate,
	// libjpeg),
	// nothing more.
	depends := run(t, "", "dpkg-deb", "-f", deb, "Depends")
	for _, lib := range []string{"libopencv-core406", "libopencv-imgproc406", "libopencv-imgcodecs406", "libopencv-videoio406", "libdeflate0", "libjpeg62-turbo", "libc6", "adduser"} {
		if !strings.Contains(depends, lib) {
			t.Errorf("Depends lacks %s: %s", lib, depends)
		}
	}
	if strings.Contains(depends, "-dev") || strings.Contains(depends, "libopencv-dnn") {
		t.Errorf("Depends pulls in more than the runtime libraries: %s", depends)
	}
	control := t.TempDir()
	run(t, "", "dpkg-deb", "-e", deb, control)
	if b, _ := os.ReadFile(filepath.Join(control, "conffiles")); strings.TrimSpace(string(b)) != "/etc/scannerd/scannerd.toml" {
		t.Errorf("conffiles: %q", b)
	}

	// The binaries run and report the package's version; the packaged
	// configuration is valid.
	version := strings.TrimSuffix(strings.TrimSpace(run(t, "", "dpkg-deb", "-f", deb, "Version")), "-1")
	out := run(t, "", filepath.Join(root, "usr/bin/scannerd"), "--check-config", "--config", filepath.Join(root, "etc/scannerd/scannerd.toml"))
	if !strings.Contains(out, "ok") {
		t.Errorf("scannerd --check-config: %s", out)
	}
	for _, bin := range []string{"scannerd", "scanctl"} {
		args := []string{"version"}
		if bin == "scannerd" {
			args = []string{"--version"}
		}
		if out := run(t, "", filepath.Join(root, "usr/bin", bin), args...); out != bin+" "+version+"\n" {
			t.Errorf("%s %s: %q, want version %s", bin, args[0], out, version)
		}
	}
	videoIOOnlyInDaemon(t, root)
	manDescribesEveryFlag(t, root)
}

// videoIOOnlyInDaemon: scannerd links OpenCV's videoio (cameras, video
// files, streams); scanctl, which decodes image files only, does not, and
// so starts without loading GStreamer, FFmpeg and their libraries.
func videoIOOnlyInDaemon(t *testing.T, root string) {
	t.Helper()
	for bin, want := range map[string]bool{"scannerd": true, "scanctl": false} {
		f, err := elf.Open(filepath.Join(root, "usr/bin", bin))
		if err != nil {
			t.Fatal(err)
		}
		libs, err := f.ImportedLibraries()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		videoio := slices.ContainsFunc(libs, func(l string) bool { return strings.HasPrefix(l, "libopencv_videoio.") })
		if videoio != want || !slices.ContainsFunc(libs, func(l string) bool { return strings.HasPrefix(l, "libopencv_imgcodecs.") }) {
			t.Errorf("%s links %v: want libopencv_imgcodecs, and libopencv_videoio only in scannerd", bin, libs)
		}
	}
}

// manDescribesEveryFlag: scannerd's man page, written by hand, describes
// every flag the daemon has.
func manDescribesEveryFlag(t *testing.T, root string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "usr/bin/scannerd"), "-h")
	out, _ := cmd.CombinedOutput()
	page, err := exec.Command("sh", "-c", "zcat "+filepath.Join(root, "usr/share/man/man8/scannerd.8.gz")).Output()
	if err != nil {
		t.Fatal(err)
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(string(out), -1)
	if len(flags) < 4 {
		t.Fatalf("scannerd -h lists %d flags:\n%s", len(flags), out)
	}
	for _, f := range flags {
		if !strings.Contains(string(page), `.B \-\-`+strings.ReplaceAll(f[1], "-", `\-`)) && !strings.Contains(string(page), `.BI \-\-`+strings.ReplaceAll(f[1], "-", `\-`)) {
			t.Errorf("scannerd.8 does not describe --%s", f[1])
		}
	}
}

func TestLtsdPackage(t *testing.T) {
	current := debs(t)
	deb := current["ltsd"]
	root := extract(t, deb)
	fileModes(t, root, map[string]os.FileMode{
		"usr/bin/ltsd":                                  0o755,
		"lib/systemd/system/ltsd.service":               0o644,
		"usr/lib/sysusers.d/ltsd.conf":                  0o644,
		"usr/lib/tmpfiles.d/ltsd.conf":                  0o644,
		"usr/share/doc/ltsd/ltsd.toml":                  0o644,
		"usr/share/doc/ltsd/licensing.md":               0o644,
		"usr/share/doc/ltsd/copyright":                  0o644,
		"usr/share/man/man8/ltsd.8.gz":                  0o644,
		"usr/share/man/man8/ltsd-handshake-create.8.gz": 0o644,
		"usr/share/bash-completion/completions/ltsd":    0o644,
		"usr/share/zsh/vendor-completions/_ltsd":        0o644,
		"usr/share/fish/vendor_completions.d/ltsd.fish": 0o644,
		"usr/share/lintian/overrides/ltsd":              0o644,
	})
	depends := run(t, "", "dpkg-deb", "-f", deb, "Depends")
	if strings.Contains(depends, "opencv") || !strings.Contains(depends, "libc6") {
		t.Errorf("ltsd Depends: %s (the server needs no OpenCV)", depends)
	}
	// One layout: the unit, the binary's default and the package's
	// directory agree on /var/lib/ltsd.
	unit, _ := os.ReadFile(filepath.Join(root, "lib/systemd/system/ltsd.service"))
	for _, want := range []string{"ConditionPathExists=/var/lib/ltsd/ltsd.toml", "ExecStart=/usr/bin/ltsd serve --config /var/lib/ltsd/ltsd.toml", "StateDirectory=ltsd", "User=ltsd"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("ltsd.service lacks %q", want)
		}
	}
	tmpfiles, _ := os.ReadFile(filepath.Join(root, "usr/lib/tmpfiles.d/ltsd.conf"))
	if !strings.Contains(string(tmpfiles), "d /var/lib/ltsd 0700 ltsd ltsd") {
		t.Errorf("ltsd tmpfiles.d: %s", tmpfiles)
	}
	help := run(t, "", filepath.Join(root, "usr/bin/ltsd"), "usage", "--help")
	if !strings.Contains(help, "else /var/lib/ltsd/ltsd.toml") {
		t.Errorf("ltsd's default config is not /var/lib/ltsd/ltsd.toml:\n%s", help)
	}
	// The operator's guide the package installs, and the README, say so too.
	for _, doc := range []string{filepath.Join(root, "usr/share/doc/ltsd/licensing.md"), "../README.md"} {
		text, err := os.ReadFile(doc)
		if err != nil || !strings.Contains(string(text), "/var/lib/ltsd/ltsd.toml") || strings.Contains(string(text), "/etc/ltsd") {
			t.Errorf("%s: %v; it must name /var/lib/ltsd/ltsd.toml and never /etc/ltsd", doc, err)
		}
	}
	// The packaged binary sets up a server home and prints what devices pin.
	home := filepath.Join(t.TempDir(), "ltsd")
	run(t, "", filepath.Join(root, "usr/bin/ltsd"), "init", home)
	out := run(t, "", filepath.Join(root, "usr/bin/ltsd"), "pin", "--config", filepath.Join(home, "ltsd.toml"))
	for _, key := range []string{"lts_keys", "lts_cert_sha256"} {
		if !strings.Contains(out, key) {
			t.Errorf("ltsd pin prints no %s:\n%s", key, out)
		}
	}
}

// TestLintian: both packages are free of lintian errors and warnings; the
// overrides are the documented ones in packaging/debian/*.lintian-overrides.
// lintian keeps a core busy for a while: started before t.Parallel, it runs
// beside the tests that come before the parallel ones, not after them.
func TestLintian(t *testing.T) {
	current := debs(t)
	need(t, "lintian")
	wait := startLintian(current["scannerd"], current["ltsd"])
	t.Parallel()
	lintianReport(t, wait)
}

func lintianClean(t *testing.T, debs ...string) {
	t.Helper()
	lintianReport(t, startLintian(debs...))
}

// startLintian starts lintian on the packages; wait returns what it
// printed.
func startLintian(debs ...string) (wait func() ([]byte, error)) {
	cmd := exec.Command("lintian", append([]string{"--tag-display-limit", "0", "--fail-on", "none"}, debs...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return func() ([]byte, error) { return nil, err }
	}
	return func() ([]byte, error) {
		err := cmd.Wait()
		return out.Bytes(), err
	}
}

// lintianReport fails t on lintian's errors and warnings.
func lintianReport(t *testing.T, wait func() ([]byte, error)) {
	t.Helper()
	out, err := wait()
	if err != nil {
		t.Fatalf("lintian: %v\n%s", err, out)
	}
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: ") {
			bad = append(bad, line)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("lintian:\n%s", strings.Join(bad, "\n"))
	}
}

// TestUnits checks every unit file with systemd-analyze, and the service's
// exposure score.
func TestUnits(t *testing.T) {
	need(t, "systemd-analyze")
	units, _ := filepath.Glob("systemd/*.service")
	sockets, _ := filepath.Glob("systemd/*.socket")
	bin := t.TempDir()
	for _, name := range []string{"scannerd", "ltsd"} {
		os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755)
	}
	dir := t.TempDir()
	var paths []string
	for _, u := range append(units, sockets...) {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		// The binaries are not installed here: point at stand-ins.
		s := strings.ReplaceAll(string(b), "/usr/bin/", bin+"/")
		p := filepath.Join(dir, filepath.Base(u))
		os.WriteFile(p, []byte(s), 0o644)
		paths = append(paths, p)
	}
	cmd := exec.Command("systemd-analyze", append([]string{"verify"}, paths...)...)
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, _ := exec.Command("systemd-analyze", "security", "--offline=true", "systemd/scannerd.service").CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for scannerd.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure score in:\n%s", out)
	}
	if score, _ := strconv.ParseFloat(string(m[1]), 64); score > 2.0 {
		t.Errorf("scannerd.service exposure %.1f, want at most 2.0", score)
	}
}
