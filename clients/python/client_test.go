// Package python runs the Python client's tests (clients/python/tests)
// against the daemon's API server on a real Unix socket. The tests drive
// the server through a control socket: publish results, wait for
// subscribers, move the clock past result_ttl, restart the server, draw
// a barcode to upload.
package python

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// daemon is the part of scannerd the server calls, around a real decode
// engine, with two sources.
type daemon struct {
	engine *scanner.Engine
	setup  setupState
}

func (d *daemon) Status() api.Status {
	return api.Status{
		Version: "python-test", Engine: api.NewEngineStats(d.engine.Stats()),
		Sources: []api.SourceStatus{{Name: "cam0", URL: "/dev/video0", State: "running", FPS: 29.5, Frames: 10},
			{Name: "cam1", URL: "rtsp://camera.local/stream", State: "running"}},
		License: api.LicenseSummary{State: "authorized"}, Preview: d.Preview(),
	}
}

func (d *daemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	rep, err := d.engine.DecodeFrom(ctx, load, opts)
	if err != nil {
		return nil, err
	}
	return rep.Results, nil
}

// license is a license client that answers one fixed state.
type license struct{}

func (license) Document() api.LicenseDocument {
	return api.LicenseDocument{State: "authorized", Mode: "lts", Device: "6f1c2d7e-0000-4000-8000-000000000001",
		Pending: map[string]uint64{"QR_CODE": 3}, PendingScans: 3, Symbologies: []string{"QR_CODE", "EAN_13"},
		OfflineLeftSeconds: 3600, OfflineLeft: "1h0m0s", RollbackMark: "/var/lib/scannerd/licensing.mark"}
}

func (license) Sync(context.Context) error { return nil }

// clock is the servers' settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// harness serves the API and answers the tests' control requests.
type harness struct {
	t      *testing.T
	cfg    api.Config
	daemon *daemon
	clock  *clock
	mu     sync.Mutex
	srv    *api.Server
	dir    string
}

func (h *harness) server() *api.Server {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.srv
}

func (h *harness) start() {
	srv := apitest.Serve(h.t, h.cfg, h.daemon, license{}, &apitest.Exporter{}, h.clock.Now)
	h.mu.Lock()
	h.srv = srv
	h.mu.Unlock()
}

// request is one control request: a JSON object a line.
type request struct {
	Op      string  `json:"op"`
	N       int     `json:"n"`
	Seconds float64 `json:"seconds"`
	Results []struct {
		Source    string `json:"source"`
		Symbology string `json:"symbology"`
		Text      string `json:"text"`
	} `json:"results"`
	Symbology string `json:"symbology"`
	Text      string `json:"text"`
	Name      string `json:"name"`
	State     string `json:"state"`
	LastError string `json:"last_error"`
}

func (h *harness) handle(req request) (any, error) {
	switch req.Op {
	case "wait_subscribers":
		for deadline := time.Now().Add(20 * time.Second); h.server().Subscribers() != req.N; time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("%d subscribers, want %d", h.server().Subscribers(), req.N)
			}
		}
		return map[string]any{}, nil
	case "publish":
		var rs []scanner.Result
		for i, r := range req.Results {
			sym, err := scanner.ParseSymbology(r.Symbology)
			if err != nil {
				return nil, err
			}
			at := h.clock.Now()
			rs = append(rs, scanner.Result{Symbology: sym, Text: r.Text, Source: r.Source, Frame: uint64(i + 1),
				Points:     [4]scanner.Point{{X: 10.5, Y: 20}, {X: 110, Y: 20.25}, {X: 110, Y: 120}, {X: 10, Y: 120}},
				CapturedAt: at, DecodedAt: at.Add(12 * time.Millisecond)})
		}
		return map[string]any{"ids": h.server().Publish(rs)}, nil
	case "notify_source":
		h.server().Notify(api.Notice{Event: "source", Data: api.SourceStatus{Name: req.Name, URL: "rtsp://camera.local/stream",
			State: req.State, LastError: req.LastError, Since: h.clock.Now()}})
		return map[string]any{}, nil
	case "advance":
		h.clock.add(time.Duration(req.Seconds * float64(time.Second)))
		return map[string]any{}, nil
	case "restart":
		// The daemon stops, and comes back a minute later on the same
		// socket: result IDs go on increasing.
		if err := h.server().Close(); err != nil {
			return nil, err
		}
		h.clock.add(time.Minute)
		h.start()
		return map[string]any{}, nil
	case "png":
		sym, err := scanner.ParseSymbology(req.Symbology)
		if err != nil {
			return nil, err
		}
		s, err := symbols.Encode(sym, req.Text)
		if err != nil {
			return nil, err
		}
		c := symbols.NewCanvas(320, 240, 255)
		c.Draw(s, symbols.Placement{CX: 160, CY: 120, Module: 4, Dark: 0, Light: 255})
		path := filepath.Join(h.dir, "symbol.png")
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := png.Encode(f, &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}); err != nil {
			return nil, err
		}
		return map[string]any{"path": path}, f.Close()
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

// serveControl answers control requests on l until it is closed.
func (h *harness) serveControl(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			line, err := bufio.NewReader(c).ReadBytes('\n')
			if err != nil {
				return
			}
			var req request
			var reply any
			if err = json.Unmarshal(line, &req); err == nil {
				reply, err = h.handle(req)
			}
			if err != nil {
				reply = map[string]string{"error": err.Error()}
			}
			b, _ := json.Marshal(reply)
			c.Write(append(b, '\n'))
		}()
	}
}

func TestPythonClient(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed (scripts/deps.sh installs it)")
	}
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	t.Cleanup(func() { e.Close() })
	dir := t.TempDir()
	cfg := apitest.Config(t)
	cfg.ResultTTL = api.Duration(30 * time.Second)
	h := &harness{t: t, cfg: cfg, daemon: &daemon{engine: e}, dir: dir,
		clock: &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	h.start()
	control := filepath.Join(dir, "control.sock")
	l, err := net.Listen("unix", control)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go h.serveControl(l)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-m", "unittest", "discover", "-v", "-s", "tests")
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1",
		"SCANNERD_SOCKET="+cfg.Socket, "SCANNERD_TEST_CONTROL="+control)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("python tests failed:\n%s", out)
		}
		t.Fatal(err)
	}
	t.Logf("%s", out)
}

// The package installs with pip, offline, as a kiosk developer installs
// it, and what is installed imports and is typed.
func TestPipInstall(t *testing.T) {
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		// pip, and the setuptools and wheel the package builds with
		// (Debian's python3-pip brings all three).
		if exec.Command(p, "-c", "import setuptools, wheel").Run() == nil && exec.Command(p, "-m", "pip", "--version").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with pip, setuptools and wheel (scripts/deps.sh installs python3-pip)")
	}
	dir := t.TempDir()
	// A copy: building writes into the source tree.
	src := filepath.Join(dir, "src")
	if err := os.CopyFS(src, os.DirFS(".")); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "site")
	install := exec.Command(python, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps", "--no-index",
		"--disable-pip-version-check", "--no-cache-dir", "--target", target, src)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("pip install: %v\n%s", err, out)
	}
	check := exec.Command(python, "-c", `import os, scannerd, scannerd.types
assert scannerd.__file__.startswith(os.environ["PYTHONPATH"]), scannerd.__file__
assert os.path.exists(os.path.join(os.path.dirname(scannerd.__file__), "py.typed"))
print(scannerd.__version__)`)
	check.Dir = dir
	check.Env = append(os.Environ(), "PYTHONPATH="+target)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("the installed package: %v\n%s", err, out)
	}
}
