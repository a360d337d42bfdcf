package licensing

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

const day = 24 * time.Hour

func TestIdentity(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	id := c.Device()
	if u, err := uuid.Parse(id); err != nil || u.Version() != 5 {
		t.Fatalf("device id %q is not a UUIDv5: %v", id, err)
	}
	if id == "01234567-89ab-cdef-0123-456789abcdef" {
		t.Fatal("device id is the raw machine-id")
	}
	key := c.id.Key.Bytes()
	c.Close()
	fi, err := os.Stat(filepath.Join(e.dir, StoreFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file: %v, mode %v", err, fi.Mode())
	}
	c = e.open(t, e.config())
	if c.Device() != id || string(c.id.Key.Bytes()) != string(key) {
		t.Fatal("identity changed across restarts")
	}
	c.Close()

	// No machine-id: a random v4, made once.
	cfg := e.config()
	cfg.StateDir, cfg.MachineIDFile = t.TempDir(), filepath.Join(t.TempDir(), "absent")
	c = e.open(t, cfg)
	rid := c.Device()
	if u, _ := uuid.Parse(rid); u.Version() != 4 {
		t.Fatalf("device id without machine-id %q is not v4", rid)
	}
	c.Close()
	if c = e.open(t, cfg); c.Device() != rid {
		t.Fatal("random identity changed across restarts")
	}
}

func TestEndToEnd(t *testing.T) {
	e := newEnv(t, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 10000, Period: wire.PeriodMonth,
		Symbologies: []string{"QR_CODE", "EAN_13", "CODE_128"}}, lts.Handshake{})
	c := e.open(t, e.config())
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("before authorization: %v", err)
	}
	mustSync(t, c)
	set, err := c.Permit(e.lts.Clock.Now(), "")
	if err != nil || set != scanner.NewSymbologySet(scanner.QRCode, scanner.EAN13, scanner.Code128) {
		t.Fatalf("Permit = %v, %v", set, err)
	}
	count(t, c, scanner.QRCode, 40)
	count(t, c, scanner.EAN13, 7)
	e.lts.Clock.Advance(2 * time.Hour) // a second slot
	count(t, c, scanner.QRCode, 3)
	count(t, c, scanner.Code128, 11)
	st := c.Status()
	if st.PendingScans != 61 || st.Pending["QR_CODE"] != 43 {
		t.Fatalf("pending before sync: %+v", st)
	}
	mustSync(t, c)
	want := map[string]uint64{"QR_CODE": 43, "EAN_13": 7, "CODE_128": 11}
	if got := ltsTotals(t, e); !equalCounts(got, want) {
		t.Fatalf("LTS totals %v, want %v", got, want)
	}
	if dev, _ := c.Totals(); !equalCounts(dev, want) {
		t.Fatalf("device totals %v, want %v", dev, want)
	}
	st = c.Status()
	if st.State != StateAuthorized || st.PendingScans != 0 || st.PendingReports != 0 || st.Device != c.Device() ||
		st.HandshakeCode != e.code || st.Quota == nil || st.Quota.Used != 61 || st.OfflineLeftSeconds != int64((7*day-2*time.Hour)/time.Second) ||
		st.LastSync.IsZero() || len(st.Symbologies) != 3 {
		t.Fatalf("status after sync: %+v", st)
	}
}

// Every symbology the scanner reads is metered under its name, on the
// device and at the LTS: a scan of one that had no count was admitted
// against the lease and reported nowhere.
func TestEverySymbologyIsMetered(t *testing.T) {
	e := newEnv(t, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 10000, Period: wire.PeriodMonth}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	want := map[string]uint64{}
	var total uint64
	for i, s := range scanner.AllSymbologies().All() {
		count(t, c, s, i+1)
		want[s.String()] = uint64(i + 1)
		total += uint64(i + 1)
	}
	if st := c.Status(); st.PendingScans != total || !equalCounts(st.Pending, want) {
		t.Fatalf("pending %d %v, want %d %v", st.PendingScans, st.Pending, total, want)
	}
	mustSync(t, c)
	if got := ltsTotals(t, e); !equalCounts(got, want) {
		t.Fatalf("LTS totals %v, want %v", got, want)
	}
	if dev, _ := c.Totals(); !equalCounts(dev, want) {
		t.Fatalf("device totals %v, want %v", dev, want)
	}
	if st := c.Status(); st.Quota == nil || st.Quota.Used != total {
		t.Fatalf("quota after sync: %+v, want %d used", st.Quota, total)
	}
}

