package lts_test

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
)

// The tests here replay attacks on the LTS that once worked: each fails on
// the LTS before the fix named in its comment.

// passwordCode starts an LTS with a password-protected handshake code.
func passwordCode(t *testing.T, o ltstest.Options) (*ltstest.LTS, string) {
	l := ltstest.Start(t, o)
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1000})
	return l, l.Handshake(t, lts.Handshake{Licenses: []string{"L"}, Password: quickHash(t, "right")})
}

// quickHash hashes a password with few iterations: the race detector makes
// the real work factor take seconds, and these tests are about counting.
func quickHash(t *testing.T, password string) *lts.PasswordHash {
	salt := []byte("0123456789abcdef")
	h, err := pbkdf2.Key(sha256.New, password, salt, 1000, 32)
	if err != nil {
		t.Fatal(err)
	}
	return &lts.PasswordHash{Salt: salt, Iterations: 1000, Hash: h}
}

// source returns the loopback address 127.1.x.y for i.
func source(i int) net.IP { return net.IPv4(127, 1, byte(i>>8), byte(i)) }

// TestConcurrentGuessesAreCheckedAtMostMaxTimes: 100 wrong passwords at once
// from 100 addresses and devices get no more than PasswordAttempts checks.
// (The check used to come before the slow hash and the failure after it:
// 55 of 300 were checked.)
func TestConcurrentGuessesAreCheckedAtMostMaxTimes(t *testing.T) {
	const guesses, limit = 100, 5
	withStores(t, ltstest.Options{PasswordAttempts: limit}, 2, func(t *testing.T, ls []*ltstest.LTS) {
		l := ls[0]
		l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1000})
		code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}, Password: quickHash(t, "right")})
		var mu sync.Mutex
		got := map[wire.Code]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < guesses; i++ {
			r := ls[i%len(ls)]
			d := newDevice(r, connectedClient(t, r, source(i)), code)
			d.pass = fmt.Sprint("guess-", i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := d.authorize()
				mu.Lock()
				defer mu.Unlock()
				for _, c := range []wire.Code{wire.CodeWrongPassword, wire.CodeRateLimited} {
					if isCode(err, c) {
						got[c]++
						return
					}
				}
				t.Errorf("guess: %v", err)
			}()
		}
		close(start)
		wg.Wait()
		if got[wire.CodeWrongPassword] != limit || got[wire.CodeRateLimited] != guesses-limit {
			t.Fatalf("%d guesses checked, %d refused; want %d and %d", got[wire.CodeWrongPassword], got[wire.CodeRateLimited], limit, guesses-limit)
		}
		// The right password from a new address is refused too, on every
		// replica, until the window has passed.
		for _, r := range ls {
			d := newDevice(r, r.ClientFrom(source(guesses)), code)
			d.pass = "right"
			if _, err := d.authorize(); !isCode(err, wire.CodeRateLimited) {
				t.Fatalf("right password after the guesses: %v", err)
			}
		}
		l.Clock.Advance(lts.DefaultPasswordWindow)
		d := newDevice(l, l.ClientFrom(source(guesses)), code)
		d.pass = "right"
		mustAuthorize(t, d)
	})
}

// connectedClient returns a client from source with its TLS connection
// to l already made and no time limit of its own, so that a test sending
// many requests at once depends on no timer: a hundred TLS handshakes at
// once on a loaded machine can outlast the server's handshake timeout, and
// a hundred guesses queued on one key the client's timeout (the test's
// -timeout still bounds it).
func connectedClient(t *testing.T, l *ltstest.LTS, source net.IP) *http.Client {
	t.Helper()
	c := l.ClientFrom(source)
	c.Timeout = 0
	resp, err := c.Get(l.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return c
}

// TestOneAddressFleetAuthorizesAtOnce: many devices behind one address
// (a NAT) authorizing at the same moment, with a session password, all get
// through: their checks queue per address and code, and no store
// connection pool runs dry while they wait.
func TestOneAddressFleetAuthorizesAtOnce(t *testing.T) {
	withStores(t, ltstest.Options{}, 2, func(t *testing.T, ls []*ltstest.LTS) {
		const devices = 40
		l := ls[0]
		l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: devices})
		code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}, Password: quickHash(t, "pw")})
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < devices; i++ {
			r := ls[i%len(ls)]
			d := newDevice(r, connectedClient(t, r, nil), code)
			d.pass = "pw"
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := d.authorize(); err != nil {
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
	})
}

