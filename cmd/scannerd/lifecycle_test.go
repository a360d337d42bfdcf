package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/scanner"
)

// failingListener is a socket listener that stops working when told: a
// socket torn down under the daemon.
type failingListener struct {
	net.Listener
	fail chan struct{}
}

func (l *failingListener) Accept() (net.Conn, error) {
	select {
	case <-l.fail:
		return nil, errors.New("listener torn down")
	default:
	}
	return l.Listener.Accept()
}

// TestServeExitStatus: Serve runs the daemon until its context ends (0),
// reloads on each value from its reload channel, and exits 1 when the
// daemon cannot start or its socket API fails.
func TestServeExitStatus(t *testing.T) {
	t.Run("stopped by a signal", func(t *testing.T) {
		m := NewMain()
		m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
		path := writeConfig(t, "[[source]]\nname = \"demo\"\nurl = \"demo\"\nfps = 5\n")
		m.ParseFlags([]string{"-config", path})
		ctx, cancel := context.WithCancelCause(context.Background())
		reload := make(chan os.Signal)
		code := make(chan int, 1)
		go func() { code <- m.Serve(ctx, reload) }()
		os.WriteFile(path, []byte("[[source]]\nname = \"demo\"\nurl = \"demo\"\nfps = 7\n"), 0o600)
		select {
		case reload <- syscall.SIGHUP: // taken by the loop: the daemon runs
		case <-time.After(30 * time.Second):
			t.Fatal("Serve does not take reloads")
		}
		cancel(errors.New("SIGTERM"))
		if c := receive(t, code, "Serve to return"); c != 0 {
			t.Errorf("exit status %d after a signal, want 0", c)
		}
		logs := m.Stderr.(*syncbuf.Buffer).String()
		if !strings.Contains(logs, "configuration reloaded") || !strings.Contains(logs, "SIGTERM") {
			t.Errorf("no reload or no stop cause in the log:\n%s", logs)
		}
	})
	t.Run("cannot start", func(t *testing.T) {
		m := NewMain()
		m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
		notDir := filepath.Join(t.TempDir(), "file")
		os.WriteFile(notDir, nil, 0o600)
		m.ParseFlags([]string{"-config", writeConfig(t, fmt.Sprintf("[api]\nsocket = %q\n", filepath.Join(notDir, "s.sock")))})
		if c := m.Serve(context.Background(), nil); c != 1 {
			t.Errorf("exit status %d for a daemon that cannot listen, want 1", c)
		}
	})
	t.Run("the socket API fails", func(t *testing.T) {
		m := NewMain()
		m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
		real, err := net.Listen("unix", filepath.Join(t.TempDir(), "s.sock"))
		if err != nil {
			t.Fatal(err)
		}
		ln := &failingListener{Listener: real, fail: make(chan struct{})}
		m.listen = func() (net.Listener, error) { return ln, nil }
		m.ParseFlags([]string{"-config", writeConfig(t, "[[source]]\nname = \"demo\"\nurl = \"demo\"\nfps = 5\n")})
		code := make(chan int, 1)
		go func() { code <- m.Serve(context.Background(), nil) }()
		close(ln.fail)
		// Wake the accept loop so it sees the failure.
		if c, err := net.Dial("unix", ln.Addr().String()); err == nil {
			c.Close()
		}
		if c := receive(t, code, "Serve to return after the API failed"); c != 1 {
			t.Errorf("exit status %d after the socket API failed, want 1", c)
		}
		if err := m.Err(); err == nil || !strings.Contains(err.Error(), "listener torn down") {
			t.Errorf("Err = %v", err)
		}
	})
}

