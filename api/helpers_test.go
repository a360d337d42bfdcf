package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// daemon is the part of scannerd the server calls, around a real decode
// engine.
type daemon struct {
	engine *scanner.Engine
	snaps  *debugexport.Snapshots
}

func newDaemon(t testing.TB) *daemon {
	snaps := debugexport.NewSnapshots()
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, Inspect: snaps.Inspect})
	e.Start()
	t.Cleanup(func() { e.Close() })
	return &daemon{engine: e, snaps: snaps}
}

var _ api.Snapshotter = (*daemon)(nil)

func (d *daemon) Snapshot(ctx context.Context, source string) ([]byte, error) {
	return d.snaps.Take(ctx, source)
}

// The figures the test daemon's status reports.
var (
	testLastFrame = time.Date(2026, 3, 1, 11, 59, 59, 500e6, time.UTC)
	testExpires   = time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)
	testLastSync  = time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
)

func (d *daemon) Status() api.Status {
	return api.Status{
		Version: "test", Engine: api.NewEngineStats(d.engine.Stats()),
		Sources: []api.SourceStatus{{Name: "cam0", URL: "/dev/video0", State: "running", FPS: 30, Frames: 100,
			LastFrame: testLastFrame}},
		License: api.LicenseSummary{State: "authorized", Expires: testExpires, OfflineLeftSeconds: 3600,
			PendingScans: 12, LastSync: testLastSync},
	}
}

func (d *daemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	rep, err := d.engine.DecodeFrom(ctx, load, opts)
	if err != nil {
		return nil, err
	}
	return rep.Results, nil
}

// license records syncs; syncErr makes them fail.
type license struct {
	mu      sync.Mutex
	syncs   int
	syncErr error
}

func (l *license) Document() api.LicenseDocument {
	l.mu.Lock()
	defer l.mu.Unlock()
	doc := api.LicenseDocument{State: "authorized", Mode: "lts", Device: "6f1c2d7e-0000-4000-8000-000000000001",
		Pending: map[string]uint64{}, Symbologies: []string{"QR_CODE"}}
	if l.syncs > 0 {
		doc.LastSync = time.Date(2026, 3, 1, 12, 0, l.syncs, 0, time.UTC)
	}
	return doc
}

func (l *license) Sync(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.syncErr != nil {
		return l.syncErr
	}
	l.syncs++
	return nil
}

// testServer is a server on a real socket in a temporary directory.
type testServer struct {
	*api.Server
	socket  string
	clock   *clock
	license *license
	export  *apitest.Exporter
	client  *client.Client
	engine  *scanner.Engine
}

type serverOption func(*api.Config, *serverParts)

type serverParts struct {
	noLicense, noExporter bool
}

func withoutLicense(_ *api.Config, p *serverParts)  { p.noLicense = true }
func withoutExporter(_ *api.Config, p *serverParts) { p.noExporter = true }

func withConfig(f func(*api.Config)) serverOption {
	return func(c *api.Config, _ *serverParts) { f(c) }
}

func startServer(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	cfg := apitest.Config(t)
	var parts serverParts
	for _, o := range opts {
		o(&cfg, &parts)
	}
	ts := &testServer{socket: cfg.Socket, clock: newClock(), license: &license{}, export: &apitest.Exporter{}}
	var lic api.License = ts.license
	var exp api.DebugExporter = ts.export
	if parts.noLicense {
		lic = nil
	}
	if parts.noExporter {
		exp = nil
	}
	d := newDaemon(t)
	ts.engine = d.engine
	ts.Server = apitest.Serve(t, cfg, d, lic, exp, ts.clock.Now)
	ts.client = apiDoc(t).Client(t, cfg.Socket)
	return ts
}

// loadDoc loads docs/openapi.yaml once for the package's tests.
var loadDoc = sync.OnceValues(openapitest.Load)

// apiDoc returns docs/openapi.yaml: the tests check every answer they get
// against it (Doc.Client, Doc.Transport).
func apiDoc(t testing.TB) *openapitest.Doc {
	t.Helper()
	d, err := loadDoc()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// waitSubscribers waits until n subscribers are registered: a subscriber
// counts once the server has accepted it, so results published afterwards
// reach it.
func (ts *testServer) waitSubscribers(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ts.Subscribers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", ts.Subscribers(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitUploadMemory waits until upload bodies hold at least n bytes, or
// none at all when n is 0.
func (ts *testServer) waitUploadMemory(t testing.TB, n float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v := metricValue(t, ts, "scannerd_api_upload_memory_bytes", nil)
		if n == 0 && v == 0 || n > 0 && v >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("uploads hold %v bytes, want %v", v, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// rawRequest sends a request over a fresh connection and returns the
// status and the decoded error code ("" for a non-error body).
func (ts *testServer) rawRequest(t testing.TB, method, target string, header http.Header, body []byte) (int, string, []byte) {
	t.Helper()
	hc := &http.Client{Transport: apiDoc(t).Transport(t, &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", ts.socket)
		},
		DisableKeepAlives: true,
	})}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://scannerd"+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var eb api.ErrorBody
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &eb); err != nil {
			t.Fatalf("%s %s: status %d with a body that is not a JSON error: %q", method, target, resp.StatusCode, b)
		}
		if resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: error with Content-Type %q", method, target, resp.Header.Get("Content-Type"))
		}
	}
	return resp.StatusCode, eb.Error.Code, b
}

// result makes an engine result as the pipeline would deliver it.
func result(source string, frame uint64, sym scanner.Symbology, text string, at time.Time) scanner.Result {
	return scanner.Result{
		Symbology: sym, Text: text, Source: source, Frame: frame,
		Points:     [4]scanner.Point{{X: 10, Y: 20}, {X: 110, Y: 20}, {X: 110, Y: 120}, {X: 10, Y: 120}},
		CapturedAt: at, DecodedAt: at.Add(12500 * time.Microsecond),
	}
}

// zintPNG renders the symbol zint draws for args as a PNG file.
func zintPNG(t testing.TB, args ...string) []byte {
	t.Helper()
	img, _ := zint.Image(t, args...).Render(zint.Scene{Module: 3})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// symbolPNG draws a barcode and encodes it as a PNG file.
func symbolPNG(t testing.TB, sym scanner.Symbology, text string) []byte {
	t.Helper()
	s, err := symbols.Encode(sym, text)
	if err != nil {
		t.Fatal(err)
	}
	c := symbols.NewCanvas(320, 240, 255)
	c.Draw(s, symbols.Placement{CX: 160, CY: 120, Module: 4, Dark: 0, Light: 255})
	img := &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// code returns the API error code of err ("" when it is not an API error).
func code(err error) string {
	var e *client.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
