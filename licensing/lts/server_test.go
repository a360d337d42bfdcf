package lts_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
	"github.com/scannerd/scannerd/licensing/wire"
)

func isCode(err error, c wire.Code) bool { return errors.Is(err, &wire.Error{Code: c}) }

var ctx = context.Background()

func TestAuthorizeGrantsWhatTheLicenseSays(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L1", Type: wire.LicensePerDevice, MaxDevices: 3, Symbologies: []string{"QR_CODE", "EAN_13"}})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L1"}, OfflinePeriod: 3 * 24 * time.Hour})
	d := newDevice(l, l.Client(), code)
	a := mustAuthorize(t, d)
	if !a.Expires.Equal(l.Clock.Now().Add(3*24*time.Hour)) || a.HandshakeCode != code || len(a.Licenses) != 1 {
		t.Errorf("authorization %+v", a)
	}
	if got := a.Symbologies; len(got) != 2 || got[0] != "EAN_13" || got[1] != "QR_CODE" {
		t.Errorf("symbologies %v", got)
	}
	devs, err := l.Store.Devices(ctx, code)
	if err != nil || len(devs) != 1 || devs[0].ID != d.id || !devs[0].FirstSeen.Equal(l.Clock.Now()) {
		t.Fatalf("devices %+v, %v", devs, err)
	}
	l.Clock.Advance(time.Hour)
	mustAuthorize(t, d)
	devs, _ = l.Store.Devices(ctx, code)
	if len(devs) != 1 || !devs[0].LastSeen.Equal(l.Clock.Now()) || devs[0].FirstSeen.Equal(devs[0].LastSeen) {
		t.Fatalf("after second authorization: %+v", devs)
	}
}

