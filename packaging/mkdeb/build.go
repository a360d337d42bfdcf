package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/packaging/cross"
	"github.com/scannerd/scannerd/packaging/debversion"
)

// cvTags builds gocv with only the OpenCV modules capture needs (core,
// imgproc, imgcodecs, videoio).
const cvTags = "gocv_specific_modules,gocv_videoio"

// ctlTags builds scanctl without videoio: it decodes image files only, and
// videoio would have it load GStreamer, FFmpeg and the ~100 libraries they
// bring at every start (244 instead of 140), half its start-up CPU. The
// Makefile builds it the same way.
const ctlTags = "gocv_specific_modules"

// cvModules are the OpenCV libraries those modules link: a cross build
// links exactly these, scanctl all but videoio (Debian's libopencv-dev,
// which names them all in its pkg-config file, cannot be installed for two
// architectures at once).
var cvModules = []string{"opencv_videoio", "opencv_imgcodecs", "opencv_imgproc", "opencv_core"}

// workspace is one mkdeb run: the checkout, the target, the version and a
// scratch directory.
type workspace struct {
	root    string
	t       cross.Target
	version string    // upstream version
	mtime   time.Time // of every file in the packages: the commit time
	dir     string
}

func build(ctx context.Context, o options) ([]string, error) {
	t, ok := cross.Targets[o.arch]
	if !ok {
		return nil, fmt.Errorf("--arch %q: want amd64 or arm64", o.arch)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	w := &workspace{root: root, t: t, version: o.version}
	commit, gitErr := debversion.FromGit(ctx, root)
	if w.version == "" {
		if gitErr != nil {
			return nil, fmt.Errorf("version from git (or give --version): %w", gitErr)
		}
		if w.version, err = commit.Upstream(); err != nil {
			return nil, err
		}
	}
	w.mtime = commit.Time
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		secs, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		w.mtime = time.Unix(secs, 0)
	}
	if w.mtime.IsZero() {
		w.mtime = time.Now()
	}
	w.mtime = w.mtime.UTC().Truncate(time.Second)
	if w.dir, err = os.MkdirTemp("", "mkdeb-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(w.dir)
	if err := w.compile(ctx); err != nil {
		return nil, err
	}
	if err := w.docs(ctx); err != nil {
		return nil, err
	}
	out, err := filepath.Abs(o.out)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	var debs []string
	for _, p := range w.packages() {
		path, err := w.pack(ctx, p, out, o.compression)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		debs = append(debs, path)
	}
	return debs, nil
}

// bin is where the binaries for the target go.
func (w *workspace) bin(name string) string { return filepath.Join(w.dir, "bin", name) }

// cross says the target is not the machine mkdeb runs on.
func (w *workspace) cross() bool { return !w.t.Native() }

// compile builds scannerd and scanctl with OpenCV (cgo) and ltsd in pure
// Go, all as position-independent executables, stripped, stamped with the
// version.
func (w *workspace) compile(ctx context.Context) error {
	ldflags := "-s -w -X main.version=" + w.version
	env := []string{"GOOS=linux", "GOARCH=" + w.t.GOARCH, "CGO_ENABLED=1"}
	extra := ""
	if w.cross() {
		cross, err := w.crossCgoEnv()
		if err != nil {
			return err
		}
		env, extra = append(env, cross...), ",customenv"
	}
	// Linked --as-needed, the binaries depend on the OpenCV libraries they
	// use (and libdeflate, libjpeg), not all that libopencv-dev names: scannerd on
	// the four, scanctl on the three without videoio; relro and now: the
	// hardening Debian expects of a daemon.
	cvLD := ldflags + " -extldflags '-Wl,--as-needed -Wl,-z,relro -Wl,-z,now'"
	cv := func(tags, pkg string) error {
		return w.goBuild(ctx, env, "-tags="+tags+extra, "-ldflags="+cvLD, "-o", filepath.Join(w.dir, "bin")+"/", pkg)
	}
	if err := cv(cvTags, "./cmd/scannerd"); err != nil {
		return err
	}
	// scannerd compiles most of what the three share. What scanctl has
	// left (gocv and capture without videoio: C++ compiled one file after
	// another, one core busy) and what ltsd has (the packages that differ
	// without cgo) have next to nothing in common, so the two builds run
	// at once rather than one after the other.
	// ltsd uses neither runtime/secret nor the vector code
	// (GOEXPERIMENT): built plain, as go install builds it, it is also
	// the build make test-nocv checks, which shares its compile.
	pure := []string{"GOOS=linux", "GOARCH=" + w.t.GOARCH, "CGO_ENABLED=0", "GOEXPERIMENT="}
	ltsd := make(chan error, 1)
	go func() {
		ltsd <- w.goBuild(ctx, pure, "-tags=nocv", "-ldflags="+ldflags, "-o", w.bin("ltsd"), "./cmd/ltsd")
	}()
	return errors.Join(cv(ctlTags, "./cmd/scanctl"), <-ltsd)
}

func (w *workspace) goBuild(ctx context.Context, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-trimpath", "-buildmode=pie"}, args...)...)
	cmd.Dir = w.root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// crossCgoEnv returns the environment that compiles gocv and capture
// against the target's OpenCV, libdeflate and libjpeg in the sysroot: with the
// customenv tag they take their flags from CGO_* instead of pkg-config
// (which the build cache would not see change).
func (w *workspace) crossCgoEnv() ([]string, error) {
	sysroot, err := w.t.Sysroot()
	if err != nil {
		return nil, err
	}
	root := filepath.Join(sysroot, "root")
	libdir := filepath.Join(root, "usr", "lib", w.t.Triplet)
	// The headers: the target's own configuration headers, then the
	// machine's: the rest are the same for every architecture (Multi-Arch:
	// same packages), and opencv.hpp includes those of every module Debian
	// built, not only of the four in the sysroot. So the versions must match.
	// libdeflate.h and jpeglib.h are the sysroot's, searched after the
	// cross compiler's own C library headers, which the sysroot's must not
	// replace (jpeglib.h's jconfig.h is in the target's own directory).
	for _, dev := range []string{"libopencv-core-dev", "libdeflate-dev", "libjpeg62-turbo-dev"} {
		if err := sameVersion(sysroot, dev); err != nil {
			return nil, err
		}
	}
	// The libraries by path (the sysroot's library directory on -L
	// would also give the linker its libc.so, whose paths only the cross
	// compiler's own libc.so gets right); what they need is found through
	// rpath-link.
	var ldflags []string
	for _, m := range append(cvModules, "deflate", "jpeg") {
		lib := filepath.Join(libdir, "lib"+m+".so")
		if _, err := os.Stat(lib); err != nil {
			return nil, fmt.Errorf("lib%s for %s is not in %s (scripts/deps-cross.sh %s puts it there): %w", m, w.t.Deb, sysroot, w.t.Deb, err)
		}
		ldflags = append(ldflags, lib)
	}
	for _, dir := range w.t.LibDirs(sysroot) {
		ldflags = append(ldflags, "-Wl,-rpath-link,"+dir)
	}
	return []string{
		"CC=" + w.t.Triplet + "-gcc", "CXX=" + w.t.Triplet + "-g++",
		"CGO_CPPFLAGS=-I" + filepath.Join(root, "usr", "include", w.t.Triplet, "opencv4") + " -I/usr/include/opencv4 -idirafter " + filepath.Join(root, "usr", "include") +
			" -idirafter " + filepath.Join(root, "usr", "include", w.t.Triplet),
		"CGO_CXXFLAGS=--std=c++11 -DNDEBUG", // what gocv's cgo.go sets
		"CGO_LDFLAGS=" + strings.Join(ldflags, " "),
	}, nil
}

// sameVersion checks that the package is installed here in the version
// the sysroot has.
func sameVersion(sysroot, name string) error {
	control, err := os.ReadFile(filepath.Join(sysroot, "pkgs", name, "DEBIAN", "control"))
	if err != nil {
		return err
	}
	var want string
	for _, line := range strings.Split(string(control), "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok {
			want = v
		}
	}
	have, err := exec.Command("dpkg-query", "-W", "-f=${Version}", name).Output()
	if err != nil || string(have) != want {
		return fmt.Errorf("%s is %q here and %q in %s: make deps, and scripts/deps-cross.sh after deleting the sysroot", name, have, want, sysroot)
	}
	return nil
}

// docs writes the man pages and shell completions of scanctl and ltsd,
// generated by the programs from their command definitions, into
// dir/share, and scannerd's man page dated like them. A cross build runs
// pure-Go builds of the two for this machine to do it.
func (w *workspace) docs(ctx context.Context) error {
	scanctl, ltsd := w.bin("scanctl"), w.bin("ltsd")
	if w.cross() {
		host := filepath.Join(w.dir, "host")
		env := []string{"CGO_ENABLED=0", "GOARCH=" + runtime.GOARCH}
		if err := w.goBuild(ctx, env, "-tags=nocv", "-o", host+"/", "./cmd/scanctl", "./cmd/ltsd"); err != nil {
			return err
		}
		scanctl, ltsd = filepath.Join(host, "scanctl"), filepath.Join(host, "ltsd")
	}
	share := filepath.Join(w.dir, "share")
	for _, prog := range []string{scanctl, ltsd} {
		cmd := exec.CommandContext(ctx, prog, "gen-docs", share)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(w.mtime.Unix(), 10))
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s gen-docs: %w\n%s", filepath.Base(prog), err, out)
		}
	}
	page, err := os.ReadFile(filepath.Join(w.root, "packaging", "man", "scannerd.8"))
	if err != nil {
		return err
	}
	page = bytes.Replace(page, []byte(`.TH SCANNERD 8 ""`), []byte(`.TH SCANNERD 8 "`+w.mtime.Format("Jan 2006")+`"`), 1)
	return os.WriteFile(filepath.Join(share, "man", "man8", "scannerd.8"), page, 0o644)
}

// gzipFile compresses src into dst the way Debian wants man pages and
// changelogs: best compression, no name or time in the header.
func gzipFile(dst string, src io.Reader) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	if _, err := io.Copy(zw, src); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
