package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/scannerd/scannerd/packaging/debversion"
)

const maintainer = "scannerd maintainers <maintainers@scannerd.invalid>"

// pkg describes one package.
type pkg struct {
	name        string
	description string
	binaries    []string // in /usr/bin, built into the workspace
	progs       []string // whose man pages and completions it ships
	manSection  string   // of those man pages
	extraMan    []string // other man pages written into the workspace (man8/scannerd.8)
	units       []string // systemd units, enabled by postinst
	stateDirs   []string // removed on purge
	files       []file   // from the checkout
	// depends are added to what dpkg-shlibdeps finds the binaries need.
	depends []string
	// addUsers and makeDirs are the postinst's fallbacks where systemd's
	// sysusers and tmpfiles are missing.
	addUsers, makeDirs string
}

// file is a file from the checkout installed at dst.
type file struct {
	src, dst string
	mode     os.FileMode
	conffile bool
}

func (w *workspace) packages() []pkg {
	return []pkg{{
		name: "scannerd",
		description: `barcode scanning daemon with built-in licensing
scannerd reads frames from cameras, video files, GStreamer pipelines and
image directories, decodes the barcodes in them, purges every image once
decoded, and serves the results to local applications over a Unix socket.
It meters barcode types and counts (never their content) for its license
and syncs them to a License Tracking Server.`,
		binaries: []string{"scannerd", "scanctl"}, progs: []string{"scanctl"}, manSection: "1", extraMan: []string{"man8/scannerd.8"},
		units: []string{"scannerd.socket", "scannerd.service"},
		// scannerd-mark holds the licensing rollback mark, apart from the
		// state directory (the unit's StateDirectory= makes both).
		stateDirs: []string{"/var/lib/scannerd", "/var/lib/scannerd-mark"},
		files: []file{
			{src: "packaging/systemd/scannerd.service", dst: "/lib/systemd/system/scannerd.service", mode: 0o644},
			{src: "packaging/systemd/scannerd.socket", dst: "/lib/systemd/system/scannerd.socket", mode: 0o644},
			{src: "packaging/systemd/scannerd.sysusers", dst: "/usr/lib/sysusers.d/scannerd.conf", mode: 0o644},
			{src: "packaging/systemd/scannerd.tmpfiles", dst: "/usr/lib/tmpfiles.d/scannerd.conf", mode: 0o644},
			{src: "packaging/scannerd.toml", dst: "/etc/scannerd/scannerd.toml", mode: 0o644, conffile: true},
			{src: "README.md", dst: "/usr/share/doc/scannerd/README.md", mode: 0o644},
			{src: "docs/api.md", dst: "/usr/share/doc/scannerd/api.md", mode: 0o644},
		},
		depends: []string{"adduser"},
		addUsers: `		getent group scannerd-admin >/dev/null || addgroup --system scannerd-admin
		getent passwd scannerd >/dev/null || adduser --system --group --home /var/lib/scannerd --no-create-home scannerd
		adduser scannerd video >/dev/null`,
		makeDirs: `		install -d -o scannerd -g scannerd -m 0750 /var/lib/scannerd/debug`,
	}, {
		name: "ltsd",
		description: `License Tracking Server for scannerd devices
ltsd authorizes scannerd devices against imported licenses and handshake
codes, and receives their usage reports (barcode types and counts only).
Its configuration, keys and database live in /var/lib/ltsd.`,
		binaries: []string{"ltsd"}, progs: []string{"ltsd"}, manSection: "8",
		units:     []string{"ltsd.service"},
		stateDirs: []string{"/var/lib/ltsd"},
		files: []file{
			{src: "packaging/systemd/ltsd.service", dst: "/lib/systemd/system/ltsd.service", mode: 0o644},
			{src: "packaging/systemd/ltsd.sysusers", dst: "/usr/lib/sysusers.d/ltsd.conf", mode: 0o644},
			{src: "packaging/systemd/ltsd.tmpfiles", dst: "/usr/lib/tmpfiles.d/ltsd.conf", mode: 0o644},
			{src: "packaging/ltsd.toml", dst: "/usr/share/doc/ltsd/ltsd.toml", mode: 0o644},
			{src: "docs/licensing.md", dst: "/usr/share/doc/ltsd/licensing.md", mode: 0o644},
		},
		// A pure-Go position-independent executable links no library, but
		// needs libc6's dynamic loader.
		depends:  []string{"libc6", "adduser"},
		addUsers: `		getent passwd ltsd >/dev/null || adduser --system --group --home /var/lib/ltsd --no-create-home ltsd`,
		makeDirs: `		install -d -o ltsd -g ltsd -m 0700 /var/lib/ltsd`,
	}}
}

