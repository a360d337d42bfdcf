package packaging_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func need(t *testing.T, cmds ...string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("skipping: %s not installed (make deps installs it)", c)
		}
	}
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// buildDebs runs the packaging script once for all tests in the package.
func buildDebs(t *testing.T) map[string]string {
	t.Helper()
	if !withOpenCV {
		t.Skip("skipping: the packages are built with OpenCV, this is the nocv build")
	}
	need(t, "dpkg-deb", "dpkg-shlibdeps", "go")
	debOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scannerd-deb-test")
		if err != nil {
			debErr = err
			return
		}
		out, err := exec.Command("../scripts/deb.sh", dir).CombinedOutput()
		if err != nil {
			debErr = &buildError{err, string(out)}
			return
		}
		debs = map[string]string{}
		for _, line := range strings.Fields(string(out)) {
			if strings.HasSuffix(line, ".deb") {
				debs[strings.SplitN(filepath.Base(line), "_", 2)[0]] = line
			}
		}
	})
	if debErr != nil {
		t.Fatal(debErr)
	}
	return debs
}

func extract(t *testing.T, deb string) string {
	root := t.TempDir()
	run(t, "", "dpkg-deb", "-x", deb, root)
	return root
}

func TestScannerdPackage(t *testing.T) {
	deb := buildDebs(t)["scannerd"]
	if deb == "" {
		t.Fatal("no scannerd package built")
	}
	root := extract(t, deb)

	for path, mode := range map[string]os.FileMode{
		"usr/bin/scannerd":                    0o755,
		"usr/bin/scanctl":                     0o755,
		"lib/systemd/system/scannerd.service": 0o644,
		"lib/systemd/system/scannerd.socket":  0o644,
		"usr/lib/sysusers.d/scannerd.conf":    0o644,
		"usr/lib/tmpfiles.d/scannerd.conf":    0o644,
		"etc/scannerd/scannerd.toml":          0o644,
		"usr/share/doc/scannerd/copyright":    0o644,
		"usr/share/doc/scannerd/README.md":    0o644,
	} {
		st, err := os.Stat(filepath.Join(root, path))
		if err != nil {
			t.Errorf("missing %s", path)
			continue
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), mode)
		}
	}

	// Depends: the OpenCV runtime libraries the binary links, nothing more.
	depends := run(t, "", "dpkg-deb", "-f", deb, "Depends")
	for _, lib := range []string{"libopencv-core406", "libopencv-imgproc406", "libopencv-imgcodecs406", "libopencv-videoio406", "libc6", "adduser"} {
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
	postinst, _ := os.ReadFile(filepath.Join(control, "postinst"))
	if !strings.Contains(string(postinst), "deb-systemd-helper enable") ||
		regexp.MustCompile(`(systemctl|deb-systemd-invoke)[^\n]* (start|restart)`).Match(postinst) {
		t.Error("postinst must enable the units and not start them")
	}
	postrm, _ := os.ReadFile(filepath.Join(control, "postrm"))
	if !regexp.MustCompile(`(?s)"purge".*rm -rf /var/lib/scannerd`).Match(postrm) {
		t.Error("postrm must remove the state directory on purge only")
	}

	// The binaries run: the packaged configuration is valid.
	out := run(t, "", filepath.Join(root, "usr/bin/scannerd"), "--check-config", "--config", filepath.Join(root, "etc/scannerd/scannerd.toml"))
	if !strings.Contains(out, "ok") {
		t.Errorf("scannerd -check-config: %s", out)
	}
	run(t, "", filepath.Join(root, "usr/bin/scanctl"), "version")

	// Users and groups, created in the scratch root by systemd-sysusers.
	if _, err := exec.LookPath("systemd-sysusers"); err == nil {
		run(t, "", "systemd-sysusers", "--root="+root, filepath.Join(root, "usr/lib/sysusers.d/scannerd.conf"))
		passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
		group, _ := os.ReadFile(filepath.Join(root, "etc/group"))
		if !regexp.MustCompile(`(?m)^scannerd:x:\d+:\d+:[^:]*:/var/lib/scannerd:`).Match(passwd) {
			t.Errorf("no scannerd user:\n%s", passwd)
		}
		if !regexp.MustCompile(`(?m)^video:x:\d+:scannerd$`).Match(group) || !regexp.MustCompile(`(?m)^scannerd-admin:x:\d+:`).Match(group) {
			t.Errorf("groups:\n%s", group)
		}
	}

	if _, err := exec.LookPath("lintian"); err == nil {
		out, _ := exec.Command("lintian", "--no-tag-display-limit", deb).CombinedOutput()
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "E: ") {
				t.Errorf("lintian: %s", line)
			}
		}
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

func TestLtsdPackage(t *testing.T) {
	deb := buildDebs(t)["ltsd"]
	if deb == "" {
		t.Fatal("no ltsd package built")
	}
	root := extract(t, deb)
	for _, path := range []string{"usr/bin/ltsd", "lib/systemd/system/ltsd.service", "usr/lib/sysusers.d/ltsd.conf",
		"usr/share/doc/ltsd/ltsd.toml", "usr/share/doc/ltsd/licensing.md", "usr/share/doc/ltsd/copyright"} {
		if _, err := os.Stat(filepath.Join(root, path)); err != nil {
			t.Errorf("missing %s", path)
		}
	}
	depends := run(t, "", "dpkg-deb", "-f", deb, "Depends")
	if strings.Contains(depends, "opencv") || !strings.Contains(depends, "libc6") {
		t.Errorf("ltsd Depends: %s (the server needs no OpenCV)", depends)
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
	if _, err := exec.LookPath("lintian"); err == nil {
		out, _ := exec.Command("lintian", deb).CombinedOutput()
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "E: ") {
				t.Errorf("lintian: %s", line)
			}
		}
	}
}