// TestAuthorizeGrantsTheLicensesFeatures: the authorization carries the
// features of the code's licenses valid now (any of them grants), and
// none when no license grants one, so that the member is absent.
func TestAuthorizeGrantsTheLicensesFeatures(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	now := l.Clock.Now()
	l.IssueLicense(t, wire.License{ID: "plain", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodMonth})
	l.IssueLicense(t, wire.License{ID: "uploads", Type: wire.LicensePerDevice, MaxDevices: 5, Features: []string{wire.FeatureUnmeteredUploads}})
	l.IssueLicense(t, wire.License{ID: "lapsed", Type: wire.LicensePerDevice, MaxDevices: 5, Features: []string{"lapsed_feature"},
		NotBefore: now.AddDate(-1, 0, 0), Expires: now.Add(-time.Hour)})
	l.IssueLicense(t, wire.License{ID: "plain2", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodMonth})
	granting := l.Handshake(t, lts.Handshake{Licenses: []string{"plain", "uploads", "lapsed"}})
	plain := l.Handshake(t, lts.Handshake{Licenses: []string{"plain2"}})
	if a := mustAuthorize(t, newDevice(l, l.Client(), granting)); len(a.Features) != 1 || !a.Grants(wire.FeatureUnmeteredUploads) {
		t.Errorf("features %v, want those of the valid licenses: [%s]", a.Features, wire.FeatureUnmeteredUploads)
	}
	if a := mustAuthorize(t, newDevice(l, l.Client(), plain)); a.Features != nil {
		t.Errorf("features %v from a license that grants none", a.Features)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{PasswordAttempts: 100})
	client := l.Client()
	now := l.Clock.Now()
	l.IssueLicense(t, wire.License{ID: "ok", Type: wire.LicensePerDevice, MaxDevices: 100})
	l.IssueLicense(t, wire.License{ID: "old", Type: wire.LicensePerDevice, MaxDevices: 100, NotBefore: now.AddDate(-1, 0, 0), Expires: now.Add(-time.Hour)})
	l.IssueLicense(t, wire.License{ID: "one", Type: wire.LicensePerDevice, MaxDevices: 1})
	l.IssueLicense(t, wire.License{ID: "scan", Type: wire.LicensePerScan, ScansPerPeriod: 10, Period: wire.PeriodMonth})
	open := l.Handshake(t, lts.Handshake{Code: "OPEN", Licenses: []string{"ok"}, Password: quickHash(t, "s3cret"),
		Domains: []string{"plant.example.com"}, Networks: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	expired := l.Handshake(t, lts.Handshake{Code: "EXPIRED", Licenses: []string{"old"}})
	single := l.Handshake(t, lts.Handshake{Code: "SINGLE", Licenses: []string{"one"}})
	scans := l.Handshake(t, lts.Handshake{Code: "SCANS", Licenses: []string{"scan"}})
	mustAuthorize(t, newDevice(l, client, single))
	revoked := newDevice(l, client, open)
	revoked.pass, revoked.domain = "s3cret", "plant.example.com"
	mustAuthorize(t, revoked)
	if err := l.SetDeviceState(revoked.id, lts.DeviceRevoke); err != nil {
		t.Fatal(err)
	}
	heavy := newDevice(l, client, scans)
	mustAuthorize(t, heavy)
	if _, err := heavy.report("all", map[string]uint64{"QR_CODE": 10}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		code   string
		pass   string
		domain string
		dev    *device
		skew   time.Duration
		want   wire.Code
	}{
		{name: "wrong handshake code", code: "NOPE", want: wire.CodeUnknownCode},
		{name: "no password", code: open, domain: "plant.example.com", want: wire.CodeWrongPassword},
		{name: "wrong password", code: open, pass: "guess", domain: "plant.example.com", want: wire.CodeWrongPassword},
		{name: "unbound domain", code: open, pass: "s3cret", domain: "evil.example.org", want: wire.CodeDomain},
		{name: "suffix is not a subdomain", code: open, pass: "s3cret", domain: "badplant.example.com", want: wire.CodeDomain},
		{name: "expired license", code: expired, want: wire.CodeExpired},
		{name: "device quota", code: single, want: wire.CodeDeviceQuota},
		{name: "scan quota", code: scans, want: wire.CodeScanQuota},
		{name: "revoked device", dev: revoked, want: wire.CodeRevoked},
		{name: "clock skew", code: open, pass: "s3cret", domain: "plant.example.com", skew: 2 * time.Hour, want: wire.CodeClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.dev
			if d == nil {
				d = newDevice(l, client, tt.code)
				d.pass, d.domain = tt.pass, tt.domain
			}
			req := d.authorizeRequest()
			req.Time = req.Time.Add(tt.skew)
			_, err := d.post(wire.PathAuthorize, req, req.Nonce)
			if !isCode(err, tt.want) {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
	t.Run("subdomain allowed", func(t *testing.T) {
		d := newDevice(l, client, open)
		d.pass, d.domain = "s3cret", "line4.PLANT.example.com."
		mustAuthorize(t, d)
	})
	t.Run("tampered seal", func(t *testing.T) {
		d := newDevice(l, client, open)
		req := d.authorizeRequest()
		body, _ := wire.SealRequest(l.Key, d.id, req)
		var env wire.Envelope
		json.Unmarshal(body, &env)
		env.Sealed[40] ^= 0x80
		body, _ = json.Marshal(&env)
		if _, err := d.postRaw(wire.PathAuthorize, body, req.Nonce); !isCode(err, wire.CodeBadSeal) {
			t.Fatalf("got %v, want %s", err, wire.CodeBadSeal)
		}
	})
	t.Run("sealed to another LTS", func(t *testing.T) {
		other, _ := wire.GenerateLTSKey()
		d := newDevice(l, client, open)
		req := d.authorizeRequest()
		body, _ := wire.SealRequest(other.Public(), d.id, req)
		if _, err := d.postRaw(wire.PathAuthorize, body, req.Nonce); !isCode(err, wire.CodeBadSeal) {
			t.Fatalf("got %v, want %s", err, wire.CodeBadSeal)
		}
	})
	t.Run("usage from an unregistered device", func(t *testing.T) {
		d := newDevice(l, client, open)
		if _, err := d.report("x", map[string]uint64{"QR_CODE": 1}); !isCode(err, wire.CodeNotAuthorized) {
			t.Fatalf("got %v, want %s", err, wire.CodeNotAuthorized)
		}
	})
}

func TestWrongPasswordsAreRateLimited(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{PasswordAttempts: 3})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 10})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}, Password: quickHash(t, "right")})
	client := l.Client()
	d := newDevice(l, client, code)
	for i := 0; i < 3; i++ {
		d.pass = "wrong"
		if _, err := d.authorize(); !isCode(err, wire.CodeWrongPassword) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	d.pass = "right"
	if _, err := d.authorize(); !isCode(err, wire.CodeRateLimited) {
		t.Fatalf("after 3 failures, device: %v", err)
	}
	// The source address is blocked too: another device from it.
	other := newDevice(l, client, code)
	other.pass = "right"
	if _, err := other.authorize(); !isCode(err, wire.CodeRateLimited) {
		t.Fatalf("after 3 failures, address: %v", err)
	}
	l.Clock.Advance(lts.DefaultPasswordWindow)
	mustAuthorize(t, d)
}

