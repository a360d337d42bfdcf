// Package storetest is the conformance suite of lts.Store: every store
// implementation runs it against real storage (a bbolt file, a PostgreSQL
// database) and must pass all of it.
package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// Opener returns a new, empty store, and for stores that replicas share,
// more stores on the same storage (as other ltsd replicas would open it).
// The suite closes them. The concurrency tests spread their work over all.
type Opener func(t *testing.T) []lts.Store

// Epoch is the time the suite's records are made at: whole seconds, which
// every store keeps exactly.
var Epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Run runs the whole suite, each test on a new store from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"Licenses", testLicenses},
		{"Handshakes", testHandshakes},
		{"Devices", testDevices},
		{"Leases", testLeases},
		{"DeviceStates", testDeviceStates},
		{"UpdateCodeRollsBack", testUpdateCodeRollsBack},
		{"UpdateCodeIsExclusive", testUpdateCodeIsExclusive},
		{"Nonces", testNonces},
		{"RecordUsage", testRecordUsage},
		{"RecordUsageRefusals", testRecordUsageRefusals},
		{"RecordUsageOverflow", testRecordUsageOverflow},
		{"RecordUsageConcurrent", testRecordUsageConcurrent},
		{"UsageRows", testUsageRows},
		{"PruneReports", testPruneReports},
		{"Attempts", testAttempts},
		{"AttemptsConcurrent", testAttemptsConcurrent},
		{"AttemptsCapacity", testAttemptsCapacity},
		{"LoadAndMigrate", testLoadAndMigrate},
		{"Accounts", testAccounts},
		{"Sessions", testSessions},
		{"DeviceUsage", testDeviceUsage},
		{"DeviceUsageSums", testDeviceUsageSums},
		{"UsageRanges", testUsageRanges},
		{"DeviceViews", testDeviceViews},
		{"DeviceSummariesFollowWrites", testDeviceSummariesFollowWrites},
		{"Closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stores := open(t)
			f := &fixture{t: t, st: stores[0], peers: stores, ctx: context.Background(), open: open}
			t.Cleanup(func() {
				for _, st := range stores {
					st.Close()
				}
			})
			tt.fn(t, f)
		})
	}
}

// fixture builds records in a store under test.
type fixture struct {
	t      *testing.T
	st     lts.Store
	peers  []lts.Store // st and the stores of other replicas
	open   Opener
	ctx    context.Context
	vendor ed25519.PrivateKey
}

// license signs and imports a license; zero times are filled in around Epoch.
func (f *fixture) license(l wire.License) *wire.License {
	f.t.Helper()
	lic, signed := f.sign(l)
	if _, err := f.st.ImportLicense(f.ctx, lic, signed, Epoch); err != nil {
		f.t.Fatal(err)
	}
	return lic
}

func (f *fixture) sign(l wire.License) (*wire.License, *wire.Signed) {
	f.t.Helper()
	if f.vendor == nil {
		_, f.vendor, _ = ed25519.GenerateKey(rand.Reader)
	}
	if l.Type == "" {
		l.Type, l.MaxDevices = wire.LicensePerDevice, 10
	}
	if l.Issued.IsZero() {
		l.Issued = Epoch
	}
	if l.NotBefore.IsZero() {
		l.NotBefore = Epoch.Add(-time.Hour)
	}
	if l.Expires.IsZero() {
		l.Expires = Epoch.AddDate(1, 0, 0)
	}
	file, err := wire.IssueLicense(f.vendor, &l)
	if err != nil {
		f.t.Fatal(err)
	}
	lic, signed, err := wire.ParseLicense(file, []wire.VendorKey{wire.VendorKey(f.vendor.Public().(ed25519.PublicKey))})
	if err != nil {
		f.t.Fatal(err)
	}
	return lic, signed
}

// code creates a handshake code over new licenses of the given kinds.
func (f *fixture) code(name string, licenses ...wire.License) string {
	f.t.Helper()
	h := lts.Handshake{Code: name, OfflinePeriod: lts.DefaultOfflinePeriod, Created: Epoch}
	for i, l := range licenses {
		if l.ID == "" {
			l.ID = fmt.Sprintf("%s-L%d", name, i)
		}
		f.license(l)
		h.Licenses = append(h.Licenses, l.ID)
	}
	if err := f.st.CreateHandshake(f.ctx, &h); err != nil {
		f.t.Fatal(err)
	}
	return name
}

// device registers a new device under code, last seen at seen.
func (f *fixture) device(code string, seen time.Time) lts.Device {
	f.t.Helper()
	d := lts.Device{ID: uuid.NewString(), Handshake: code, Key: newKey(), FirstSeen: seen, LastSeen: seen, Address: "192.0.2.7", Software: "scannerd test"}
	err := f.st.UpdateCode(f.ctx, code, func(tx lts.CodeTx) error { return tx.PutDevice(&d) })
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// peer returns the store the i-th worker of a concurrency test uses.
func (f *fixture) peer(i int) lts.Store { return f.peers[i%len(f.peers)] }

func newKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func newNonce() []byte {
	n := make([]byte, wire.NonceSize)
	rand.Read(n)
	return n
}

// report makes a usage report of d with counts at slot.
func report(d lts.Device, id string, slot time.Time, counts map[string]uint64) *wire.UsageReport {
	r := &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.Key, Nonce: newNonce(), Time: slot,
		HandshakeCode: d.Handshake, ReportID: id, Seq: 1}
	for _, sym := range sortedKeys(counts) {
		r.Counts = append(r.Counts, wire.UsageCount{Slot: slot, Symbology: sym, Count: counts[sym]})
		r.Scans += counts[sym]
	}
	return r
}