func TestOfflineForDaysThenBack(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	clock := e.lts.Clock
	e.link.down.Store(true)
	want := map[string]uint64{}
	for h := 0; h < 6*24; h += 6 { // 6 days of scanning, syncs failing
		clock.Advance(6 * time.Hour)
		if _, err := c.Permit(clock.Now(), ""); err != nil {
			t.Fatalf("after %dh offline: %v", h+6, err)
		}
		count(t, c, scanner.QRCode, h%7+1)
		count(t, c, scanner.DataMatrix, 2)
		want["QR_CODE"] += uint64(h%7 + 1)
		want["DATA_MATRIX"] += 2
		if err := c.Sync(context.Background()); !errors.Is(err, errLinkDown) {
			t.Fatalf("sync while offline: %v", err)
		}
	}
	if st := c.Status(); st.PendingScans != want["QR_CODE"]+want["DATA_MATRIX"] || st.Pending["DATA_MATRIX"] != want["DATA_MATRIX"] {
		t.Fatalf("status offline: %+v", st)
	}
	e.link.down.Store(false)
	mustSync(t, c)
	if got := ltsTotals(t, e); !equalCounts(got, want) {
		t.Fatalf("after coming back: LTS %v, want %v", got, want)
	}
	mustSync(t, c) // nothing is sent twice
	if got := ltsTotals(t, e); !equalCounts(got, want) {
		t.Fatalf("after second sync: LTS %v, want %v", got, want)
	}

	// Now offline past the 7-day period: decoding stops, then resumes.
	e.link.down.Store(true)
	clock.Advance(8 * day)
	if _, err := c.Permit(clock.Now(), ""); !errors.Is(err, ErrExpired) {
		t.Fatalf("8 days offline: %v", err)
	}
	if st := c.Status(); st.State != StateExpired || st.Message == "" || st.OfflineLeftSeconds != 0 {
		t.Fatalf("status expired: %+v", st)
	}
	e.link.down.Store(false)
	mustSync(t, c)
	if _, err := c.Permit(clock.Now(), ""); err != nil {
		t.Fatalf("after re-authorization: %v", err)
	}
}

// The offline time left in words is rounded down: it never shows more
// time than is left.
func TestOfflineLeftRoundsDown(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	e.link.down.Store(true)
	for _, tc := range []struct {
		left time.Duration
		want string
	}{{3579 * time.Second, "59m0s"}, {59 * time.Second, "59s"}} {
		e.lts.Clock.Advance(c.Status().Expires.Sub(e.lts.Clock.Now()) - tc.left)
		if st := c.Status(); st.OfflineLeftSeconds != int64(tc.left/time.Second) || st.OfflineLeft != tc.want {
			t.Errorf("%v left: offline_left %q (%d s), want %q", tc.left, st.OfflineLeft, st.OfflineLeftSeconds, tc.want)
		}
	}
}

func TestClockSetBackDoesNotExtendOfflinePeriod(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	e.link.down.Store(true)
	clock := e.lts.Clock
	clock.Advance(4 * day)
	c.saveClock()
	clock.Advance(-3 * day) // the clock is set back three days
	c.saveClock()
	clock.Advance(3*day + time.Hour) // 4 real days later: 8 days since authorization
	if _, err := c.Permit(clock.Now(), ""); !errors.Is(err, ErrExpired) {
		t.Fatalf("8 real days with the clock set back: %v", err)
	}
	// The store remembers across a restart.
	c.Close()
	clock.Advance(-5 * day)
	c = e.open(t, e.config())
	if _, err := c.Permit(clock.Now(), ""); !errors.Is(err, ErrExpired) {
		t.Fatalf("after restart with the clock set back: %v", err)
	}
}