// withStores runs fn on an LTS of replicas servers over each store: bbolt
// (the servers share one Store value, as only one process can open the
// file) and PostgreSQL (each server its own pgstore on one database, as
// ltsd replicas run).
func withStores(t *testing.T, o ltstest.Options, replicas int, fn func(t *testing.T, ls []*ltstest.LTS)) {
	t.Run("bolt", func(t *testing.T) {
		ls := []*ltstest.LTS{ltstest.Start(t, o)}
		for len(ls) < replicas {
			ls = append(ls, ls[0].Replica(t, nil))
		}
		fn(t, ls)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Database(t)
		open := func() lts.Store {
			st, err := pgstore.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		po := o
		po.Store = open()
		ls := []*ltstest.LTS{ltstest.Start(t, po)}
		for len(ls) < replicas {
			ls = append(ls, ls[0].Replica(t, open()))
		}
		fn(t, ls)
	})
}

func TestDeviceQuotaExactUnderConcurrency(t *testing.T) {
	withStores(t, ltstest.Options{}, 2, func(t *testing.T, ls []*ltstest.LTS) {
		const goroutines, devices, limit = 8, 64, 10
		l := ls[0]
		l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: limit})
		code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
		work := make(chan *device, devices)
		for i := 0; i < devices; i++ {
			r := ls[i%len(ls)]
			work <- newDevice(r, r.Client(), code)
		}
		close(work)
		var ok, quota, other atomic.Int32
		var wg sync.WaitGroup
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range work {
					_, err := d.authorize()
					switch {
					case err == nil:
						ok.Add(1)
					case isCode(err, wire.CodeDeviceQuota):
						quota.Add(1)
					default:
						t.Error(err)
						other.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if ok.Load() != limit || quota.Load() != devices-limit {
			t.Fatalf("%d authorized, %d refused for quota, %d other; want %d and %d", ok.Load(), quota.Load(), other.Load(), limit, devices-limit)
		}
		devs, _ := l.Store.Devices(ctx, code)
		if len(devs) != limit {
			t.Fatalf("%d devices registered, want %d", len(devs), limit)
		}
	})
}

func TestInactiveAndRemovedDevicesFreeTheirSlots(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	now := l.Clock.Now()
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1, InactivityDays: 30, Expires: now.AddDate(3, 0, 0)})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	client := l.Client()
	a, b, c := newDevice(l, client, code), newDevice(l, client, code), newDevice(l, client, code)
	mustAuthorize(t, a)
	l.Clock.Advance(29 * 24 * time.Hour)
	if _, err := b.authorize(); !isCode(err, wire.CodeDeviceQuota) {
		t.Fatalf("29 days: %v", err)
	}
	l.Clock.Advance(24 * time.Hour)
	mustAuthorize(t, b) // a is inactive now
	if _, err := a.authorize(); !isCode(err, wire.CodeDeviceQuota) {
		t.Fatalf("a came back while b holds the slot: %v", err)
	}
	if err := l.SetDeviceState(b.id, lts.DeviceRemove); err != nil {
		t.Fatal(err)
	}
	mustAuthorize(t, c)
	devs, _ := l.Store.Devices(ctx, code)
	if len(devs) != 3 {
		t.Fatalf("devices %+v", devs)
	}
}

func TestScanQuotaPeriodsDoNotRollOver(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodDay})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}, GracePercent: 10})
	d := newDevice(l, l.Client(), code)
	mustAuthorize(t, d)
	ack, err := d.report("a", map[string]uint64{"QR_CODE": 109})
	if err != nil || ack.Quota.Limit != 110 || ack.Quota.Used != 109 || ack.Quota.Exhausted {
		t.Fatalf("109 of 100+10%%: %+v, %v", ack, err)
	}
	mustAuthorize(t, d) // within grace
	ack, _ = d.report("b", map[string]uint64{"EAN_13": 1})
	if !ack.Quota.Exhausted {
		t.Fatalf("110 of 110 not exhausted: %+v", ack.Quota)
	}
	if _, err := d.authorize(); !isCode(err, wire.CodeScanQuota) {
		t.Fatalf("over quota: %v", err)
	}
	// Next day: a fresh 100 (+10%), no roll-over of anything.
	l.Clock.Set(l.Clock.Now().Truncate(24 * time.Hour).Add(24*time.Hour + time.Minute))
	a := mustAuthorize(t, d)
	if a.Quota.Used != 0 || a.Quota.Limit != 110 {
		t.Fatalf("next day quota %+v", a.Quota)
	}
	// Reports over quota are still counted: usage is never dropped.
	ack, _ = d.report("c", map[string]uint64{"QR_CODE": 500})
	if ack.Quota.Used != 500 || !ack.Quota.Exhausted {
		t.Fatalf("over-quota report: %+v", ack.Quota)
	}
}