// TestLimiterFailsClosedWhenFull: once as many addresses have failures as
// the limiter tracks, guesses from a new address are refused, not let
// through. (A full limiter used to stop tracking new keys: after 17,000
// addresses filled it, 199 wrong guesses and then the right one went
// through.)
func TestLimiterFailsClosedWhenFull(t *testing.T) {
	const capacity = 30
	l, code := passwordCode(t, ltstest.Options{AttemptCapacity: capacity})
	for i := 0; i < capacity; i++ {
		d := newDevice(l, l.ClientFrom(source(i)), "NO-SUCH-CODE")
		if _, err := d.authorize(); !isCode(err, wire.CodeUnknownCode) {
			t.Fatalf("filling with address %d: %v", i, err)
		}
	}
	attacker := newDevice(l, l.ClientFrom(source(capacity)), code)
	for i := 0; i < 20; i++ {
		attacker.pass = fmt.Sprint("guess-", i)
		if _, err := attacker.authorize(); !isCode(err, wire.CodeRateLimited) {
			t.Fatalf("guess %d from a new address with the limiter full: %v", i, err)
		}
	}
	attacker.pass = "right"
	if _, err := attacker.authorize(); !isCode(err, wire.CodeRateLimited) {
		t.Fatalf("right password with the limiter full: %v", err)
	}
	// A device whose address is tracked already still gets its turn.
	known := newDevice(l, l.ClientFrom(source(3)), code)
	known.pass = "right"
	mustAuthorize(t, known)
}

// TestGuessesAreLimitedPerCodeAndPer64: rotating device UUIDs and addresses
// does not get more guesses at a code's password, and an IPv6 /64 is one
// address. (Attempts used to be counted per device UUID, which the guesser
// chooses, and per single address.)
func TestGuessesAreLimitedPerCodeAndPer64(t *testing.T) {
	l, code := passwordCode(t, ltstest.Options{PasswordAttempts: 3})
	for i := 0; i < 3; i++ {
		d := newDevice(l, l.ClientFrom(source(i)), code)
		d.pass = "wrong"
		if _, err := d.authorize(); !isCode(err, wire.CodeWrongPassword) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	d := newDevice(l, l.ClientFrom(source(9)), code)
	d.pass = "right"
	if _, err := d.authorize(); !isCode(err, wire.CodeRateLimited) {
		t.Fatalf("fourth guess from a fourth address and device: %v", err)
	}
	for _, tt := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
	} {
		if ka, kb := lts.AddressKey(netip.MustParseAddr(tt.a)), lts.AddressKey(netip.MustParseAddr(tt.b)); ka != kb {
			t.Errorf("%s and %s have keys %s and %s", tt.a, tt.b, ka, kb)
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:3::1"},
		{"192.0.2.1", "192.0.2.2"},
	} {
		if ka, kb := lts.AddressKey(netip.MustParseAddr(tt.a)), lts.AddressKey(netip.MustParseAddr(tt.b)); ka == kb {
			t.Errorf("%s and %s share the key %s", tt.a, tt.b, ka)
		}
	}
}

// TestUsageTotalsNeverWrap: a report of nearly 2^64 scans is refused and a
// used-up quota stays used up. (Totals used to wrap: such a report reset
// the quota to 0.)
func TestUsageTotalsNeverWrap(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodMonth})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	d := newDevice(l, l.Client(), code)
	mustAuthorize(t, d)
	if _, err := d.report("used-up", map[string]uint64{"QR_CODE": 1000}); err != nil {
		t.Fatal(err)
	}
	_, err := d.report("wrap", map[string]uint64{"QR_CODE": 18446744073709550606})
	if !isCode(err, wire.CodeBadRequest) {
		t.Fatalf("absurd report: %v", err)
	}
	if _, err := d.authorize(); !isCode(err, wire.CodeScanQuota) {
		t.Fatalf("authorize after the absurd report: %v", err)
	}
	if got, _ := l.Totals(code); got["QR_CODE"] != 1000 {
		t.Fatalf("totals %v", got)
	}
}

