// Package ltstest runs a real License Tracking Server for tests: real TLS on
// loopback, a real bbolt file in a temporary directory (or a store the test
// opened), and a settable clock.
package ltstest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/packaging"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Epoch is the time a test LTS clock starts at.
var Epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// LTS is a running test server.
type LTS struct {
	URL        string
	Key        wire.LTSKey
	PrivateKey wire.LTSPrivateKey
	Vendor     ed25519.PrivateKey
	CertSHA256 string
	Cert       *x509.Certificate
	Store      lts.Store
	StorePath  string // the bbolt file, when the LTS made one
	Clock      *Clock
	AdminToken string
	Server     *lts.Server

	opts      Options
	tlsCfg    *tls.Config
	storeRefs *atomic.Int32 // servers using Store; the last to stop closes it
	srv       *http.Server
	ln        net.Listener
	wg        sync.WaitGroup
}

// Options adjust the server; zero values take the lts defaults.
type Options struct {
	Clock            *Clock
	PasswordAttempts int
	AttemptCapacity  int
	StorePath        string    // default: a file in t.TempDir()
	Store            lts.Store // instead of a bbolt file; closed when the LTS stops
}

// Start starts an LTS and stops it in t.Cleanup.
func Start(t testing.TB, o Options) *LTS {
	t.Helper()
	dir := t.TempDir()
	if o.Clock == nil {
		o.Clock = NewClock(Epoch)
	}
	res, err := lts.Init(dir, nil, packaging.LTSDConfigExample, o.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, lts.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key, err := wire.ParseLTSPrivateKeyPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	_, vendor, _ := ed25519.GenerateKey(rand.Reader)
	store := o.Store
	if store == nil {
		if o.StorePath == "" {
			o.StorePath = filepath.Join(dir, "lts.db")
		}
		if store, err = boltstore.Open(o.StorePath); err != nil {
			t.Fatal(err)
		}
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, lts.TLSCertFile), filepath.Join(dir, lts.TLSKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	leaf, err := x509.ParseCertificate(tlsCfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	l := &LTS{
		Key: key.Public(), PrivateKey: key, Vendor: vendor, CertSHA256: res.CertSHA256, Cert: leaf,
		Store: store, StorePath: o.StorePath, Clock: o.Clock, AdminToken: "test-admin-token",
		opts: o, tlsCfg: tlsCfg, storeRefs: new(atomic.Int32),
	}
	l.serve(t)
	return l
}

// Replica starts another server of the same LTS, as a second ltsd would
// run: the same key, certificate, clock and store (the same Store value,
// closed when the last server using it stops; or store, the test's own,
// e.g. another pgstore on the same database), on a listener of its own. It
// stops in t.Cleanup.
func (l *LTS) Replica(t testing.TB, store lts.Store) *LTS {
	t.Helper()
	r := &LTS{
		Key: l.Key, PrivateKey: l.PrivateKey, Vendor: l.Vendor, CertSHA256: l.CertSHA256, Cert: l.Cert,
		Store: l.Store, Clock: l.Clock, AdminToken: l.AdminToken, opts: l.opts, tlsCfg: l.tlsCfg, storeRefs: l.storeRefs,
	}
	if store != nil {
		r.Store, r.storeRefs = store, new(atomic.Int32)
	}
	r.serve(t)
	return r
}

// serve makes the server and starts it on a new listener.
func (l *LTS) serve(t testing.TB) {
	t.Helper()
	o := l.opts
	l.storeRefs.Add(1)
	l.Server = lts.NewServer(lts.ServerOptions{
		Store: l.Store, Key: l.PrivateKey, Now: o.Clock.Now, AdminToken: l.AdminToken, PasswordAttempts: o.PasswordAttempts,
		AttemptCapacity: o.AttemptCapacity,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.ln = tls.NewListener(ln, l.tlsCfg)
	l.URL = "https://" + ln.Addr().String()
	// The header bound is also the server's TLS handshake deadline
	// (net/http takes the least of its timeouts): generous, so that only a
	// hung client meets it, not a fleet of handshakes on a loaded machine
	// (10 s failed fixtures sending 80 reports at once under -race).
	l.srv = &http.Server{Handler: l.Server.Handler(), ReadHeaderTimeout: hangBound}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.srv.Serve(l.ln)
	}()
	t.Cleanup(l.Stop)
}

// Stop stops the server and closes the store it opened. It is idempotent.
func (l *LTS) Stop() {
	if l.srv == nil {
		return
	}
	l.srv.Close()
	l.wg.Wait()
	if l.storeRefs.Add(-1) == 0 {
		l.Store.Close()
	}
	l.srv = nil
}

// hangBound bounds a test server's wait for a request and a test client's
// for a reply: long enough that it only matters when something hangs.
const hangBound = 2 * time.Minute

// Client returns an HTTP client that trusts the server's certificate.
func (l *LTS) Client() *http.Client { return l.ClientFrom(nil) }

// ClientFrom returns a client like Client whose connections come from the
// given loopback address (any of 127.0.0.0/8), so that a test can speak
// from many source addresses; nil lets the system choose.
func (l *LTS) ClientFrom(source net.IP) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(l.Cert)
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if source != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: source}
	}
	return &http.Client{
		Timeout: hangBound,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 64,
			DialContext: dialer.DialContext,
		},
	}
}

// IssueLicense signs a license with the test vendor key and imports it.
func (l *LTS) IssueLicense(t testing.TB, lic wire.License) *wire.License {
	t.Helper()
	if lic.Issued.IsZero() {
		lic.Issued = l.Clock.Now()
	}
	if lic.NotBefore.IsZero() {
		lic.NotBefore = l.Clock.Now().Add(-time.Hour)
	}
	if lic.Expires.IsZero() {
		lic.Expires = l.Clock.Now().AddDate(1, 0, 0)
	}
	file, err := wire.IssueLicense(l.Vendor, &lic)
	if err != nil {
		t.Fatal(err)
	}
	parsed, signed, err := wire.ParseLicense(file, []wire.VendorKey{wire.VendorKey(l.Vendor.Public().(ed25519.PublicKey))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Store.ImportLicense(context.Background(), parsed, signed, l.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	return parsed
}

// Handshake creates a handshake code over the given licenses, with a week's
// offline period unless h says otherwise.
func (l *LTS) Handshake(t testing.TB, h lts.Handshake) string {
	t.Helper()
	if h.Code == "" {
		h.Code = lts.NewHandshakeCode()
	}
	if h.OfflinePeriod == 0 {
		h.OfflinePeriod = lts.DefaultOfflinePeriod
	}
	h.Created = l.Clock.Now()
	if err := l.Store.CreateHandshake(context.Background(), &h); err != nil {
		t.Fatal(err)
	}
	return h.Code
}

// Totals returns the all-time scans per symbology counted under a
// handshake code.
func (l *LTS) Totals(code string) (map[string]uint64, error) {
	return lts.Totals(context.Background(), l.Store, code)
}

// ReportCount returns how many usage report ids the store keeps.
func (l *LTS) ReportCount() (int, error) { return lts.ReportCount(context.Background(), l.Store) }

// SetDeviceState applies an operator's action to a device.
func (l *LTS) SetDeviceState(id string, action lts.DeviceAction) error {
	_, err := l.Store.SetDeviceState(context.Background(), id, action, l.Clock.Now())
	return err
}