// pack builds one package into out and returns its path: its files are
// laid out in a tree of their own below the workspace, with the control
// files in its DEBIAN directory, and dpkg-deb makes the package of it
// (deb(5): owned by root, every time stamp the commit's).
func (w *workspace) pack(ctx context.Context, p pkg, out, compression string) (string, error) {
	stage := filepath.Join(w.dir, "stage", p.name)
	root := filepath.Join(stage, "root")
	if err := os.MkdirAll(filepath.Join(root, "DEBIAN"), 0o755); err != nil {
		return "", err
	}
	var (
		contents  []content
		conffiles []string
		bins      []string
	)
	add := func(src, dst string, mode os.FileMode) {
		contents = append(contents, content{src, dst, mode})
	}
	for _, b := range p.binaries {
		add(w.bin(b), "/usr/bin/"+b, 0o755)
		bins = append(bins, w.bin(b))
	}
	for _, f := range p.files {
		if f.conffile {
			conffiles = append(conffiles, f.dst)
		}
		add(filepath.Join(w.root, f.src), f.dst, f.mode)
	}
	add(filepath.Join(w.root, "packaging", "debian", "copyright"), "/usr/share/doc/"+p.name+"/copyright", 0o644)
	add(filepath.Join(w.root, "packaging", "debian", p.name+".lintian-overrides"), "/usr/share/lintian/overrides/"+p.name, 0o644)
	changelog := filepath.Join(stage, "changelog.Debian.gz")
	if err := w.changelog(p.name, changelog); err != nil {
		return "", err
	}
	add(changelog, "/usr/share/doc/"+p.name+"/changelog.Debian.gz", 0o644)
	docs, err := w.shippedDocs(p, stage)
	if err != nil {
		return "", err
	}
	for dst, src := range docs {
		add(src, dst, 0o644)
	}
	sort.Slice(contents, func(i, j int) bool { return contents[i].dst < contents[j].dst })
	sums, size, err := lay(root, contents)
	if err != nil {
		return "", err
	}
	if err := w.scripts(p, filepath.Join(root, "DEBIAN")); err != nil {
		return "", err
	}
	depends, err := w.shlibDepends(ctx, bins)
	if err != nil {
		return "", err
	}
	control := w.control(p, append(depends, p.depends...), size)
	for name, text := range map[string]string{"control": control, "md5sums": sums, "conffiles": lines(conffiles)} {
		if text == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(root, "DEBIAN", name), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	path := filepath.Join(out, fmt.Sprintf("%s_%s-%s_%s.deb", p.name, w.version, debversion.Revision, w.t.Deb))
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--root-owner-group", "-Z"+compression, "--build", root, path)
	// dpkg-deb stamps the archive with SOURCE_DATE_EPOCH and clamps every
	// file's time to it: the files laid out just now all get the commit's.
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(w.mtime.Unix(), 10))
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("dpkg-deb: %w\n%s", err, out)
	}
	return path, nil
}

// content is one file of a package: src installed at dst with mode.
type content struct {
	src, dst string
	mode     os.FileMode
}

// lay copies the files into the package's tree with their modes, whatever
// the umask, and
// returns the md5sums control file and the installed size in KiB, counted
// as dpkg-gencontrol counts it: each file rounded up to whole KiB, one for
// each directory.
func lay(root string, contents []content) (sums string, kib int64, err error) {
	var b strings.Builder
	dirs := map[string]bool{}
	for _, c := range contents {
		dst := filepath.Join(root, c.dst)
		for d := filepath.Dir(dst); d != root && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", 0, err
		}
		sum, size, err := place(c.src, dst)
		if err != nil {
			return "", 0, err
		}
		if err := os.Chmod(dst, c.mode); err != nil {
			return "", 0, err
		}
		fmt.Fprintf(&b, "%x  %s\n", sum, strings.TrimPrefix(c.dst, "/"))
		kib += (size + 1023) / 1024
	}
	for d := range dirs {
		if err := os.Chmod(d, 0o755); err != nil {
			return "", 0, err
		}
	}
	return b.String(), kib + int64(len(dirs)), nil
}

// place copies src to dst, and returns the MD5 sum and size of what it
// copied, read once.
func place(src, dst string) (sum []byte, size int64, err error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return nil, 0, err
	}
	h := md5.New()
	if size, err = io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return nil, 0, err
	}
	return h.Sum(nil), size, out.Close()
}

// control is p's control file (deb-control(5)).
func (w *workspace) control(p pkg, depends []string, kib int64) string {
	synopsis, long, _ := strings.Cut(p.description, "\n")
	var desc strings.Builder
	for _, l := range strings.Split(long, "\n") {
		if l = strings.TrimRight(l, " "); l == "" {
			l = "."
		}
		desc.WriteString("\n " + l)
	}
	return fmt.Sprintf("Package: %s\nVersion: %s-%s\nSection: misc\nPriority: optional\nArchitecture: %s\n"+
		"Maintainer: %s\nInstalled-Size: %d\nDepends: %s\nHomepage: https://github.com/scannerd/scannerd\n"+
		"Description: %s%s\n",
		p.name, w.version, debversion.Revision, w.t.Deb, maintainer, kib, strings.Join(depends, ", "), synopsis, desc.String())
}