// TestReplayedAuthorizeIsRefused: the same sealed authorize request posted
// twice is accepted once. (The nonce was never checked.)
func TestReplayedAuthorizeIsRefused(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 10})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	d := newDevice(l, l.Client(), code)
	body, nonce := d.sealedAuthorize(t)
	if _, err := d.postRaw(wire.PathAuthorize, body, nonce); err != nil {
		t.Fatal(err)
	}
	l.Clock.Advance(time.Minute)
	if _, err := d.postRaw(wire.PathAuthorize, body, nonce); !isCode(err, wire.CodeReplayed) {
		t.Fatalf("replay: %v", err)
	}
	// Once the request is older than the clock skew allows, the skew check
	// refuses it and its nonce may go.
	l.Clock.Advance(lts.DefaultMaxClockSkew)
	if _, err := d.postRaw(wire.PathAuthorize, body, nonce); !isCode(err, wire.CodeClockSkew) {
		t.Fatalf("late replay: %v", err)
	}
}

// TestRequestsFromBeforeRemovalDoNotRegister: after "ltsd device remove",
// neither a replayed request nor one the device made before the removal
// (held back by whoever caught it) registers the device again; the
// device's next request does. (A saved envelope used to register the
// removed device again.)
func TestRequestsFromBeforeRemovalDoNotRegister(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 10})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	d := newDevice(l, l.Client(), code)
	sent, sentNonce := d.sealedAuthorize(t)
	if _, err := d.postRaw(wire.PathAuthorize, sent, sentNonce); err != nil {
		t.Fatal(err)
	}
	l.Clock.Advance(10 * time.Minute)
	held, heldNonce := d.sealedAuthorize(t)
	l.Clock.Advance(time.Minute)
	if err := l.SetDeviceState(d.id, lts.DeviceRemove); err != nil {
		t.Fatal(err)
	}
	l.Clock.Advance(time.Second)
	for name, r := range map[string][2][]byte{"replayed": {sent, sentNonce}, "held back": {held, heldNonce}} {
		if _, err := d.postRaw(wire.PathAuthorize, r[0], r[1]); !isCode(err, wire.CodeReplayed) {
			t.Errorf("%s request after removal: %v", name, err)
		}
	}
	if devs, _ := l.Store.Devices(ctx, code); len(devs) != 1 || !devs[0].Removed {
		t.Fatalf("device re-registered: %+v", devs)
	}
	mustAuthorize(t, d)
	if devs, _ := l.Store.Devices(ctx, code); devs[0].Removed {
		t.Fatalf("device's new request did not register it: %+v", devs)
	}
}

// TestNewKeyUnderARegisteredUUIDNeedsAFreeSlot: a request with a registered
// device UUID and another key is a new device for the device quota. (The
// stored key used to be overwritten: copying a UUID got a second device
// past a full quota.)
func TestNewKeyUnderARegisteredUUIDNeedsAFreeSlot(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	owner := newDevice(l, l.Client(), code)
	mustAuthorize(t, owner)
	clone := newDevice(l, l.Client(), code)
	clone.id = owner.id
	if _, err := clone.authorize(); !isCode(err, wire.CodeDeviceQuota) {
		t.Fatalf("clone with a full quota: %v", err)
	}
	if _, err := owner.report("r1", map[string]uint64{"QR_CODE": 1}); err != nil {
		t.Fatalf("owner's key was replaced: %v", err)
	}
	// With a slot free (the device removed, or a license added) the new key
	// is taken: a device that lost its state comes back.
	if err := l.SetDeviceState(owner.id, lts.DeviceRemove); err != nil {
		t.Fatal(err)
	}
	l.Clock.Advance(time.Second)
	mustAuthorize(t, clone)
	if _, err := owner.report("r2", map[string]uint64{"QR_CODE": 1}); !isCode(err, wire.CodeNotAuthorized) {
		t.Fatalf("report with the old key: %v", err)
	}
}