func TestRevokedAndOverQuota(t *testing.T) {
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodDay}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	// The device meters up to its lease, a share of the quota, and is
	// granted more as it syncs, until the quota is used up.
	metered := 0
	for i := 0; i < 30; i++ {
		n, _ := c.Record(slices.Repeat([]scanner.Symbology{scanner.QRCode}, 40))
		metered += n
		c.Sync(context.Background())
	}
	if metered != 100 {
		t.Fatalf("metered %d scans of a quota of 100", metered)
	}
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrOverQuota) {
		t.Fatalf("at quota: %v", err)
	}
	if st := c.Status(); st.State != StateOverQuota {
		t.Fatalf("status: %+v", st)
	}
	// The next day brings a fresh quota.
	e.lts.Clock.Advance(day)
	mustSync(t, c)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
		t.Fatalf("next day: %v", err)
	}
	if err := e.lts.SetDeviceState(c.Device(), lts.DeviceRevoke); err != nil {
		t.Fatal(err)
	}
	count(t, c, scanner.EAN13, 3)
	e.lts.Clock.Advance(4 * day) // time to renew
	if err := c.Sync(context.Background()); !errors.Is(err, &wire.Error{Code: wire.CodeRevoked}) {
		t.Fatalf("sync when revoked: %v", err)
	}
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked: %v", err)
	}
	if got := ltsTotals(t, e); got["EAN_13"] != 3 || got["QR_CODE"] != 100 {
		t.Fatalf("usage of a revoked device not reported: %v", got)
	}
	e.lts.SetDeviceState(c.Device(), lts.DeviceReinstate)
	mustSync(t, c)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
		t.Fatalf("reinstated: %v", err)
	}
}

// A revoked device that is reinstated while its quota is used up learns
// at the next sync that it is no longer revoked, only over quota.
func TestReinstatedWhileOverQuota(t *testing.T) {
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodDay}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	for i := 0; i < 30; i++ {
		c.Record(slices.Repeat([]scanner.Symbology{scanner.QRCode}, 40))
		c.Sync(context.Background())
	}
	if err := e.lts.SetDeviceState(c.Device(), lts.DeviceRevoke); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(context.Background()); !errors.Is(err, &wire.Error{Code: wire.CodeRevoked}) {
		t.Fatalf("sync when revoked: %v", err)
	}
	if err := e.lts.SetDeviceState(c.Device(), lts.DeviceReinstate); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(context.Background()); !errors.Is(err, &wire.Error{Code: wire.CodeScanQuota}) {
		t.Fatalf("sync when reinstated at quota: %v", err)
	}
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrOverQuota) {
		t.Fatalf("reinstated at quota: %v", err)
	}
	if st := c.Status(); st.State != StateOverQuota || !strings.Contains(st.Message, "quota") {
		t.Fatalf("status reinstated at quota: %+v", st)
	}
	e.lts.Clock.Advance(day) // a fresh quota
	mustSync(t, c)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestRefusalsAreReported(t *testing.T) {
	hash, _ := lts.HashPassword("right")
	e := newEnv(t, wire.License{}, lts.Handshake{Password: hash})
	cfg := e.config()
	cfg.Password = "wrong"
	c := e.open(t, cfg)
	err := c.Sync(context.Background())
	if !errors.Is(err, &wire.Error{Code: wire.CodeWrongPassword}) {
		t.Fatalf("sync: %v", err)
	}
	st := c.Status()
	if st.State != StateNotAuthorized || st.LastSyncError == "" || st.LTSMessage == "" {
		t.Fatalf("status: %+v", st)
	}
	c.Close()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("right\n"), 0o600)
	cfg.Password, cfg.PasswordFile = "", pw
	c = e.open(t, cfg)
	mustSync(t, c)
}

func TestReplyFromAnotherRequestIsRefused(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	// A relay that answers every request with a recorded reply.
	var recorded []byte
	e.link.onReply = nil
	c.http = &http.Client{Transport: replayer{&recorded, e.link}}
	count(t, c, scanner.QRCode, 1)
	mustSync(t, c)
	count(t, c, scanner.QRCode, 1)
	if err := c.Sync(context.Background()); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed reply: %v", err)
	}
	if st := c.Status(); st.PendingReports != 1 {
		t.Fatalf("report was dropped on a replayed ack: %+v", st)
	}
}