// lines is one line for each of s, or nothing.
func lines(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.Join(s, "\n") + "\n"
}

// shippedDocs gzips the man pages of p's programs and picks their
// completion scripts: destination below /usr/share → file.
func (w *workspace) shippedDocs(p pkg, stage string) (map[string]string, error) {
	share := filepath.Join(w.dir, "share")
	out := map[string]string{}
	var pages []string
	for _, prog := range p.progs {
		found, _ := filepath.Glob(filepath.Join(share, "man", "man"+p.manSection, prog+"*."+p.manSection))
		if len(found) == 0 {
			return nil, fmt.Errorf("no man pages of %s", prog)
		}
		pages = append(pages, found...)
		for _, c := range []string{"bash-completion/completions/" + prog, "zsh/vendor-completions/_" + prog, "fish/vendor_completions.d/" + prog + ".fish"} {
			out["/usr/share/"+c] = filepath.Join(share, c)
		}
	}
	for _, page := range p.extraMan {
		pages = append(pages, filepath.Join(share, "man", page))
	}
	for _, page := range pages {
		section := strings.TrimPrefix(filepath.Ext(page), ".")
		gz := filepath.Join(stage, filepath.Base(page)+".gz")
		src, err := os.Open(page)
		if err != nil {
			return nil, err
		}
		err = gzipFile(gz, src)
		src.Close()
		if err != nil {
			return nil, err
		}
		out["/usr/share/man/man"+section+"/"+filepath.Base(gz)] = gz
	}
	return out, nil
}

// changelog writes the Debian changelog: one entry for this version.
func (w *workspace) changelog(name, path string) error {
	entry := fmt.Sprintf("%s (%s-%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n",
		name, w.version, debversion.Revision, w.version, maintainer, w.mtime.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	return gzipFile(path, strings.NewReader(entry))
}

// scripts writes the maintainer scripts of p from the templates in
// packaging/debian into dir.
func (w *workspace) scripts(p pkg, dir string) error {
	data := struct {
		Package, Units, AddUsers, MakeDirs string
		StateDirs                          []string
	}{p.name, strings.Join(p.units, " "), p.addUsers, p.makeDirs, p.stateDirs}
	for _, name := range []string{"postinst", "prerm", "postrm"} {
		tmpl, err := template.ParseFiles(filepath.Join(w.root, "packaging", "debian", name))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			return err
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o755); err != nil {
			return err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// shlibDepends asks dpkg-shlibdeps which packages the binaries' libraries
// come from (for the target architecture).
func (w *workspace) shlibDepends(ctx context.Context, bins []string) ([]string, error) {
	dir := filepath.Join(w.dir, "shlibs", filepath.Base(bins[0]))
	if err := os.MkdirAll(filepath.Join(dir, "debian"), 0o755); err != nil {
		return nil, err
	}
	control := "Source: scannerd\n\nPackage: scannerd\nArchitecture: any\n"
	if err := os.WriteFile(filepath.Join(dir, "debian", "control"), []byte(control), 0o644); err != nil {
		return nil, err
	}
	args := []string{"-O"}
	if w.cross() {
		// The target's libraries are not installed here: dpkg-shlibdeps
		// finds them, and their shlibs and symbols files, in the sysroot's
		// package trees.
		sysroot, err := w.t.Sysroot()
		if err != nil {
			return nil, err
		}
		trees, err := filepath.Glob(filepath.Join(sysroot, "pkgs", "*"))
		if err != nil || len(trees) == 0 {
			return nil, fmt.Errorf("no package trees in %s (scripts/deps-cross.sh %s makes them)", sysroot, w.t.Deb)
		}
		args = append(args, prefixed("-S", trees)...)
	}
	cmd := exec.CommandContext(ctx, "dpkg-shlibdeps", append(args, prefixed("-e", bins)...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEB_HOST_ARCH="+w.t.Deb, "DEB_HOST_MULTIARCH="+w.t.Triplet, "DEB_HOST_GNU_TYPE="+w.t.Triplet)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-shlibdeps: %w\n%s", err, stderr.String())
	}
	var deps []string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "shlibs:Depends="); ok {
			for _, d := range strings.Split(v, ",") {
				if d = strings.TrimSpace(d); d != "" {
					deps = append(deps, d)
				}
			}
		}
	}
	sort.Strings(deps)
	return deps, nil
}

func prefixed(flag string, args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		out = append(out, flag+a)
	}
	return out
}
