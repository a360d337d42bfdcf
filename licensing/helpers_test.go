package licensing

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// link is the device's way to the LTS: a real HTTPS transport that tests can
// cut (the LTS is unreachable), and that records every request body.
type link struct {
	next    http.RoundTripper
	down    atomic.Bool
	mu      sync.Mutex
	bodies  [][]byte
	onReply func(*http.Request) error // when set, may fail a request after the LTS handled it
}

var errLinkDown = errors.New("network unreachable")

func (l *link) RoundTrip(r *http.Request) (*http.Response, error) {
	if l.down.Load() {
		return nil, errLinkDown
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body.Close()
	l.mu.Lock()
	l.bodies = append(l.bodies, body)
	l.mu.Unlock()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := l.next.RoundTrip(r2)
	if err == nil && l.onReply != nil {
		if ferr := l.onReply(r); ferr != nil {
			resp.Body.Close()
			return nil, ferr
		}
	}
	return resp, err
}

type env struct {
	lts    *ltstest.LTS
	code   string
	link   *link
	client *http.Client
	dir    string
	mid    string
}

// newEnv starts an LTS with one license and a handshake code.
func newEnv(t testing.TB, lic wire.License, h lts.Handshake) *env {
	t.Helper()
	l := ltstest.Start(t, ltstest.Options{})
	if lic.ID == "" {
		lic = wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 10}
	}
	if lic.Expires.IsZero() {
		lic.Expires = l.Clock.Now().AddDate(2, 0, 0)
	}
	l.IssueLicense(t, lic)
	h.Licenses = []string{lic.ID}
	code := l.Handshake(t, h)
	base := l.Client()
	lk := &link{next: base.Transport}
	dir := fastTempDir(t)
	mid := filepath.Join(dir, "machine-id")
	os.WriteFile(mid, []byte("0123456789abcdef0123456789abcdef\n"), 0o444)
	return &env{lts: l, code: code, link: lk, client: &http.Client{Transport: lk}, dir: filepath.Join(dir, "state"), mid: mid}
}

func (e *env) config() Config {
	return Config{
		StateDir: e.dir, LTSURL: e.lts.URL, LTSKeys: []string{e.lts.Key.String()},
		HandshakeCode: e.code, MachineIDFile: e.mid,
	}
}

// open opens a client on the env's state directory without background
// goroutines: tests drive Flush and Sync themselves.
func (e *env) open(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// crash drops a client the way kill -9 would: nothing in memory is flushed.
func crash(c *Client) {
	c.closed.Store(true)
	c.closeCommits()
	c.storeMu.Lock()
	c.journal.close()
	c.store.close()
	c.store = nil
	c.storeMu.Unlock()
}

// count meters n scans of sym, delivered together, as the daemon does
// before it delivers them.
func count(t testing.TB, c *Client, sym scanner.Symbology, n int) {
	t.Helper()
	syms := make([]scanner.Symbology, n)
	for i := range syms {
		syms[i] = sym
	}
	record(t, c, syms...)
}

// record meters one delivery of results of the given symbologies.
func record(t testing.TB, c *Client, syms ...scanner.Symbology) {
	t.Helper()
	if n, err := c.Record(syms); err != nil || n != len(syms) {
		t.Fatalf("Record(%v) = %d, %v", syms, n, err)
	}
}

func mustSync(t testing.TB, c *Client) {
	t.Helper()
	if err := c.Sync(context.Background()); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

func ltsTotals(t testing.TB, e *env) map[string]uint64 {
	t.Helper()
	got, err := e.lts.Totals(e.code)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func equalCounts(a, b map[string]uint64) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if v != 0 && a[k] != v {
			return false
		}
	}
	return true
}

// replayer records the first reply it sees and answers every later request
// with it: a relay replaying an old reply.
type replayer struct {
	recorded *[]byte
	next     http.RoundTripper
}

func (r replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if *r.recorded == nil {
		*r.recorded = body
	}
	resp.Body = io.NopCloser(bytes.NewReader(*r.recorded))
	return resp, nil
}
