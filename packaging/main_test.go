package packaging_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// oldVersion is the version of the "previous release" the upgrade tests
// install first: older than any version git gives.
const oldVersion = "0.0.1~git20200101000000.0000000"

// built are the packages, made once per test binary by the first test that
// needs them, into a directory removed at the end: the current version
// (from git) and the previous one. make deb compresses the data with xz;
// these are gzipped (the previous version's with zstd): no test here
// depends on the compression, and Go's xz is slow (a mkdeb run that only
// links and packs: 36 s of CPU with xz, 17 to 18 s with gzip). lintian
// accepts gzip (not zstd); make test-arm64's packages are built with xz.
var built struct {
	once    sync.Once
	dir     string
	mkdeb   string
	current map[string]string // package name → .deb
	err     error

	oldOnce sync.Once
	oldDone chan struct{} // closed when old and oldErr are set
	old     map[string]string
	oldErr  error
}

type buildError struct {
	what string
	err  error
	out  string
}

func (e *buildError) Error() string { return fmt.Sprintf("%s: %v\n%s", e.what, e.err, e.out) }

// TestMain removes the built packages and, when every test passed, fails
// the run if a test left a goroutine behind (the in-process LTS of the
// lifecycle tests included).
func TestMain(m *testing.M) {
	code := m.Run()
	if built.oldDone != nil {
		<-built.oldDone
	}
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines left behind: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// debs returns the packages of the current version, building them the
// first time.
func debs(t *testing.T) map[string]string {
	t.Helper()
	if !withOpenCV {
		t.Skip("skipping: the packages are built with OpenCV, this is the nocv build")
	}
	need(t, "dpkg-deb", "dpkg-shlibdeps", "go", "git")
	mkdeb := mkdebBinary(t)
	built.once.Do(func() {
		built.current, built.err = runMkdeb(mkdeb, filepath.Join(built.dir, "current"), "--compression", "gzip")
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.current
}

// previous starts building the packages of the previous version, once,
// and returns a function that waits for them. The upgrade tests call it
// before t.Parallel and wait after: the build (three links, the docs, two
// packages; the current version's build has compiled everything) runs
// beside the tests that run meanwhile instead of before all of them.
func previous(t *testing.T) (wait func() map[string]string) {
	t.Helper()
	debs(t)
	built.oldOnce.Do(func() {
		built.oldDone = make(chan struct{})
		go func() {
			defer close(built.oldDone)
			built.old, built.oldErr = runMkdeb(built.mkdeb, filepath.Join(built.dir, "old"), "--version", oldVersion, "--compression", "zstd")
		}()
	})
	return func() map[string]string {
		t.Helper()
		<-built.oldDone
		if built.oldErr != nil {
			t.Fatal(built.oldErr)
		}
		return built.old
	}
}

var mkdebOnce sync.Once

// mkdebBinary builds packaging/mkdeb once, into the directory that holds
// the packages: position-independent and trimmed like the binaries it
// builds, so that both share one compile of the standard library
// (without DWARF, as they are: most of a link is writing it).
func mkdebBinary(t *testing.T) string {
	t.Helper()
	var err error
	mkdebOnce.Do(func() {
		if built.dir, err = os.MkdirTemp("", "scannerd-deb-test"); err != nil {
			return
		}
		built.mkdeb = filepath.Join(built.dir, "mkdeb")
		if out, berr := command("go", "build", "-trimpath", "-buildmode=pie", "-ldflags=-w", "-o", built.mkdeb, "./packaging/mkdeb").CombinedOutput(); berr != nil {
			err = &buildError{"go build ./packaging/mkdeb", berr, string(out)}
			built.mkdeb = ""
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if built.mkdeb == "" {
		t.Fatal("packaging/mkdeb did not build (see the first test that failed)")
	}
	return built.mkdeb
}

// command runs in the checkout's root.
func command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = ".."
	return cmd
}

func runMkdeb(mkdeb, out string, args ...string) (map[string]string, error) {
	cmd := command(mkdeb, append([]string{"--out", out}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return nil, &buildError{"mkdeb " + strings.Join(args, " "), err, stderr.String()}
	}
	debs := map[string]string{}
	for _, line := range strings.Fields(string(stdout)) {
		if strings.HasSuffix(line, ".deb") {
			debs[strings.SplitN(filepath.Base(line), "_", 2)[0]] = line
		}
	}
	return debs, nil
}

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

// extract unpacks a package's files into a new directory.
func extract(t *testing.T, deb string) string {
	t.Helper()
	root := t.TempDir()
	run(t, "", "dpkg-deb", "-x", deb, root)
	return root
}
