// Package examples_test runs each client example against a real server on
// a temporary socket and checks what it prints.
package examples_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/scanner"
)

type daemon struct{}

func (daemon) Status() api.Status {
	return api.Status{Version: "example", License: api.LicenseSummary{State: "authorized"}}
}

func (daemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	f, err := load()
	if err != nil {
		return nil, err
	}
	f.Purge()
	return nil, nil
}

func startServer(t *testing.T) (*api.Server, string) {
	t.Helper()
	cfg := apitest.Config(t)
	return apitest.Serve(t, cfg, daemon{}, nil, nil, nil), cfg.Socket
}

func need(t *testing.T, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		t.Skipf("%s is not installed (scripts/deps.sh installs it): skipping its example", bin)
	}
	return p
}

// publishWhenSubscribed waits for n subscribers, then publishes results.
func publishWhenSubscribed(t *testing.T, srv *api.Server, n int, results []scanner.Result) {
	t.Helper()
	waitSubscribers(t, srv, n)
	srv.Publish(results)
}

func waitSubscribers(t *testing.T, srv *api.Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); srv.Subscribers() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", srv.Subscribers(), n)
		}
	}
}

var published = []scanner.Result{
	{Symbology: scanner.EAN13, Text: "5901234123457", Source: "cam0"},
	{Symbology: scanner.QRCode, Text: "https://example.com/ticket/42", Source: "cam0"},
}

const wantLines = "EAN_13\t5901234123457\nQR_CODE\thttps://example.com/ticket/42\n"

// runWatcher starts a watching example, publishes once it subscribed,
// and returns its output.
func runWatcher(t *testing.T, srv *api.Server, cmd *exec.Cmd) string {
	t.Helper()
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	publishWhenSubscribed(t, srv, 1, published)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd.Path, err, errOut.String())
	}
	return out.String()
}

// maxExampleSize bounds the Go example's binary: the client pulls in
// nothing of the daemon, nor net/http. A kiosk developer builds it with
// go build and no flags (4.3 MB); the test builds it position-independent
// and trimmed (4.6 MB), as make test builds everything else, so that it
// links what go vet has compiled instead of compiling the standard library
// once more (about 20 s of CPU on a cold cache); a position-independent
// binary is the larger, so the bound holds for the plain one too.
const maxExampleSize = 6 << 20

// The Go example depends on the client, its wire types and the standard
// library alone: none of the daemon's decoders, metrics, systemd or
// configuration packages.
func TestGoExampleDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./go").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{
		"github.com/scannerd/scannerd/examples/go":      true,
		"github.com/scannerd/scannerd/api/client":       true,
		"github.com/scannerd/scannerd/api/apitype":      true,
		"github.com/scannerd/scannerd/internal/backoff": true,
	}
	for _, pkg := range strings.Fields(string(out)) {
		first, _, _ := strings.Cut(pkg, "/")
		if strings.Contains(first, ".") && !allowed[pkg] {
			t.Errorf("examples/go depends on %s", pkg)
		}
		for _, banned := range []string{"gozxing", "prometheus", "go-systemd", "toml", "net/http", "crypto/tls"} {
			if strings.Contains(pkg, banned) {
				t.Errorf("examples/go depends on %s", pkg)
			}
		}
	}
}

func TestGoExample(t *testing.T) {
	srv, sock := startServer(t)
	bin := filepath.Join(t.TempDir(), "example")
	build := exec.Command("go", "build", "-trimpath", "-buildmode=pie", "-o", bin, "./go")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Size() >= maxExampleSize {
		t.Errorf("examples/go builds to %d bytes, want under %d (%v)", fi.Size(), maxExampleSize, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--count", "2")
	cmd.Env = append(os.Environ(), "SCANNERD_SOCKET="+sock)
	if got := runWatcher(t, srv, cmd); got != wantLines {
		t.Errorf("got %q, want %q", got, wantLines)
	}
}

func TestPythonExample(t *testing.T) {
	python := need(t, "python3")
	for _, format := range []string{"ndjson", "sse"} {
		t.Run(format, func(t *testing.T) {
			srv, sock := startServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			args := []string{"python/watch.py", "--socket", sock, "--count", "2"}
			if format == "sse" {
				args = append(args, "--sse")
			}
			if got := runWatcher(t, srv, exec.CommandContext(ctx, python, args...)); got != wantLines {
				t.Errorf("got %q, want %q", got, wantLines)
			}
		})
	}
	t.Run("no daemon", func(t *testing.T) {
		cmd := exec.Command(python, "python/watch.py", "--socket", filepath.Join(t.TempDir(), "none.sock"))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 4 || !strings.Contains(string(out), "cannot reach scannerd") {
			t.Errorf("without a daemon: %v %s", err, out)
		}
	})
}

func TestCurlExample(t *testing.T) {
	need(t, "curl")
	srv, sock := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	curlSh := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "./curl.sh", args...)
		cmd.Env = append(os.Environ(), "SCANNERD_SOCKET="+sock)
		return cmd
	}

	t.Run("status", func(t *testing.T) {
		out, err := curlSh("status").Output()
		var st api.Status
		if err != nil || json.Unmarshal(out, &st) != nil || st.Version != "example" {
			t.Errorf("status: %v %s", err, out)
		}
	})
	t.Run("scan", func(t *testing.T) {
		cmd := curlSh("scan", "30s")
		var out strings.Builder
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		publishWhenSubscribed(t, srv, 1, published[1:])
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		var r api.Result
		if err := json.Unmarshal([]byte(out.String()), &r); err != nil || r.Text != published[1].Text {
			t.Errorf("scan printed %q: %v", out.String(), err)
		}
	})
	t.Run("scan timeout", func(t *testing.T) {
		out, err := curlSh("scan", "10ms").Output()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 22 || !strings.Contains(string(out), `"code":"timeout"`) {
			t.Errorf("scan without a barcode: %v %s", err, out)
		}
	})
	t.Run("results", func(t *testing.T) {
		out, err := curlSh("results").Output()
		var res api.Results
		if err != nil || json.Unmarshal(out, &res) != nil || len(res.Results) != 1 {
			t.Errorf("results: %v %s", err, out)
		}
	})
	for _, format := range []string{"ndjson", "sse"} {
		t.Run("watch "+format, func(t *testing.T) {
			cmd := curlSh("watch", format)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Kill() // a stream runs until interrupted
				cmd.Wait()
				waitSubscribers(t, srv, 0)
			}()
			publishWhenSubscribed(t, srv, 1, published)
			var texts []string
			sc := bufio.NewScanner(stdout)
			for len(texts) < 2 && sc.Scan() {
				line := sc.Text()
				if format == "sse" {
					var ok bool
					if line, ok = strings.CutPrefix(line, "data: "); !ok {
						continue
					}
				} else if strings.Contains(line, `"event":`) {
					continue // a heartbeat: results have no "event" member
				}
				var r api.Result
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("line %q: %v", line, err)
				}
				texts = append(texts, r.Text)
			}
			if len(texts) != 2 || texts[0] != published[0].Text || texts[1] != published[1].Text {
				t.Errorf("watch printed %q", texts)
			}
		})
	}
}
