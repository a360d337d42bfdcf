package packaging_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// system is an empty Debian root that dpkg installs into (dpkg --root), with
// the maintainer scripts run as they are in a DPKG_ROOT installation: on
// this machine's tools, acting on the root.
type system struct {
	t    *testing.T
	root string
}

func newSystem(t *testing.T) *system {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: dpkg --root installs files owned by root and system users")
	}
	need(t, "dpkg", "systemd-sysusers", "systemd-tmpfiles", "deb-systemd-helper")
	root := t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	for _, f := range []string{"var/lib/dpkg/status", "var/lib/dpkg/available"} {
		os.WriteFile(filepath.Join(root, f), nil, 0o644)
	}
	return &system{t, root}
}

// dpkg runs dpkg on the root. The packages' dependencies are not installed
// there: what is checked is the packages' own files and scripts.
func (s *system) dpkg(args ...string) {
	s.t.Helper()
	cmd := exec.Command("dpkg", append([]string{"--root=" + s.root, "--force-script-chrootless", "--force-depends",
		"--force-confold", "--log=/dev/null"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (s *system) path(p string) string { return filepath.Join(s.root, p) }

func (s *system) exists(p string) bool {
	_, err := os.Lstat(s.path(p))
	return err == nil
}

// owner returns the user name owning p, from the root's passwd.
func (s *system) owner(p string) string {
	return s.name(p, "etc/passwd", func(st *syscall.Stat_t) uint32 { return st.Uid })
}

// group returns the group name of p, from the root's group file.
func (s *system) group(p string) string {
	return s.name(p, "etc/group", func(st *syscall.Stat_t) uint32 { return st.Gid })
}

// name looks up the id of p that id picks in the root's passwd or group
// file (whose third field is the id).
func (s *system) name(p, file string, id func(*syscall.Stat_t) uint32) string {
	st, err := os.Stat(s.path(p))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	n := strconv.Itoa(int(id(st.Sys().(*syscall.Stat_t))))
	names, _ := os.ReadFile(s.path(file))
	for _, line := range strings.Split(string(names), "\n") {
		if f := strings.Split(line, ":"); len(f) > 2 && f[2] == n {
			return f[0]
		}
	}
	return n
}

// links lists the symbolic links below etc/systemd, as "path -> target".
func (s *system) links() []string {
	var out []string
	filepath.WalkDir(s.path("etc/systemd"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			rel, _ := filepath.Rel(s.root, p)
			out = append(out, rel+" -> "+target)
		}
		return nil
	})
	return out
}

// version runs a packaged binary and returns what its version command says.
func (s *system) version(args ...string) string {
	out, err := exec.Command(s.path(args[0]), args[1:]...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestScannerdLifecycle installs the previous version, changes what an
// administrator changes, upgrades, removes and purges, and checks the
// system after each step.
func TestScannerdLifecycle(t *testing.T) {
	current := debs(t)
	s := newSystem(t)
	waitOld := previous(t)
	t.Parallel()
	old := waitOld()
	wantLinks := []string{
		"etc/systemd/system/multi-user.target.wants/scannerd.service -> /lib/systemd/system/scannerd.service",
		"etc/systemd/system/sockets.target.wants/scannerd.socket -> /lib/systemd/system/scannerd.socket",
	}

	s.dpkg("-i", old["scannerd"])
	if got := s.version("usr/bin/scanctl", "version"); got != "scanctl "+oldVersion {
		t.Errorf("installed: %s", got)
	}
	if got := s.links(); !slices.Equal(got, wantLinks) {
		t.Errorf("installed, enabled units:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLinks, "\n"))
	}
	passwd, _ := os.ReadFile(s.path("etc/passwd"))
	group, _ := os.ReadFile(s.path("etc/group"))
	if !regexp.MustCompile(`(?m)^scannerd:x:\d+:\d+:[^:]*:/var/lib/scannerd:`).Match(passwd) ||
		!regexp.MustCompile(`(?m)^video:x:\d+:scannerd$`).Match(group) || !regexp.MustCompile(`(?m)^scannerd-admin:x:\d+:`).Match(group) {
		t.Errorf("users and groups:\n%s\n%s", passwd, group)
	}
	// Debug exports land in debug/: setgid, group scannerd-admin, so what
	// the daemon saves there is readable by the administrators who may
	// switch the export on.
	if st, err := os.Stat(s.path("var/lib/scannerd/debug")); err != nil || st.Mode()&(fs.ModeSetgid|fs.ModePerm) != fs.ModeSetgid|0o750 ||
		s.owner("var/lib/scannerd/debug") != "scannerd" || s.group("var/lib/scannerd/debug") != "scannerd-admin" {
		t.Errorf("var/lib/scannerd/debug: %v %v, owner %s, group %s", st.Mode(), err, s.owner("var/lib/scannerd/debug"), s.group("var/lib/scannerd/debug"))
	}

	// The administrator edits the configuration and keeps the socket unit
	// from starting at boot; the device has state.
	conf := s.path("etc/scannerd/scannerd.toml")
	edited := append(must(os.ReadFile(conf)), "\n# edited by the administrator\n"...)
	os.WriteFile(conf, edited, 0o644)
	os.Remove(s.path("etc/systemd/system/sockets.target.wants/scannerd.socket"))
	os.WriteFile(s.path("var/lib/scannerd/licensing.db"), []byte("state"), 0o600)
	os.MkdirAll(s.path("var/lib/scannerd-mark"), 0o700)
	os.WriteFile(s.path("var/lib/scannerd-mark/licensing.mark"), []byte("mark"), 0o600)

	s.dpkg("-i", current["scannerd"])
	newVersion := strings.TrimSuffix(strings.TrimSpace(run(t, "", "dpkg-deb", "-f", current["scannerd"], "Version")), "-1")
	if got := s.version("usr/bin/scanctl", "version"); got != "scanctl "+newVersion {
		t.Errorf("upgraded: %s, want %s", got, newVersion)
	}
	if got := must(os.ReadFile(conf)); !bytes.Equal(got, edited) {
		t.Error("the upgrade replaced the administrator's configuration")
	}
	if got := s.links(); !slices.Equal(got, wantLinks[:1]) {
		t.Errorf("upgraded, enabled units (the socket was disabled by hand):\n%s", strings.Join(got, "\n"))
	}

	s.dpkg("-r", "scannerd")
	for _, gone := range []string{"usr/bin/scannerd", "usr/bin/scanctl", "lib/systemd/system/scannerd.service", "usr/share/man/man8/scannerd.8.gz"} {
		if s.exists(gone) {
			t.Errorf("removed, %s is still there", gone)
		}
	}
	for _, kept := range []string{"etc/scannerd/scannerd.toml", "var/lib/scannerd/licensing.db", "var/lib/scannerd-mark/licensing.mark"} {
		if !s.exists(kept) {
			t.Errorf("removed, %s is gone (only purge removes it)", kept)
		}
	}
	if got := s.links(); len(got) > 0 {
		t.Errorf("removed, links left behind:\n%s", strings.Join(got, "\n"))
	}

	// Installing again after a remove enables the units as a first
	// installation does.
	s.dpkg("-i", current["scannerd"])
	if got := s.links(); !slices.Equal(got, wantLinks) {
		t.Errorf("reinstalled, enabled units:\n%s", strings.Join(got, "\n"))
	}

	s.dpkg("-P", "scannerd")
	for _, gone := range []string{"etc/scannerd", "var/lib/scannerd", "var/lib/scannerd-mark", "usr/bin/scanctl", "var/lib/systemd/deb-systemd-helper-enabled/scannerd.service.dsh-also"} {
		if s.exists(gone) {
			t.Errorf("purged, %s is still there", gone)
		}
	}
	if got := s.links(); len(got) > 0 {
		t.Errorf("purged, links left behind:\n%s", strings.Join(got, "\n"))
	}
}

// TestLtsdLifecycle: the server's package through install, upgrade, remove
// and purge; its one directory belongs to its user.
func TestLtsdLifecycle(t *testing.T) {
	current := debs(t)
	s := newSystem(t)
	waitOld := previous(t)
	t.Parallel()
	old := waitOld()
	wantLinks := []string{"etc/systemd/system/multi-user.target.wants/ltsd.service -> /lib/systemd/system/ltsd.service"}
	s.dpkg("-i", old["ltsd"])
	st, err := os.Stat(s.path("var/lib/ltsd"))
	if err != nil || st.Mode().Perm() != 0o700 || s.owner("var/lib/ltsd") != "ltsd" {
		t.Fatalf("var/lib/ltsd: %v %v, owner %s", st, err, s.owner("var/lib/ltsd"))
	}
	if got := s.links(); !slices.Equal(got, wantLinks) {
		t.Errorf("installed, enabled units:\n%s", strings.Join(got, "\n"))
	}
	os.WriteFile(s.path("var/lib/ltsd/lts.db"), []byte("billing"), 0o600)
	s.dpkg("-i", current["ltsd"])
	if got := s.version("usr/bin/ltsd", "version"); got == "ltsd "+oldVersion {
		t.Errorf("upgraded, still %s", got)
	}
	s.dpkg("-r", "ltsd")
	if !s.exists("var/lib/ltsd/lts.db") || s.exists("usr/bin/ltsd") || len(s.links()) > 0 {
		t.Errorf("removed: store kept %v, binary gone %v, links %q", s.exists("var/lib/ltsd/lts.db"), !s.exists("usr/bin/ltsd"), s.links())
	}
	s.dpkg("-P", "ltsd")
	if s.exists("var/lib/ltsd") || len(s.links()) > 0 {
		t.Errorf("purged: var/lib/ltsd %v, links %q", s.exists("var/lib/ltsd"), s.links())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestMaintainerScriptsUnderSystemd runs the packaged maintainer scripts
// as dpkg runs them on a machine booted with systemd, and checks which
// commands they give: no start on installation, a restart of what runs on
// upgrade, a stop on removal. It runs them in a mount namespace where
// /run/systemd/system exists, with stand-ins for systemctl and the
// deb-systemd tools that record their arguments.
func TestMaintainerScriptsUnderSystemd(t *testing.T) {
	current := debs(t)
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs a mount namespace")
	}
	need(t, "unshare")
	control := t.TempDir()
	run(t, "", "dpkg-deb", "-e", current["scannerd"], control)
	shims := t.TempDir()
	record := filepath.Join(t.TempDir(), "calls")
	for _, name := range []string{"systemctl", "deb-systemd-invoke", "deb-systemd-helper", "systemd-sysusers", "systemd-tmpfiles"} {
		// was-enabled answers with $WAS_ENABLED.
		script := fmt.Sprintf("#!/bin/sh\necho \"%s $*\" >>%s\n[ \"$1 $2\" != \"--quiet was-enabled\" ] || exit ${WAS_ENABLED:-0}\n", name, record)
		os.WriteFile(filepath.Join(shims, name), []byte(script), 0o755)
	}
	const (
		reload  = "systemctl --system daemon-reload"
		users   = "systemd-sysusers scannerd.conf"
		dirs    = "systemd-tmpfiles --create scannerd.conf"
		enable  = "deb-systemd-helper unmask scannerd.socket|deb-systemd-helper --quiet was-enabled scannerd.socket|deb-systemd-helper enable scannerd.socket|deb-systemd-helper unmask scannerd.service|deb-systemd-helper --quiet was-enabled scannerd.service|deb-systemd-helper enable scannerd.service"
		keepOff = "deb-systemd-helper unmask scannerd.socket|deb-systemd-helper --quiet was-enabled scannerd.socket|deb-systemd-helper update-state scannerd.socket|deb-systemd-helper unmask scannerd.service|deb-systemd-helper --quiet was-enabled scannerd.service|deb-systemd-helper update-state scannerd.service"
	)
	for _, tc := range []struct {
		name       string
		args       []string
		systemd    bool
		wasEnabled string
		want       string
	}{
		{"install", []string{"postinst", "configure"}, true, "0", users + "|" + dirs + "|" + enable + "|" + reload},
		{"upgrade: old prerm", []string{"prerm", "upgrade", "9.9.9-1"}, true, "0", ""},
		{"upgrade: postinst", []string{"postinst", "configure", "0.0.1-1"}, true, "0",
			users + "|" + dirs + "|" + enable + "|" + reload + "|deb-systemd-invoke try-restart scannerd.socket scannerd.service"},
		{"upgrade, units disabled by hand", []string{"postinst", "configure", "0.0.1-1"}, true, "1",
			users + "|" + dirs + "|" + keepOff + "|" + reload + "|deb-systemd-invoke try-restart scannerd.socket scannerd.service"},
		{"upgrade without systemd", []string{"postinst", "configure", "0.0.1-1"}, false, "0", users + "|" + dirs + "|" + enable},
		{"remove: prerm", []string{"prerm", "remove"}, true, "0", "deb-systemd-invoke stop scannerd.socket scannerd.service"},
		{"remove: postrm", []string{"postrm", "remove"}, true, "0", "deb-systemd-helper purge scannerd.socket scannerd.service|" + reload},
		{"purge", []string{"postrm", "purge"}, true, "0", "deb-systemd-helper purge scannerd.socket scannerd.service|" + reload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(record)
			setup := "mount -t tmpfs tmpfs /run"
			if tc.systemd {
				setup += " && mkdir -p /run/systemd/system"
			}
			// purge deletes /var/lib/scannerd: in the namespace, a tmpfs
			// stands in for /var/lib.
			setup += " && mount -t tmpfs tmpfs /var/lib"
			cmd := exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", setup + ` && exec "$@"`, "sh",
				filepath.Join(control, tc.args[0])}, tc.args[1:]...)...)
			cmd.Env = append(os.Environ(), "PATH="+shims+":"+os.Getenv("PATH"), "WAS_ENABLED="+tc.wasEnabled, "DPKG_MAINTSCRIPT_PACKAGE=scannerd")
			cmd.Env = slices.DeleteFunc(cmd.Env, func(e string) bool { return strings.HasPrefix(e, "DPKG_ROOT=") })
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", tc.args, err, out)
			}
			calls, _ := os.ReadFile(record)
			if got := strings.ReplaceAll(strings.TrimSpace(string(calls)), "\n", "|"); got != tc.want {
				t.Errorf("%v ran\n  %s\nwant\n  %s", tc.args, strings.ReplaceAll(got, "|", "\n  "), strings.ReplaceAll(tc.want, "|", "\n  "))
			}
		})
	}
}