func TestCorruptStoreIsMovedAside(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	os.MkdirAll(e.dir, 0o700)
	junk := make([]byte, 64<<10)
	for i := range junk {
		junk[i] = byte(i * 7)
	}
	os.WriteFile(filepath.Join(e.dir, StoreFile), junk, 0o600)
	c := e.open(t, e.config())
	st := c.Status()
	if st.StoreRecovered == "" {
		t.Fatal("corrupt store not reported")
	}
	aside, _ := filepath.Glob(filepath.Join(e.dir, StoreFile+".corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("moved-aside files: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != string(junk) {
		t.Fatal("the corrupt store was altered")
	}
	mustSync(t, c) // and the new store works
}

func TestOfflineLicense(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	// Learn the device UUID the machine-id gives.
	probe := e.open(t, e.config())
	device := probe.Device()
	probe.Close()
	now := e.lts.Clock.Now()
	vendor := wire.VendorKey(e.lts.Vendor.Public().(ed25519.PublicKey))
	write := func(l wire.License) string {
		file, err := wire.IssueLicense(e.lts.Vendor, &l)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "offline.lic")
		os.WriteFile(p, file, 0o644)
		return p
	}
	base := wire.License{ID: "OFF", Type: wire.LicensePerDevice, MaxDevices: 1, Issued: now, NotBefore: now.Add(-time.Hour),
		Expires: now.Add(30 * day), Symbologies: []string{"QR_CODE"}}
	bound := base
	bound.Devices = []string{device}
	other := base
	other.Devices = []string{uuid.NewString()}
	tests := []struct {
		name    string
		file    string
		advance time.Duration
		want    error
	}{
		{"bound", write(bound), 0, nil},
		{"bound, after expiry", write(bound), 31 * day, ErrExpired},
		{"another device", write(other), 0, ErrNotAuthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.link.down.Store(true) // no LTS contact at all
			t.Cleanup(func() { e.link.down.Store(false) })
			e.lts.Clock.Set(now)
			cfg := Config{StateDir: t.TempDir(), MachineIDFile: e.mid, OfflineLicense: tt.file, VendorKeys: []string{vendor.String()}}
			c := e.open(t, cfg)
			mustSync(t, c)
			e.lts.Clock.Advance(tt.advance)
			set, err := c.Permit(e.lts.Clock.Now(), "")
			if !errors.Is(err, tt.want) || (err == nil && set != scanner.NewSymbologySet(scanner.QRCode)) {
				t.Fatalf("Permit = %v, %v; want %v", set, err, tt.want)
			}
			e.link.mu.Lock()
			n := len(e.link.bodies)
			e.link.mu.Unlock()
			if n != 0 {
				t.Fatalf("%d requests to the LTS with an offline license", n)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	l, _ := wire.GenerateLTSKey()
	good := Config{LTSURL: "https://lts.example:8443", LTSKeys: []string{l.Public().String()}, HandshakeCode: "C"}
	tests := []struct {
		name   string
		mutate func(*Config)
		ok     bool
	}{
		{"lts", func(*Config) {}, true},
		{"unconfigured", func(c *Config) { *c = Config{} }, true},
		{"plain http", func(c *Config) { c.LTSURL = "http://lts" }, false},
		{"replicas", func(c *Config) { c.LTSURLs = []string{"https://lts2.example:8443"} }, true},
		{"replicas only", func(c *Config) { c.LTSURL, c.LTSURLs = "", []string{"https://lts2.example:8443"} }, true},
		{"plain http replica", func(c *Config) { c.LTSURLs = []string{"http://lts2"} }, false},
		{"no URL", func(c *Config) { c.LTSURL = "" }, false},
		{"no keys", func(c *Config) { c.LTSKeys = nil }, false},
		{"bad key", func(c *Config) { c.LTSKeys = []string{"lts1:xyz"} }, false},
		{"no code", func(c *Config) { c.HandshakeCode = "" }, false},
		{"both modes", func(c *Config) { c.OfflineLicense = "/x" }, false},
		{"offline without vendor key", func(c *Config) { *c = Config{OfflineLicense: "/x"} }, false},
		{"tiny interval", func(c *Config) { c.ReportInterval = Duration(time.Second) }, false},
		{"bad pin", func(c *Config) { c.LTSCertSHA256 = "md5:00" }, false},
		{"two passwords", func(c *Config) { c.Password, c.PasswordFile = "a", "/b" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mutate(&c)
			err := c.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Fatalf("Validate = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// A device pinning the wrong LTS key cannot be answered; it reports that and
// keeps its usage.
func TestWrongPinnedKey(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	other, _ := wire.GenerateLTSKey()
	cfg := e.config()
	cfg.LTSKeys = []string{other.Public().String()}
	c := e.open(t, cfg)
	count(t, c, scanner.QRCode, 2)
	err := c.Sync(context.Background())
	if err == nil || !strings.Contains(err.Error(), string(wire.CodeBadSeal)) {
		t.Fatalf("sync with a wrong pinned key: %v", err)
	}
	if st := c.Status(); st.State != StateNotAuthorized || st.PendingScans != 2 || st.LastSyncError == "" {
		t.Fatalf("status: %+v", st)
	}
}

// A device pinning a key whose signing half is not the LTS's (its sealing
// half is, so the LTS answers) refuses the authorization, and says what to
// check, as the LTS's refusals do.
func TestWrongPinnedSigningKeySaysWhatToCheck(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	other, _ := wire.GenerateLTSKey()
	cfg := e.config()
	cfg.LTSKeys = []string{wire.LTSKey{Sign: other.Public().Sign, Seal: e.lts.Key.Seal}.String()}
	c := e.open(t, cfg)
	err := c.Sync(context.Background())
	if !errors.Is(err, wire.ErrSignature) || !strings.Contains(err.Error(), "check that lts_keys") {
		t.Fatalf("sync with a wrong pinned signing key: %v", err)
	}
	if st := c.Status(); st.State != StateNotAuthorized || !strings.Contains(st.LastSyncError, "lts_keys") {
		t.Fatalf("status: %+v", st)
	}
}

// A device that scans between syncs always has usage to send, so its syncs
// are usage reports, not renewals: the acknowledgement must tell it of a
// revocation, which then stops decoding at once and outlasts a restart,
// while the usage it sent is still counted.
func TestRevokedWhileScanningStopsAtNextSync(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	count(t, c, scanner.QRCode, 2)
	mustSync(t, c)
	if err := e.lts.SetDeviceState(c.Device(), lts.DeviceRevoke); err != nil {
		t.Fatal(err)
	}
	count(t, c, scanner.QRCode, 3) // usage pending: the sync sends it, no renewal
	e.lts.Clock.Advance(time.Minute)
	if err := c.Sync(context.Background()); !errors.Is(err, &wire.Error{Code: wire.CodeRevoked}) {
		t.Fatalf("sync with usage after the device was revoked: %v", err)
	}
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrRevoked) {
		t.Fatalf("decoding after the revocation reached the device: %v", err)
	}
	if st := c.Status(); st.State != StateRevoked || st.PendingReports != 0 {
		t.Fatalf("status: %+v", st)
	}
	if got := ltsTotals(t, e); got["QR_CODE"] != 5 {
		t.Fatalf("usage sent with the revocation's sync: LTS counted %v, want 5 QR_CODE", got)
	}
	// The revocation is in the store: a restart does not decode again.
	c.Close()
	c = e.open(t, e.config())
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrRevoked) {
		t.Fatalf("decoding after a restart of a revoked device: %v", err)
	}
	// Only a new authorization undoes it.
	if err := e.lts.SetDeviceState(c.Device(), lts.DeviceReinstate); err != nil {
		t.Fatal(err)
	}
	mustSync(t, c)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
		t.Fatalf("reinstated: %v", err)
	}
}