func TestRenewalKeepsTheHandshakeCode(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	now := l.Clock.Now()
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 2, Expires: now.AddDate(0, 0, 10)})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	d := newDevice(l, l.Client(), code)
	a := mustAuthorize(t, d)
	if !a.Expires.Equal(now.AddDate(0, 0, 7)) {
		t.Fatalf("expires %v", a.Expires)
	}
	l.Clock.Advance(11 * 24 * time.Hour)
	if _, err := d.authorize(); !isCode(err, wire.CodeExpired) {
		t.Fatalf("after expiry: %v", err)
	}
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 5, NotBefore: now, Expires: now.AddDate(1, 0, 0)})
	mustAuthorize(t, d)
	// An older issue does not replace the newer one.
	file, _ := wire.IssueLicense(l.Vendor, &wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1, Issued: now.AddDate(0, 0, -1), NotBefore: now, Expires: now.AddDate(2, 0, 0)})
	lic, signed, _ := wire.ParseLicense(file, []wire.VendorKey{wire.VendorKey(l.Vendor.Public().(ed25519.PublicKey))})
	if _, err := l.Store.ImportLicense(ctx, lic, signed, now); !errors.Is(err, lts.ErrLicenseOlder) {
		t.Fatalf("older import: %v", err)
	}
}

func TestUsageExactUnderConcurrency(t *testing.T) {
	const reports = 300
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	client := l.Client()
	devs := make([]*device, 10)
	for i := range devs {
		devs[i] = newDevice(l, client, code)
		mustAuthorize(t, devs[i])
	}
	syms := []string{"QR_CODE", "EAN_13", "CODE_128", "DATA_MATRIX"}
	want := map[string]uint64{}
	type job struct {
		i   int
		dup bool
	}
	jobs := make(chan job, 2*reports)
	for i := 0; i < reports; i++ {
		want[syms[i%len(syms)]] += uint64(i%5 + 1)
		jobs <- job{i, false}
		if i%2 == 0 {
			jobs <- job{i, true}
		}
	}
	close(jobs)
	var dups atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				d := devs[j.i%len(devs)]
				ack, err := d.report(reportID(j.i), map[string]uint64{syms[j.i%len(syms)]: uint64(j.i%5 + 1)})
				if err != nil {
					t.Error(err)
					continue
				}
				if ack.Duplicate {
					dups.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	got, err := l.Totals(code)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if got[s] != want[s] {
			t.Errorf("%s: %d, want %d", s, got[s], want[s])
		}
	}
	if dups.Load() != reports/2 {
		t.Errorf("%d duplicates acknowledged, want %d", dups.Load(), reports/2)
	}
	if n, _ := l.ReportCount(); n != reports {
		t.Errorf("%d reports stored, want %d", n, reports)
	}
}

func TestAdminAPI(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 3})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
	d := newDevice(l, l.Client(), code)
	mustAuthorize(t, d)
	d.report("1", map[string]uint64{"QR_CODE": 7, "EAN_8": 2})
	client := l.Client()
	get := func(path, token string) (int, map[string]json.RawMessage) {
		req, _ := http.NewRequest("GET", l.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]json.RawMessage
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, tok := range []string{"", "wrong"} {
		if code, _ := get("/admin/v1/usage", tok); code != http.StatusUnauthorized {
			t.Errorf("token %q: status %d", tok, code)
		}
	}
	status, out := get("/admin/v1/usage?by=day", l.AdminToken)
	var rows []lts.UsageRow
	json.Unmarshal(out["usage"], &rows)
	if status != 200 || len(rows) != 2 || rows[0].Symbology != "EAN_8" || rows[0].Count != 2 || rows[1].Count != 7 || rows[0].Period != l.Clock.Now().Format("2006-01-02") {
		t.Fatalf("usage %d %s", status, out["usage"])
	}
	status, out = get("/admin/v1/devices", l.AdminToken)
	var devs []lts.Device
	json.Unmarshal(out["devices"], &devs)
	if status != 200 || len(devs) != 1 || devs[0].ID != d.id {
		t.Fatalf("devices %d %s", status, out["devices"])
	}
	// Errors are JSON with a stable code, misses of the router too.
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/admin/v1/usage?by=week", http.StatusBadRequest, "invalid"},
		{"GET", "/admin/v1/usage?handshake=NOPE-NOPE-NOPE", http.StatusNotFound, "not_found"},
		{"GET", "/admin/v1/devices?handshake=NOPE-NOPE-NOPE", http.StatusNotFound, "not_found"},
		{"POST", "/admin/v1/devices/6f1c2d7e-0000-4000-8000-00000000dead/revoke", http.StatusNotFound, "not_found"},
		{"GET", "/admin/v1/nowhere", http.StatusNotFound, "not_found"},
		{"DELETE", "/admin/v1/usage", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"GET", wire.PathAuthorize, http.StatusMethodNotAllowed, "method_not_allowed"},
		{"GET", "/v2/nowhere", http.StatusNotFound, "not_found"},
	} {
		req, _ := http.NewRequest(tc.method, l.URL+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+l.AdminToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		derr := json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || derr != nil || body.Error.Code != tc.code || body.Error.Message == "" ||
			resp.Header.Get("Content-Type") != "application/json" || (tc.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "") {
			t.Errorf("%s %s: %d %s %+v (%v), want %d %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, derr, tc.status, tc.code)
		}
	}
	// The listeners of their own answer their misses as JSON too.
	for name, h := range map[string]http.Handler{"device": l.Server.DeviceHandler(), "admin": l.Server.AdminHandler()} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/nowhere", nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"code": "not_found"`) {
			t.Errorf("%s listener: %d %s", name, rec.Code, rec.Body)
		}
	}
	status, out = get("/admin/v1/handshakes", l.AdminToken)
	if status != 200 || len(out["handshakes"]) == 0 {
		t.Fatalf("handshakes %d", status)
	}
	// On the device listener, /metrics is behind the admin token too.
	for tok, want := range map[string]int{"": http.StatusUnauthorized, l.AdminToken: http.StatusOK} {
		req, _ := http.NewRequest("GET", l.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == http.StatusOK && !strings.Contains(string(body), `ltsd_usage_reports_total{result="counted"} 1`)) {
			t.Errorf("/metrics with token %q: %d\n%.300s", tok, resp.StatusCode, body)
		}
	}
}

