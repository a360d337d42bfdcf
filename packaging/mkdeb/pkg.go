package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"

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

// pack builds one package into out and returns its path.
func (w *workspace) pack(ctx context.Context, p pkg, out, compression string) (string, error) {
	stage := filepath.Join(w.dir, "stage", p.name)
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return "", err
	}
	var contents files.Contents
	add := func(src, dst string, mode os.FileMode, typ string) {
		contents = append(contents, &files.Content{Source: src, Destination: dst, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: w.mtime}})
	}
	var bins []string
	for _, b := range p.binaries {
		add(w.bin(b), "/usr/bin/"+b, 0o755, files.TypeFile)
		bins = append(bins, w.bin(b))
	}
	for _, f := range p.files {
		typ := files.TypeFile
		if f.conffile {
			typ = files.TypeConfig
		}
		add(filepath.Join(w.root, f.src), f.dst, f.mode, typ)
	}
	add(filepath.Join(w.root, "packaging", "debian", "copyright"), "/usr/share/doc/"+p.name+"/copyright", 0o644, files.TypeFile)
	add(filepath.Join(w.root, "packaging", "debian", p.name+".lintian-overrides"), "/usr/share/lintian/overrides/"+p.name, 0o644, files.TypeFile)
	changelog := filepath.Join(stage, "changelog.Debian.gz")
	if err := w.changelog(p.name, changelog); err != nil {
		return "", err
	}
	add(changelog, "/usr/share/doc/"+p.name+"/changelog.Debian.gz", 0o644, files.TypeFile)
	docs, err := w.shippedDocs(p, stage)
	if err != nil {
		return "", err
	}
	for dst, src := range docs {
		add(src, dst, 0o644, files.TypeFile)
	}
	scripts, err := w.scripts(p, stage)
	if err != nil {
		return "", err
	}
	depends, err := w.shlibDepends(ctx, bins)
	if err != nil {
		return "", err
	}
	info := &nfpm.Info{
		Name: p.name, Arch: w.t.Deb, Platform: "linux",
		Version: w.version, VersionSchema: "none", Release: debversion.Revision,
		Section: "misc", Priority: "optional", Maintainer: maintainer,
		Homepage: "https://github.com/scannerd/scannerd", Description: p.description,
		MTime: w.mtime,
		Overridables: nfpm.Overridables{
			Depends:  append(depends, p.depends...),
			Contents: contents,
			Umask:    0o022,
			Scripts:  scripts,
			Deb:      nfpm.Deb{Compression: compression},
		},
	}
	path := filepath.Join(out, fmt.Sprintf("%s_%s-%s_%s.deb", p.name, w.version, debversion.Revision, w.t.Deb))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := deb.Default.Package(nfpm.WithDefaults(info), f); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	return path, f.Close()
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
// packaging/debian.
func (w *workspace) scripts(p pkg, stage string) (nfpm.Scripts, error) {
	data := struct {
		Package, Units, AddUsers, MakeDirs string
		StateDirs                          []string
	}{p.name, strings.Join(p.units, " "), p.addUsers, p.makeDirs, p.stateDirs}
	write := func(name string) (string, error) {
		tmpl, err := template.ParseFiles(filepath.Join(w.root, "packaging", "debian", name))
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			return "", err
		}
		path := filepath.Join(stage, name)
		return path, os.WriteFile(path, b.Bytes(), 0o755)
	}
	var s nfpm.Scripts
	var err error
	if s.PostInstall, err = write("postinst"); err != nil {
		return s, err
	}
	if s.PreRemove, err = write("prerm"); err != nil {
		return s, err
	}
	s.PostRemove, err = write("postrm")
	return s, err
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
