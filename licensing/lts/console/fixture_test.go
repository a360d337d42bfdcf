package console_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/console"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
)

// now is the fixture's clock: late in a month, so that a month of days
// has usage.
var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Accounts of the fixture; their passwords are the names repeated.
const (
	adminName    = "ann@example.com"
	readOnlyName = "rob"
)

func password(name string) string { return name + "-" + name + "-pw" }

// fixture is a real LTS (TLS on loopback, a bbolt file) with customers,
// devices and a month of usage, and the console over the same store on a
// TLS listener of its own, as ltsd serves it on its admin listener.
type fixture struct {
	lts      *ltstest.LTS
	console  *console.Console
	srv      *httptest.Server
	url      string // of the console's pages: https://127.0.0.1:PORT/console/
	acme     string // handshake codes
	globex   string
	devices  []*ltstest.Device // of acme; devices[0] is silent
	gdevices []*ltstest.Device // of globex
	hooks    chan console.AlertEvent
	log      *syncbuf.Buffer // the console's log
}

// quick password costs for tests: the console reads them from the hash.
var quick = console.PasswordParams{Memory: 64, Time: 1, Threads: 1}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := ltstest.NewClock(now.AddDate(0, 0, -12)) // Nov 8
	l := ltstest.Start(t, ltstest.Options{Clock: clock})
	f := &fixture{lts: l, hooks: make(chan console.AlertEvent, 64), log: &syncbuf.Buffer{}}
	l.IssueLicense(t, wire.License{ID: "ACME-SCANS", Customer: "Acme Logistics", Type: wire.LicensePerScan, ScansPerPeriod: 7_000, Period: wire.PeriodMonth,
		Expires: now.AddDate(1, 0, 0)})
	l.IssueLicense(t, wire.License{ID: "ACME-DEVICES", Customer: "Acme Logistics", Type: wire.LicensePerDevice, MaxDevices: 10,
		Expires: now.AddDate(0, 0, 20)})
	l.IssueLicense(t, wire.License{ID: "GLOBEX", Customer: "Globex", Type: wire.LicensePerDevice, MaxDevices: 3, Expires: now.AddDate(0, 6, 0)})
	l.IssueLicense(t, wire.License{ID: "INITECH", Customer: "Initech", Type: wire.LicensePerDevice, MaxDevices: 5, Expires: now.AddDate(0, 9, 0)})
	f.acme = l.Handshake(t, lts.Handshake{Licenses: []string{"ACME-SCANS", "ACME-DEVICES"}})
	f.globex = l.Handshake(t, lts.Handshake{Licenses: []string{"GLOBEX"}})

	// One Acme device last seen on Nov 8: silent by Nov 20 (offline
	// period seven days).
	for i := range 5 {
		d := l.NewDevice(f.acme)
		f.devices = append(f.devices, d)
		if i == 0 {
			must(t, d.Authorize())
			must(t, d.Report("early", clock.Now(), map[string]uint64{"QR_CODE": 40}))
			clock.Set(now)
		}
	}
	for _, d := range f.devices[1:] {
		must(t, d.Authorize())
	}
	for range 3 {
		d := l.NewDevice(f.globex)
		must(t, d.Authorize())
		f.gdevices = append(f.gdevices, d)
	}
	// Acme's November: 5,740 scans of 7,000 (82 %: an 80 % alert).
	syms := []string{"QR_CODE", "EAN_13", "CODE_128", "DATA_MATRIX"}
	var total uint64 = 40
	type sent struct {
		d      *ltstest.Device
		id     string
		slot   time.Time
		counts map[string]uint64
	}
	var reports []sent
	for day := 1; day <= 20; day++ {
		for i, d := range f.devices[1:] {
			counts := map[string]uint64{}
			for j, s := range syms {
				counts[s] = uint64((day*7+i*13+j*29)%23 + 4*(3-j))
			}
			if day == 20 && i == 3 {
				counts["QR_CODE"] += acmeScans - total - sum(counts)
			}
			reports = append(reports, sent{d, fmt.Sprintf("nov-%d", day), time.Date(2026, 11, day, 10, 0, 0, 0, time.UTC), counts})
			total += sum(counts)
		}
	}
	// Sent at once, as a fleet would: the LTS counts them in few batches.
	errs := make(chan error, len(reports))
	for _, r := range reports {
		go func() { errs <- r.d.Report(r.id, r.slot, r.counts) }()
	}
	for range reports {
		must(t, <-errs)
	}
	if total != acmeScans {
		t.Fatalf("fixture: acme scanned %d, want %d", total, acmeScans)
	}
	// Globex scanned in October only.
	must(t, f.gdevices[0].Report("oct", time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC), map[string]uint64{"EAN_13": 321}))

	for _, a := range []struct {
		name string
		role lts.Role
	}{{adminName, lts.RoleAdmin}, {readOnlyName, lts.RoleReadOnly}} {
		h, err := console.HashPassword(password(a.name), quick)
		must(t, err)
		must(t, l.Store.CreateAccount(context.Background(), &lts.Account{Name: a.name, Role: a.role, PasswordHash: h, Created: now, PasswordChanged: now}))
	}

	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev console.AlertEvent
		if err := json.NewDecoder(r.Body).Decode(&ev); err == nil {
			f.hooks <- ev
		}
	}))
	t.Cleanup(hook.Close)
	c, err := console.New(console.Options{Store: l.Store, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(f.log, nil)), VendorKeys: []wire.VendorKey{wire.VendorKey(l.Vendor.Public().(ed25519.PublicKey))},
		Alerts: console.AlertOptions{WebhookURL: hook.URL, WebhookSecret: []byte("hook-secret")}})
	must(t, err)
	f.console = c
	f.srv = httptest.NewUnstartedServer(c.Handler())
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	f.url = f.srv.URL + console.Prefix
	return f
}

// acmeScans is Acme's November usage.
const acmeScans = 5_740

func sum(m map[string]uint64) uint64 {
	var n uint64
	for _, v := range m {
		n += v
	}
	return n
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// client is an HTTP client with a cookie jar that trusts the console's
// test certificate.
func (f *fixture) client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := f.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// signIn signs the client in and returns the form token of its session.
func (f *fixture) signIn(t testing.TB, c *http.Client, name string) {
	t.Helper()
	resp, err := c.PostForm(f.url+"sign-in", url.Values{"name": {name}, "password": {password(name)}})
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %s", name, resp.Status)
	}
}
