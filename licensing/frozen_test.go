package licensing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// frozenLTS is a TLS listener on loopback that accepts connections and never
// answers, not even the TLS handshake: what a device sees of an LTS that was
// stopped (SIGSTOP) or hangs. It counts the connections it accepted.
type frozenLTS struct {
	ln       net.Listener
	accepted chan struct{}
	mu       sync.Mutex
	conns    []net.Conn
}

func startFrozenLTS(t *testing.T) *frozenLTS {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &frozenLTS{ln: tls.NewListener(raw, &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}),
		accepted: make(chan struct{}, 16)}
	go func() {
		for {
			c, err := f.ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns = append(f.conns, c)
			f.mu.Unlock()
			f.accepted <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		f.ln.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.conns {
			c.Close()
		}
	})
	return f
}

func (f *frozenLTS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

// clientOfFrozenLTS returns an open client of an LTS that accepts
// connections and never answers, through the real HTTPS client with a
// request_timeout (400 ms) below the configurable minimum to keep the
// tests short.
func clientOfFrozenLTS(t *testing.T) (*Client, *frozenLTS) {
	t.Helper()
	e := newEnv(t, wire.License{}, lts.Handshake{})
	frozen := startFrozenLTS(t)
	cfg := e.config()
	cfg.LTSURL = "https://" + frozen.ln.Addr().String()
	short := cfg
	short.RequestTimeout = Duration(400 * time.Millisecond)
	hc, err := httpClientFor(&short)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, frozen
}

// A sync asked for while the sync loop's is stuck on a frozen LTS waits for
// that one instead of starting another after it: `scanctl license sync`
// fails within request_timeout, not after the loop's request timed out and
// then its own did too.
func TestSyncFrozenLTSIsBoundedByRequestTimeout(t *testing.T) {
	c, frozen := clientOfFrozenLTS(t)

	first := make(chan error, 1)
	go func() { first <- c.Sync(context.Background()) }()
	<-frozen.accepted // the first sync is stuck in the TLS handshake
	second := c.Sync(context.Background())
	firstErr := <-first
	for _, err := range []error{firstErr, second} {
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("sync against a frozen LTS: %v, want a timeout", err)
		}
	}
	if n := frozen.count(); n != 1 {
		t.Errorf("the frozen LTS was connected to %d times, want 1: the second sync waited for the first and then made its own attempt", n)
	}
}

// A sync that joined one whose caller gave up (its context canceled) does
// not return that caller's cancellation: it makes its own attempt, which
// the frozen LTS times out.
func TestSyncJoiningACanceledSyncTriesItself(t *testing.T) {
	c, frozen := clientOfFrozenLTS(t)
	joined := make(chan struct{}, 1)
	c.onJoin = func() { joined <- struct{}{} }

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { first <- c.Sync(ctx) }()
	<-frozen.accepted // the first sync is stuck in the TLS handshake
	second := make(chan error, 1)
	go func() { second <- c.Sync(context.Background()) }()
	<-joined
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("the canceled sync: %v", err)
	}
	err := <-second
	var ne net.Error
	if errors.Is(err, context.Canceled) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("the sync that joined a canceled one: %v, want its own attempt's timeout", err)
	}
	if n := frozen.count(); n != 2 {
		t.Errorf("the frozen LTS was connected to %d times, want 2", n)
	}
}

// A device the LTS refuses is told what to do about the LTS's reason, not
// the generic advice to check the [license] keys and the network.
func TestRefusedDeviceIsToldTheLTSReason(t *testing.T) {
	e := newEnv(t, wire.License{ID: "ONE", Type: wire.LicensePerDevice, MaxDevices: 1}, lts.Handshake{})
	first := e.open(t, e.config())
	mustSync(t, first)
	cfg := e.config()
	dir := fastTempDir(t)
	cfg.StateDir, cfg.MarkFile, cfg.MachineIDFile = filepath.Join(dir, "state"), filepath.Join(dir, "mark"), filepath.Join(dir, "machine-id")
	os.WriteFile(cfg.MachineIDFile, []byte("fedcba9876543210fedcba9876543210\n"), 0o444)
	second := e.open(t, cfg)
	if err := second.Sync(context.Background()); err == nil {
		t.Fatal("a second device synced past a one-device license")
	}
	st := second.Status()
	if st.State != StateNotAuthorized || !strings.Contains(st.Message, "no free device slot") ||
		!strings.Contains(st.Message, "ltsd device remove") || strings.Contains(st.Message, "lts_url") {
		t.Errorf("device refused for device quota: state %s, message %q", st.State, st.Message)
	}

	cfg.HandshakeCode = "NO-SUCH-CODE"
	os.RemoveAll(dir)
	third := e.open(t, cfg)
	third.Sync(context.Background())
	if st := third.Status(); !strings.Contains(st.Message, "check handshake_code") || strings.Contains(st.Message, "lts_url") {
		t.Errorf("device refused for an unknown handshake code: state %s, message %q", st.State, st.Message)
	}
}