// acceptHeader adds the wire.AcceptHeader a current device sends.
type acceptHeader struct{ next http.RoundTripper }

func (a acceptHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(wire.AcceptHeader, wire.AcceptStanding)
	return a.next.RoundTrip(r)
}

// TestUsageAckCarriesStanding: a usage acknowledgement says whether the
// device is revoked, to a device that names the member; a device that does
// not (made before it existed, whose strict decoding would refuse the
// reply) gets the acknowledgement it always had. A revoked device's usage
// is counted either way.
func TestUsageAckCarriesStanding(t *testing.T) {
	withStores(t, ltstest.Options{}, 1, func(t *testing.T, ls []*ltstest.LTS) {
		l := ls[0]
		l.IssueLicense(t, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 5})
		code := l.Handshake(t, lts.Handshake{Licenses: []string{"L"}})
		base := l.Client()
		current := newDevice(l, &http.Client{Transport: acceptHeader{base.Transport}}, code)
		older := newDevice(l, base, code)
		mustAuthorize(t, current)
		mustAuthorize(t, older)
		ack := func(d *device, id string) *wire.UsageAck {
			t.Helper()
			a, err := d.report(id, map[string]uint64{"QR_CODE": 2})
			if err != nil {
				t.Fatalf("report %s: %v", id, err)
			}
			return a
		}
		if a := ack(current, "c1"); a.Standing != wire.StandingActive {
			t.Errorf("standing of an active device: %q", a.Standing)
		}
		if a := ack(older, "o1"); a.Standing != "" {
			t.Errorf("standing sent to a device that did not name it: %q", a.Standing)
		}
		for _, d := range []*device{current, older} {
			if err := l.SetDeviceState(d.id, lts.DeviceRevoke); err != nil {
				t.Fatal(err)
			}
		}
		if a := ack(current, "c2"); a.Standing != wire.StandingRevoked || a.Duplicate {
			t.Errorf("acknowledgement of a revoked device: %+v", a)
		}
		if a := ack(current, "c2"); a.Standing != wire.StandingRevoked || !a.Duplicate {
			t.Errorf("acknowledgement of a revoked device's resent report: %+v", a)
		}
		if a := ack(older, "o2"); a.Standing != "" {
			t.Errorf("standing sent to a device that did not name it: %q", a.Standing)
		}
		if got, err := lts.Totals(ctx, l.Store, code); err != nil || got["QR_CODE"] != 8 {
			t.Fatalf("totals %v, %v: want 8 QR_CODE, revoked devices' usage included", got, err)
		}
		if err := l.SetDeviceState(current.id, lts.DeviceReinstate); err != nil {
			t.Fatal(err)
		}
		if a := ack(current, "c3"); a.Standing != wire.StandingActive {
			t.Errorf("standing of a reinstated device: %q", a.Standing)
		}
	})
}