// TestComponentsCloseInAnyOrder closes the daemon's components (sources,
// engine, socket API, debug export, sinks, license client) one by one in
// shuffled orders while frames, uploads and status requests are in
// flight: none panics or blocks on one already closed, Close then stops
// the rest, and no goroutine is left (TestMain checks).
func TestComponentsCloseInAnyOrder(t *testing.T) {
	_, license := startLTS(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer hook.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 22))
	upload := uploadImage(t)
	for round := 0; round < 6; round++ {
		order := []string{"sources", "engine", "api", "export", "sinks", "license"}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			dir := t.TempDir()
			socket := filepath.Join(dir, "s.sock")
			m, out, _ := startMain(t, fmt.Sprintf(`
[api]
socket = %q
socket_group = "none"
admin_group = "none"
[debug_export]
root = %q
[[source]]
name = "demo"
url = "demo"
fps = 30
width = 640
height = 360
[[sink]]
name = "hook"
[sink.webhook]
url = %q
%s`, socket, dir, hook.URL, license))
			c := openapitest.NewClient(t, socket)
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := c.SetDebugExport(ctx, api.DebugExportSettings{Enabled: true, Dir: filepath.Join(dir, "export"), Frames: api.FramesAll}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "a first scan", func() bool { return strings.Contains(out.String(), `"source":"demo"`) })

			// Traffic on the socket until the end: uploads and status.
			stop := make(chan struct{})
			var traffic sync.WaitGroup
			traffic.Add(1)
			go func() {
				defer traffic.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					c.Decode(ctx, bytes.NewReader(upload), client.DecodeOptions{})
					c.Status(ctx)
				}
			}()
			d := m.d
			for _, part := range order {
				switch part {
				case "sources":
					for _, s := range d.cfg.Load().Sources {
						d.stopSource(s.Name)
					}
				case "engine":
					d.engine.Close()
				case "api":
					d.api.Close()
				case "export":
					d.export.Close()
				case "sinks":
					d.closeSinks()
				case "license":
					d.gate.lic.Close()
				}
				// The rest keeps working around the closed part.
				d.statusLine()
				d.engine.Submit(d.pool.Get(64, 64), scanner.Options{})
				f := d.pool.Get(8, 8)
				d.export.Inspect(f, &scanner.FrameReport{Source: "demo"})
				f.Purge()
			}
			done := make(chan error, 1)
			go func() { done <- m.Close() }()
			if err := receive(t, done, "Close after its parts were closed"); err != nil {
				t.Error(err)
			}
			close(stop)
			cancel() // ends a request still waiting on a closed socket
			traffic.Wait()
		})
	}
}

// uploadImage is a PNG with a Code 128 label, for uploads.
func uploadImage(t *testing.T) []byte {
	t.Helper()
	s, err := symbols.Encode(scanner.Code128, "UPLOADED")
	if err != nil {
		t.Fatal(err)
	}
	cv := symbols.NewCanvas(300, 120, 230)
	cv.Draw(s, symbols.Placement{CX: 150, CY: 60, Module: 2, Dark: 20, Light: 240})
	var buf bytes.Buffer
	if err := png.Encode(&buf, &image.Gray{Pix: cv.Pix, Stride: 300, Rect: image.Rect(0, 0, 300, 120)}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestResultDecodedAtStartReachesTheAPI: a frame decoded as soon as the
// engine runs (here handed to it while the daemon opens its socket, the
// step before its sources start) is delivered under an API id and held
// for /v1/results. The socket API's server used to be set only once the
// socket was open, while the engine's workers and the delivery goroutine,
// already running, read it: a data race, through which such a result went
// out without an id and was never held.
func TestResultDecodedAtStartReachesTheAPI(t *testing.T) {
	t.Parallel()
	s, err := symbols.Encode(scanner.QRCode, "early")
	if err != nil {
		t.Fatal(err)
	}
	cv := symbols.NewCanvas(200, 200, 230)
	cv.Draw(s, symbols.Placement{CX: 100, CY: 100, Module: 3, Dark: 20, Light: 235})
	m := NewMain()
	out := &syncbuf.Buffer{}
	m.Stdout, m.Stderr = out, &syncbuf.Buffer{}
	m.gate = &holdGate{}
	m.listen = func() (net.Listener, error) {
		f := scanner.NewFrame(cv.Pix, cv.Width, cv.Height, cv.Width)
		f.Source, f.Seq, f.CapturedAt = "early", 1, time.Now()
		m.d.engine.Submit(f, scanner.Options{})
		waitFor(t, "the early result's delivery", func() bool { return len(readResults(t, out.String())) > 0 })
		return nil, nil // the server opens the configured socket
	}
	m.ParseFlags([]string{"-ndjson", "-config", writeConfig(t, "")})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	delivered := readResults(t, out.String())
	if len(delivered) != 1 || delivered[0].Text != "early" || delivered[0].ID == 0 {
		t.Fatalf("delivered %+v; want the early QR code under an API id", delivered)
	}
	c := openapitest.NewClient(t, m.d.cfg.Load().API.Socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	held, err := c.Results(ctx, client.ResultsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(held.Results) != 1 || held.Results[0].ID != delivered[0].ID || held.Results[0].Text != "early" {
		t.Errorf("the API holds %+v; want the early result, id %d", held.Results, delivered[0].ID)
	}
}