func sortedKeys(m map[string]uint64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// batch is a UsageBatch at now with a 30-day window.
func batch(now time.Time, reports ...*wire.UsageReport) *lts.UsageBatch {
	return &lts.UsageBatch{Now: now, CountFrom: now.AddDate(0, 0, -30), KeepFor: 30 * 24 * time.Hour, Reports: reports}
}

func (f *fixture) record(b *lts.UsageBatch) []lts.Recorded {
	f.t.Helper()
	res, err := f.st.RecordUsage(f.ctx, b)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(res) != len(b.Reports) {
		f.t.Fatalf("%d results for %d reports", len(res), len(b.Reports))
	}
	return res
}

func (f *fixture) totals(code string) map[string]uint64 {
	f.t.Helper()
	got, err := lts.Totals(f.ctx, f.st, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func equalCounts(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func testLicenses(t *testing.T, f *fixture) {
	l1 := f.license(wire.License{ID: "A", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodMonth, Symbologies: []string{"QR_CODE"}})
	f.license(wire.License{ID: "B"})
	ls, err := f.st.Licenses(f.ctx)
	if err != nil || len(ls) != 2 || ls[0].License.ID != "A" || ls[1].License.ID != "B" {
		t.Fatalf("licenses %+v, %v", ls, err)
	}
	got := ls[0]
	if got.License.ScansPerPeriod != 100 || got.License.Symbologies[0] != "QR_CODE" || !got.License.Expires.Equal(l1.Expires) ||
		got.Signed == nil || len(got.Signed.Signature) == 0 || !got.Imported.Equal(Epoch) || got.Handshake != "" {
		t.Fatalf("license A read back as %+v", got)
	}
	// A newer issue renews; an older one is refused; an offline one too.
	renewed, err := f.st.ImportLicense(f.ctx, ptr(withIssued(*l1, Epoch.Add(time.Hour))), nil, Epoch)
	if err != nil || renewed != lts.LicenseRenewed {
		t.Fatalf("renewal: %v, %v", renewed, err)
	}
	if _, err := f.st.ImportLicense(f.ctx, ptr(withIssued(*l1, Epoch)), nil, Epoch); !errors.Is(err, lts.ErrLicenseOlder) {
		t.Fatalf("older issue: %v", err)
	}
	off, signed := f.sign(wire.License{ID: "OFF", Devices: []string{uuid.NewString()}})
	if _, err := f.st.ImportLicense(f.ctx, off, signed, Epoch); !errors.Is(err, lts.ErrOfflineLicense) {
		t.Fatalf("offline license: %v", err)
	}
	// The same issue imported again is unchanged, not a renewal: the
	// record keeps its import time and handshake binding.
	c, signed := f.sign(wire.License{ID: "C"})
	if outcome, err := f.st.ImportLicense(f.ctx, c, signed, Epoch); err != nil || outcome != lts.LicenseImported {
		t.Fatalf("new license: %v, %v", outcome, err)
	}
	if outcome, err := f.st.ImportLicense(f.ctx, c, signed, Epoch.Add(time.Hour)); err != nil || outcome != lts.LicenseUnchanged {
		t.Fatalf("the same issue again: %v, %v, want unchanged", outcome, err)
	}
	ls, err = f.st.Licenses(f.ctx)
	if err != nil || len(ls) != 3 || ls[2].License.ID != "C" || !ls[2].Imported.Equal(Epoch) {
		t.Fatalf("after importing C twice: %+v, %v", ls, err)
	}
}

func withIssued(l wire.License, t time.Time) wire.License { l.Issued = t; return l }
func ptr[T any](v T) *T                                   { return &v }

func testHandshakes(t *testing.T, f *fixture) {
	f.license(wire.License{ID: "L1"})
	f.license(wire.License{ID: "L2"})
	f.license(wire.License{ID: "L3"})
	hash, err := lts.HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	h := lts.Handshake{Code: "CODE-1", Licenses: []string{"L1"}, Password: hash, Domains: []string{"example.com"},
		OfflinePeriod: 48 * time.Hour, GracePercent: 5, Created: Epoch}
	if err := f.st.CreateHandshake(f.ctx, &h); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateHandshake(f.ctx, &h); !errors.Is(err, lts.ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	if err := f.st.CreateHandshake(f.ctx, &lts.Handshake{Code: "CODE-2", Licenses: []string{"L1"}, OfflinePeriod: time.Hour}); !errors.Is(err, lts.ErrLicenseBound) {
		t.Fatalf("license bound elsewhere: %v", err)
	}
	if err := f.st.CreateHandshake(f.ctx, &lts.Handshake{Code: "CODE-2", Licenses: []string{"NOPE"}, OfflinePeriod: time.Hour}); !errors.Is(err, lts.ErrNotFound) {
		t.Fatalf("license not imported: %v", err)
	}
	if err := f.st.CreateHandshake(f.ctx, &lts.Handshake{Code: "bad code", Licenses: []string{"L2"}, OfflinePeriod: time.Hour}); !errors.Is(err, lts.ErrInvalid) {
		t.Fatalf("invalid code: %v", err)
	}
	if _, err := f.st.Handshake(f.ctx, "CODE-2"); !errors.Is(err, lts.ErrNotFound) {
		t.Fatalf("a failed create left CODE-2 behind: %v", err)
	}
	if err := f.st.AddLicenses(f.ctx, "CODE-1", []string{"L2", "L1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddLicenses(f.ctx, "NOPE", []string{"L3"}); !errors.Is(err, lts.ErrNotFound) {
		t.Fatalf("add to unknown code: %v", err)
	}
	got, err := f.st.Handshake(f.ctx, "CODE-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Licenses) != 2 || got.Licenses[1] != "L2" || got.Password == nil || !got.Password.Check("pw") ||
		got.Domains[0] != "example.com" || got.OfflinePeriod != 48*time.Hour || got.GracePercent != 5 || !got.Created.Equal(Epoch) {
		t.Fatalf("handshake read back as %+v", got)
	}
	ls, _ := f.st.Licenses(f.ctx)
	for _, l := range ls {
		want := map[string]string{"L1": "CODE-1", "L2": "CODE-1", "L3": ""}[l.License.ID]
		if l.Handshake != want {
			t.Errorf("license %s bound to %q, want %q", l.License.ID, l.Handshake, want)
		}
	}
	f.code("CODE-0", wire.License{})
	hs, err := f.st.Handshakes(f.ctx)
	if err != nil || len(hs) != 2 || hs[0].Code != "CODE-0" || hs[1].Code != "CODE-1" {
		t.Fatalf("handshakes %+v, %v", hs, err)
	}
}

func testDevices(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	d1 := f.device(a, Epoch)
	d2 := f.device(a, Epoch.Add(time.Hour))
	d3 := f.device(b, Epoch.Add(-time.Hour))
	// One UUID may be registered under two codes.
	d4 := d1
	d4.Handshake = b
	err := f.st.UpdateCode(f.ctx, b, func(tx lts.CodeTx) error { return tx.PutDevice(&d4) })
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.st.Devices(f.ctx, "")
	if err != nil || len(all) != 4 || all[0].ID != d3.ID {
		t.Fatalf("all devices %+v, %v", all, err)
	}
	ds, err := f.st.Devices(f.ctx, a)
	if err != nil || len(ds) != 2 || ds[0].ID != d1.ID || ds[1].ID != d2.ID {
		t.Fatalf("devices of A %+v, %v", ds, err)
	}
	err = f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
		if tx.Handshake().Code != a || len(tx.Licenses()) != 1 || tx.Licenses()[0].License.ID != "A-L0" {
			return fmt.Errorf("tx sees %+v, %+v", tx.Handshake(), tx.Licenses())
		}
		got, ok, err := tx.Device(d2.ID)
		if err != nil || !ok || got.Address != "192.0.2.7" || string(got.Key) != string(d2.Key) || !got.LastSeen.Equal(d2.LastSeen) {
			return fmt.Errorf("device %+v, %v, %v", got, ok, err)
		}
		if _, ok, err := tx.Device(d3.ID); ok || err != nil {
			return fmt.Errorf("device of another code seen: %v, %v", ok, err)
		}
		for since, want := range map[time.Time]int{Epoch.Add(-time.Second): 2, Epoch: 1, Epoch.Add(time.Hour): 0} {
			if n, err := tx.ActiveDevices(since); n != want || err != nil {
				return fmt.Errorf("active since %v: %d, %v; want %d", since, n, err, want)
			}
		}
		wrong := d3
		if err := tx.PutDevice(&wrong); err == nil {
			return errors.New("put a device of code B in a transaction of code A")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.st.ActiveDevices(f.ctx, a, Epoch.Add(-time.Second)); n != 2 || err != nil {
		t.Fatalf("active devices of A read outside a transaction: %d, %v", n, err)
	}
	if err := f.st.UpdateCode(f.ctx, "NOPE", func(lts.CodeTx) error { return nil }); !errors.Is(err, lts.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
}

// Leases and rollback evidence are kept with a device, and Leased sums
// the leases of one period of one code.
func testLeases(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	put := func(code string, d lts.Device) {
		if err := f.st.UpdateCode(f.ctx, code, func(tx lts.CodeTx) error { return tx.PutDevice(&d) }); err != nil {
			t.Fatal(err)
		}
	}
	d1, d2, d3 := f.device(a, Epoch), f.device(a, Epoch), f.device(b, Epoch)
	d1.LeasePeriod, d1.Leased, d1.Counter, d1.SeenCounter = "2026-11", 70, 9, 8
	d1.Rollbacks, d1.LastRollback, d1.RollbackNote = 1, Epoch, "put back"
	d2.LeasePeriod, d2.Leased = "2026-10", 500
	d3.LeasePeriod, d3.Leased = "2026-11", 1000
	put(a, d1)
	put(a, d2)
	put(b, d3)
	err := f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
		got, _, err := tx.Device(d1.ID)
		if err != nil || got.LeasePeriod != "2026-11" || got.Leased != 70 || got.Counter != 9 || got.SeenCounter != 8 ||
			got.Rollbacks != 1 || !got.LastRollback.Equal(Epoch) || got.RollbackNote != "put back" {
			return fmt.Errorf("device read back as %+v, %v", got, err)
		}
		if n, devs, err := tx.Leased("2026-11"); n != 70 || devs != 1 || err != nil {
			return fmt.Errorf("leased in 2026-11: %d scans, %d devices, %v", n, devs, err)
		}
		if n, devs, err := tx.Leased("2026-12"); n != 0 || devs != 0 || err != nil {
			return fmt.Errorf("leased in 2026-12: %d scans, %d devices, %v", n, devs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testDeviceStates(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	d := f.device(a, Epoch)
	other := f.device(a, Epoch)
	db := d
	db.Handshake = b
	f.st.UpdateCode(f.ctx, b, func(tx lts.CodeTx) error { return tx.PutDevice(&db) })
	at := Epoch.Add(time.Hour)
	// Each action reports whether it changed the device: an operator's
	// tools say "unchanged" and log nothing from this answer alone.
	setState := func(action lts.DeviceAction, want bool) {
		t.Helper()
		changed, err := f.st.SetDeviceState(f.ctx, d.ID, action, at)
		if err != nil {
			t.Fatal(err)
		}
		if changed != want {
			t.Errorf("%s: changed = %v, want %v", action, changed, want)
		}
	}
	setState(lts.DeviceRemove, true)
	setState(lts.DeviceRemove, false)
	setState(lts.DeviceRevoke, true)
	setState(lts.DeviceRevoke, false)
	ds, _ := f.st.Devices(f.ctx, "")
	for _, got := range ds {
		switch got.ID {
		case d.ID:
			if !got.Removed || !got.Revoked || !got.RemovedAt.Equal(at) {
				t.Errorf("device under %s: %+v", got.Handshake, got)
			}
		case other.ID:
			if got.Removed || got.Revoked {
				t.Errorf("another device changed: %+v", got)
			}
		}
	}
	setState(lts.DeviceReinstate, true)
	setState(lts.DeviceReinstate, false)
	ds, _ = f.st.Devices(f.ctx, a)
	for _, got := range ds {
		if got.ID == d.ID && (got.Revoked || !got.Removed) {
			t.Errorf("reinstate should undo revoke only: %+v", got)
		}
	}
	if changed, err := f.st.SetDeviceState(f.ctx, uuid.NewString(), lts.DeviceRemove, at); !errors.Is(err, lts.ErrNotFound) || changed {
		t.Fatalf("unknown device: %v (changed %v)", err, changed)
	}
	if changed, err := f.st.SetDeviceState(f.ctx, d.ID, "explode", at); !errors.Is(err, lts.ErrInvalid) || changed {
		t.Fatalf("unknown action: %v (changed %v)", err, changed)
	}
}

func testUpdateCodeRollsBack(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	boom := errors.New("boom")
	nonce := newNonce()
	d := lts.Device{ID: uuid.NewString(), Handshake: a, Key: newKey(), FirstSeen: Epoch, LastSeen: Epoch}
	err := f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
		if err := tx.PutDevice(&d); err != nil {
			return err
		}
		if _, err := tx.UseNonce(d.ID, nonce, Epoch.Add(time.Hour)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want fn's error", err)
	}
	err = f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
		if _, ok, _ := tx.Device(d.ID); ok {
			return errors.New("device of a failed transaction kept")
		}
		if fresh, _ := tx.UseNonce(d.ID, nonce, Epoch.Add(time.Hour)); !fresh {
			return errors.New("nonce of a failed transaction kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testUpdateCodeIsExclusive registers devices from many goroutines, each
// only while fewer than a limit are active: exactly the limit get in.
func testUpdateCodeIsExclusive(t *testing.T, f *fixture) {
	const goroutines, tries, limit = 8, 6, 17
	a := f.code("A", wire.License{})
	var admitted atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := f.peer(g)
			for i := 0; i < tries; i++ {
				in := false
				err := st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
					in = false
					n, err := tx.ActiveDevices(Epoch.Add(-time.Hour))
					if err != nil || n >= limit {
						return err
					}
					d := lts.Device{ID: uuid.NewString(), Handshake: a, Key: newKey(), FirstSeen: Epoch, LastSeen: Epoch}
					in = true
					return tx.PutDevice(&d)
				})
				if err != nil {
					t.Error(err)
					return
				}
				if in {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	ds, _ := f.st.Devices(f.ctx, a)
	if admitted.Load() != limit || len(ds) != limit {
		t.Fatalf("%d admitted, %d stored; want %d", admitted.Load(), len(ds), limit)
	}
}

func testNonces(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	dev, n1, n2 := uuid.NewString(), newNonce(), newNonce()
	use := func(device string, n []byte, keep time.Time) bool {
		t.Helper()
		var fresh bool
		err := f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
			var err error
			fresh, err = tx.UseNonce(device, n, keep)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return fresh
	}
	if !use(dev, n1, Epoch.Add(time.Hour)) || !use(dev, n2, Epoch.Add(2*time.Hour)) || !use(uuid.NewString(), n1, Epoch.Add(time.Hour)) {
		t.Fatal("a new nonce was taken for a replay")
	}
	if use(dev, n1, Epoch.Add(time.Hour)) {
		t.Fatal("a nonce was accepted twice")
	}
	p, err := f.st.Prune(f.ctx, Epoch.Add(time.Hour+time.Second))
	if err != nil || p.Nonces != 2 {
		t.Fatalf("pruned %+v, %v; want the 2 nonces kept for an hour", p, err)
	}
	if use(dev, n2, Epoch.Add(2*time.Hour)) {
		t.Fatal("a nonce not yet due was pruned")
	}
}

func testRecordUsage(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodMonth})
	d := f.device(a, Epoch)
	now := Epoch.Add(2 * time.Hour)
	lastMonth := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)
	r1 := report(d, "r1", Epoch, map[string]uint64{"QR_CODE": 3, "EAN_13": 2})
	r2 := report(d, "r2", lastMonth, map[string]uint64{"QR_CODE": 10})
	future := report(d, "r3", now.Add(2*time.Hour), map[string]uint64{"CODE_128": 1})
	res := f.record(batch(now, r1, r2, r1, future))
	for i, want := range []bool{false, false, true, false} {
		if res[i].Refused != nil || res[i].Duplicate != want || res[i].Code == nil {
			t.Fatalf("report %d: %+v, want duplicate=%v", i, res[i], want)
		}
	}
	st := res[0].Code
	if st.Handshake.Code != a || len(st.Licenses) != 1 || st.Used != (lts.Used{Day: 6, Month: 6, Year: 16}) {
		t.Fatalf("code state %+v", st)
	}
	if q := st.QuotaState(now); q.Used != 6 || q.Limit != 1000 || q.Period != "2026-11" {
		t.Fatalf("quota %+v", q)
	}
	// Sent again in a later batch: acknowledged, not counted.
	res = f.record(batch(now.Add(time.Minute), r2))
	if !res[0].Duplicate || res[0].Code.Used.Year != 16 {
		t.Fatalf("resend: %+v", res[0])
	}
	if got := f.totals(a); !equalCounts(got, map[string]uint64{"QR_CODE": 13, "EAN_13": 2, "CODE_128": 1}) {
		t.Fatalf("totals %v", got)
	}
	for _, id := range []string{"r1", "r2", "r3"} {
		if ok, err := f.st.HasReport(f.ctx, d.ID, id); !ok || err != nil {
			t.Errorf("report %s not kept: %v", id, err)
		}
	}
	if ok, _ := f.st.HasReport(f.ctx, d.ID, "r9"); ok {
		t.Error("a report never sent is kept")
	}
	var kept []lts.ReportRecord
	f.st.Reports(f.ctx, func(r lts.ReportRecord) error { kept = append(kept, r); return nil })
	if len(kept) != 3 {
		t.Fatalf("reports kept %+v", kept)
	}
	for _, r := range kept {
		if r.ReportID == "r1" && (r.Device != d.ID || r.Handshake != a || r.Scans != 5 || r.Seq != 1 || !r.Received.Equal(now) || !r.KeepUntil.Equal(Epoch.Add(30*24*time.Hour))) {
			t.Errorf("report r1 kept as %+v", r)
		}
		if r.ReportID == "r3" && !r.KeepUntil.Equal(now.Add(2*time.Hour).Add(30*24*time.Hour)) {
			t.Errorf("report with a future slot kept until %v", r.KeepUntil)
		}
	}
	// Reports move the device's last-seen time, at a minute's resolution.
	ds, _ := f.st.Devices(f.ctx, a)
	if !ds[0].LastSeen.Equal(now) {
		t.Fatalf("last seen %v, want %v", ds[0].LastSeen, now)
	}
	f.record(batch(now.Add(30*time.Second), report(d, "r4", now, map[string]uint64{"QR_CODE": 1})))
	if ds, _ = f.st.Devices(f.ctx, a); !ds[0].LastSeen.Equal(now) {
		t.Fatalf("last seen moved by half a minute: %v", ds[0].LastSeen)
	}
}

func testRecordUsageRefusals(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	d := f.device(a, Epoch)
	now := Epoch.Add(time.Hour)
	stranger := d
	stranger.ID = uuid.NewString()
	rekeyed := d
	rekeyed.Key = newKey()
	unknown := d
	unknown.Handshake = "NOPE"
	tooOld := report(d, "old", now.AddDate(0, 0, -31), map[string]uint64{"QR_CODE": 7})
	res := f.record(batch(now,
		report(stranger, "s", now, map[string]uint64{"QR_CODE": 1}),
		report(rekeyed, "k", now, map[string]uint64{"QR_CODE": 1}),
		report(unknown, "u", now, map[string]uint64{"QR_CODE": 1}),
		tooOld,
		report(d, "ok", now, map[string]uint64{"QR_CODE": 2}),
	))
	want := []wire.Code{wire.CodeNotAuthorized, wire.CodeNotAuthorized, wire.CodeUnknownCode}
	for i, code := range want {
		if res[i].Refused == nil || res[i].Refused.Code != code {
			t.Errorf("report %d: %+v, want %s", i, res[i], code)
		}
	}
	if res[3].Refused != nil || !res[3].Duplicate {
		t.Errorf("report older than the window: %+v, want acknowledged as a duplicate", res[3])
	}
	if res[4].Refused != nil || res[4].Duplicate {
		t.Errorf("good report: %+v", res[4])
	}
	if got := f.totals(""); !equalCounts(got, map[string]uint64{"QR_CODE": 2}) {
		t.Fatalf("totals %v", got)
	}
	if ok, _ := f.st.HasReport(f.ctx, stranger.ID, "s"); ok {
		t.Error("a refused report's id is kept")
	}
}

// testRecordUsageOverflow: a total never wraps. A report that would take a
// total past lts.MaxTotal is refused whole; the others are counted.
func testRecordUsageOverflow(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodDay})
	d := f.device(a, Epoch)
	now := Epoch.Add(time.Hour)
	big := uint64(lts.MaxTotal/2 + 1)
	res := f.record(batch(now, report(d, "b1", Epoch, map[string]uint64{"QR_CODE": big})))
	if res[0].Refused != nil {
		t.Fatalf("first big report: %+v", res[0].Refused)
	}
	res = f.record(batch(now,
		report(d, "b2", Epoch, map[string]uint64{"EAN_13": 1, "QR_CODE": big}),
		report(d, "small", Epoch, map[string]uint64{"EAN_13": 5}),
	))
	if res[0].Refused == nil || res[0].Refused.Code != wire.CodeBadRequest {
		t.Fatalf("overflowing report: %+v", res[0])
	}
	if res[1].Refused != nil || res[1].Duplicate {
		t.Fatalf("report beside it: %+v", res[1])
	}
	if got := f.totals(a); !equalCounts(got, map[string]uint64{"QR_CODE": big, "EAN_13": 5}) {
		t.Fatalf("totals %v", got)
	}
	if q := res[1].Code.QuotaState(now); !q.Exhausted || q.Used < big {
		t.Fatalf("quota after a huge report: %+v", q)
	}
	if ok, _ := f.st.HasReport(f.ctx, d.ID, "b2"); ok {
		t.Fatal("the refused report's id is kept: a resend would be acknowledged as counted")
	}
	f.checkMonths()
}

// testRecordUsageConcurrent records reports, each sent several times, from
// many goroutines at once: every report is counted exactly once.
func testRecordUsageConcurrent(t *testing.T, f *fixture) {
	const devices, reports, sends, goroutines = 6, 60, 3, 8
	a := f.code("A", wire.License{Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth})
	ds := make([]lts.Device, devices)
	for i := range ds {
		ds[i] = f.device(a, Epoch)
	}
	syms := []string{"QR_CODE", "EAN_13", "CODE_128"}
	want := map[string]uint64{}
	type job struct{ dev, i int }
	jobs := make(chan []job, 1000)
	for i := 0; i < reports; i++ {
		want[syms[i%3]] += uint64(i + 1)
	}
	var all []job
	for s := 0; s < sends; s++ {
		for i := 0; i < reports; i++ {
			all = append(all, job{i % devices, i})
		}
	}
	for len(all) > 0 { // batches of 1 to 5 reports
		n := min(len(all), 1+len(all)%5)
		jobs <- all[:n]
		all = all[n:]
	}
	close(jobs)
	var counted atomic.Int32
	var wg sync.WaitGroup
	now := Epoch.Add(time.Hour)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := f.peer(g)
			for js := range jobs {
				var reps []*wire.UsageReport
				for _, j := range js {
					reps = append(reps, report(ds[j.dev], fmt.Sprint("r", j.i), Epoch, map[string]uint64{syms[j.i%3]: uint64(j.i + 1)}))
				}
				res, err := st.RecordUsage(f.ctx, batch(now, reps...))
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range res {
					if r.Refused != nil {
						t.Error(r.Refused)
					} else if !r.Duplicate {
						counted.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	if got := f.totals(a); !equalCounts(got, want) || counted.Load() != reports {
		t.Fatalf("totals %v, want %v; %d counted, want %d", got, want, counted.Load(), reports)
	}
	f.checkMonths()
}

// checkMonths checks that the store's monthly usage totals add up its
// daily ones, and its sums of every device the devices' totals.
func (f *fixture) checkMonths() {
	f.t.Helper()
	if err := lts.CheckMonthlyUsage(f.ctx, f.st); err != nil {
		f.t.Fatal(err)
	}
	if err := lts.CheckDeviceSums(f.ctx, f.st); err != nil {
		f.t.Fatal(err)
	}
}

func testUsageRows(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	da, db := f.device(a, Epoch), f.device(b, Epoch)
	now := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	f.record(&lts.UsageBatch{Now: now, CountFrom: now.AddDate(-1, 0, 0), KeepFor: 400 * 24 * time.Hour, Reports: []*wire.UsageReport{
		report(da, "1", time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), map[string]uint64{"QR_CODE": 1, "EAN_13": 2}),
		report(da, "2", time.Date(2026, 12, 30, 1, 0, 0, 0, time.UTC), map[string]uint64{"QR_CODE": 4}),
		report(da, "3", time.Date(2027, 1, 1, 5, 0, 0, 0, time.UTC), map[string]uint64{"QR_CODE": 8}),
		report(db, "4", time.Date(2026, 11, 15, 5, 0, 0, 0, time.UTC), map[string]uint64{"QR_CODE": 16}),
	}})
	rows := func(by, code string) string {
		t.Helper()
		rs, err := f.st.Usage(f.ctx, lts.UsageQuery{Granularity: by, Handshake: code})
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, r := range rs {
			s += fmt.Sprintf("%s %s %s %d; ", r.Handshake, r.Period, r.Symbology, r.Count)
		}
		return s
	}
	if got, want := rows(wire.PeriodDay, a), "A 2026-12-30 QR_CODE 4; A 2026-12-31 EAN_13 2; A 2026-12-31 QR_CODE 1; A 2027-01-01 QR_CODE 8; "; got != want {
		t.Errorf("by day:\n got %s\nwant %s", got, want)
	}
	if got, want := rows(wire.PeriodMonth, ""), "A 2026-12 EAN_13 2; A 2026-12 QR_CODE 5; A 2027-01 QR_CODE 8; B 2026-11 QR_CODE 16; "; got != want {
		t.Errorf("by month:\n got %s\nwant %s", got, want)
	}
	if got, want := rows(wire.PeriodYear, ""), "A 2026 EAN_13 2; A 2026 QR_CODE 5; A 2027 QR_CODE 8; B 2026 QR_CODE 16; "; got != want {
		t.Errorf("by year:\n got %s\nwant %s", got, want)
	}
	var used lts.Used
	f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error {
		var err error
		used, err = tx.Used(time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC))
		return err
	})
	if used != (lts.Used{Day: 3, Month: 7, Year: 7}) {
		t.Errorf("used on 2026-12-31: %+v", used)
	}
	f.checkMonths()
	if read, err := f.st.Used(f.ctx, a, time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)); read != used || err != nil {
		t.Errorf("used read outside a transaction: %+v, %v", read, err)
	}
}

func testPruneReports(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	d := f.device(a, Epoch)
	now := Epoch.Add(time.Hour)
	old := report(d, "old", Epoch.AddDate(0, 0, -20), map[string]uint64{"QR_CODE": 1})
	recent := report(d, "recent", Epoch, map[string]uint64{"QR_CODE": 2})
	f.record(batch(now, old, recent))
	// 30 days after its slot the old report's id is due, the recent one's
	// not yet.
	later := Epoch.AddDate(0, 0, 10).Add(time.Second)
	p, err := f.st.Prune(f.ctx, later)
	if err != nil || p.Reports != 1 {
		t.Fatalf("pruned %+v, %v; want 1 report", p, err)
	}
	if ok, _ := f.st.HasReport(f.ctx, d.ID, "old"); ok {
		t.Fatal("pruned report still kept")
	}
	if ok, _ := f.st.HasReport(f.ctx, d.ID, "recent"); !ok {
		t.Fatal("report not yet due was pruned")
	}
	// Sent again after pruning: too old to count, so not counted twice.
	res := f.record(batch(later, old, recent))
	if !res[0].Duplicate || !res[1].Duplicate {
		t.Fatalf("resends after prune: %+v %+v", res[0], res[1])
	}
	if got := f.totals(a); got["QR_CODE"] != 3 {
		t.Fatalf("totals %v", got)
	}
}

var errWrong = fmt.Errorf("test: %w", lts.ErrGuessWrong)

func rule(now time.Time) lts.AttemptRule {
	return lts.AttemptRule{Now: now, Window: 15 * time.Minute, Max: 3, Capacity: 1000}
}

func testAttempts(t *testing.T, f *fixture) {
	guess := func(now time.Time, ok bool, keys ...string) error {
		return f.st.Attempt(f.ctx, keys, rule(now), func(context.Context) error {
			if ok {
				return nil
			}
			return errWrong
		})
	}
	// Successes do not count; failures count against every key held.
	for i := 0; i < 5; i++ {
		if err := guess(Epoch, true, "addr:a", "code:c"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		if err := guess(Epoch.Add(time.Duration(i)*time.Minute), false, "addr:a", "code:c"); !errors.Is(err, lts.ErrGuessWrong) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	ran := false
	err := f.st.Attempt(f.ctx, []string{"code:c"}, rule(Epoch.Add(5*time.Minute)), func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, lts.ErrTooManyAttempts) || ran {
		t.Fatalf("after 3 failures: %v (check ran: %v)", err, ran)
	}
	if err := guess(Epoch.Add(5*time.Minute), true, "addr:a"); !errors.Is(err, lts.ErrTooManyAttempts) {
		t.Fatalf("other key of the failures: %v", err)
	}
	if err := guess(Epoch.Add(5*time.Minute), true, "addr:other", "code:c"); !errors.Is(err, lts.ErrTooManyAttempts) {
		t.Fatalf("a blocked key among fresh ones: %v", err)
	}
	if err := guess(Epoch.Add(5*time.Minute), true, "addr:other"); err != nil {
		t.Fatalf("fresh key: %v", err)
	}
	// The window started at the first failure.
	if err := guess(Epoch.Add(15*time.Minute), true, "addr:a", "code:c"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Other errors of the check are returned and not counted.
	boom := errors.New("store down")
	for i := 0; i < 5; i++ {
		err := f.st.Attempt(f.ctx, []string{"addr:b"}, rule(Epoch), func(context.Context) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("check error: %v", err)
		}
	}
	if err := guess(Epoch, true, "addr:b"); err != nil {
		t.Fatalf("errors counted as failures: %v", err)
	}
}

// testAttemptsConcurrent: many guesses on one key at once run their check
// one at a time, and no more than Max of them fail.
func testAttemptsConcurrent(t *testing.T, f *fixture) {
	const guesses = 40
	var checks, inside, most atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < guesses; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			keys := []string{"code:c", fmt.Sprintf("addr:%d", i)}
			err := f.peer(i).Attempt(f.ctx, keys, rule(Epoch), func(context.Context) error {
				checks.Add(1)
				n := inside.Add(1)
				defer inside.Add(-1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				return errWrong
			})
			if !errors.Is(err, lts.ErrGuessWrong) && !errors.Is(err, lts.ErrTooManyAttempts) {
				t.Error(err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if checks.Load() != 3 || most.Load() != 1 {
		t.Fatalf("%d checks ran (at most %d at once), want 3 one at a time", checks.Load(), most.Load())
	}
}

// testAttemptsCapacity: when as many keys have failures as the store
// tracks, a new key is refused (the limit fails closed), until windows pass.
func testAttemptsCapacity(t *testing.T, f *fixture) {
	r := rule(Epoch)
	r.Capacity = 20
	for i := 0; i < r.Capacity; i++ {
		err := f.st.Attempt(f.ctx, []string{fmt.Sprint("addr:", i)}, r, func(context.Context) error { return errWrong })
		if !errors.Is(err, lts.ErrGuessWrong) {
			t.Fatalf("filling key %d: %v", i, err)
		}
	}
	ran := false
	err := f.st.Attempt(f.ctx, []string{"addr:new"}, r, func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, lts.ErrTooManyAttempts) || ran {
		t.Fatalf("new key with the table full: %v (check ran: %v)", err, ran)
	}
	if err := f.st.Attempt(f.ctx, []string{"addr:3"}, r, func(context.Context) error { return nil }); err != nil {
		t.Fatalf("tracked key with the table full: %v", err)
	}
	r.Now = Epoch.Add(r.Window)
	if err := f.st.Attempt(f.ctx, []string{"addr:new"}, r, func(context.Context) error { return nil }); err != nil {
		t.Fatalf("new key after the windows passed: %v", err)
	}
}

// testLoadAndMigrate fills a store through its usual operations, copies it
// into a new one with Migrate, and finds them equal; a target that holds
// anything is refused.
func testLoadAndMigrate(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodMonth})
	f.code("B", wire.License{}, wire.License{ID: "B-2", Symbologies: []string{"QR_CODE"}})
	f.license(wire.License{ID: "UNBOUND"})
	d1, d2 := f.device(a, Epoch), f.device(a, Epoch.Add(time.Minute))
	f.record(batch(Epoch.Add(time.Hour), report(d1, "1", Epoch, map[string]uint64{"QR_CODE": 3, "EAN_13": 1}),
		report(d2, "2", Epoch.AddDate(0, 0, -3), map[string]uint64{"QR_CODE": 5})))
	if _, err := f.st.SetDeviceState(f.ctx, d2.ID, lts.DeviceRemove, Epoch.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, a := range []lts.Account{
		{Name: "ops", Role: lts.RoleAdmin, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA", Created: Epoch, PasswordChanged: Epoch},
		{Name: "viewer", Role: lts.RoleReadOnly, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdDI$aGFzaDI", Created: Epoch, PasswordChanged: Epoch.Add(time.Hour)},
	} {
		if err := f.st.CreateAccount(f.ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	dst := f.open(t)
	defer func() {
		for _, st := range dst {
			st.Close()
		}
	}()
	target, ok := dst[0].(lts.MigrationTarget)
	if !ok {
		t.Fatalf("%T is not an lts.Loader", dst[0])
	}
	m, err := lts.Migrate(f.ctx, target, f.st)
	if err != nil {
		t.Fatal(err)
	}
	if m != (lts.Migration{Licenses: 4, Handshakes: 2, Devices: 2, UsageRows: 3, Reports: 2, Scans: 9, Accounts: 2, DeviceTotals: 4}) {
		t.Fatalf("migrated %+v", m)
	}
	if err := lts.Compare(f.ctx, f.st, dst[0]); err != nil {
		t.Fatal(err)
	}
	// The copy goes on where the original was: a resend is a duplicate.
	res := f.recordIn(dst[0], batch(Epoch.Add(2*time.Hour), report(d1, "1", Epoch, map[string]uint64{"QR_CODE": 3, "EAN_13": 1})))
	if !res[0].Duplicate {
		t.Fatalf("resend after migrating: %+v", res[0])
	}
	if _, err := lts.Migrate(f.ctx, target, f.st); !errors.Is(err, lts.ErrNotEmpty) {
		t.Fatalf("migrate into a store that is not empty: %v", err)
	}
	// Compare names a difference.
	f.record(batch(Epoch.Add(3*time.Hour), report(d1, "3", Epoch, map[string]uint64{"QR_CODE": 1})))
	if err := lts.Compare(f.ctx, f.st, dst[0]); err == nil {
		t.Fatal("stores that differ compared equal")
	}
}

func (f *fixture) recordIn(st lts.Store, b *lts.UsageBatch) []lts.Recorded {
	f.t.Helper()
	res, err := st.RecordUsage(f.ctx, b)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func testClosed(t *testing.T, f *fixture) {
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if _, err := f.st.Handshakes(ctx); err == nil {
		t.Error("a read with an ended context succeeded")
	}
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
