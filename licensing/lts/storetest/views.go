package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// The reads that operators' views make: ranges of usage, sums of device
// totals, device counts and pages of devices.

func testUsageRanges(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	da, db := f.device(a, Epoch), f.device(b, Epoch)
	now := time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
	day := func(s string) time.Time {
		d, _ := time.Parse(lts.DayLayout, s)
		return d.Add(13 * time.Hour)
	}
	f.record(&lts.UsageBatch{Now: now, CountFrom: now.AddDate(-1, 0, 0), KeepFor: 400 * 24 * time.Hour, Reports: []*wire.UsageReport{
		report(da, "1", day("2026-12-31"), map[string]uint64{"QR_CODE": 1, "EAN_13": 2}),
		report(da, "2", day("2027-01-01"), map[string]uint64{"QR_CODE": 4}),
		report(da, "3", day("2027-01-31"), map[string]uint64{"QR_CODE": 8}),
		report(da, "4", day("2027-02-01"), map[string]uint64{"QR_CODE": 16}),
		report(db, "5", day("2027-01-15"), map[string]uint64{"QR_CODE": 32}),
		report(db, "6", day("2027-02-10"), map[string]uint64{"EAN_13": 64}),
	}})
	rows := func(q lts.UsageQuery) string {
		t.Helper()
		rs, err := f.peer(1).Usage(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, r := range rs {
			s = append(s, fmt.Sprintf("%s %s %s %d", r.Handshake, r.Period, r.Symbology, r.Count))
		}
		return strings.Join(s, "; ")
	}
	jan := day("2027-01-20")
	for _, tc := range []struct {
		name string
		q    lts.UsageQuery
		want string
	}{
		{"days of January", lts.UsageQuery{Granularity: wire.PeriodDay, From: day("2027-01-01"), To: day("2027-01-31")},
			"A 2027-01-01 QR_CODE 4; A 2027-01-31 QR_CODE 8; B 2027-01-15 QR_CODE 32"},
		{"days of A from January", lts.UsageQuery{Granularity: wire.PeriodDay, Handshake: a, From: jan},
			"A 2027-01-31 QR_CODE 8; A 2027-02-01 QR_CODE 16"},
		{"days to New Year", lts.UsageQuery{Granularity: wire.PeriodDay, To: day("2027-01-01")},
			"A 2026-12-31 EAN_13 2; A 2026-12-31 QR_CODE 1; A 2027-01-01 QR_CODE 4"},
		{"the month holding a day", lts.UsageQuery{Granularity: wire.PeriodMonth, From: jan, To: jan},
			"A 2027-01 QR_CODE 12; B 2027-01 QR_CODE 32"},
		{"months from a day", lts.UsageQuery{Granularity: wire.PeriodMonth, From: jan},
			"A 2027-01 QR_CODE 12; A 2027-02 QR_CODE 16; B 2027-01 QR_CODE 32; B 2027-02 EAN_13 64"},
		{"the year holding a day", lts.UsageQuery{Granularity: wire.PeriodYear, Handshake: a, From: jan, To: jan},
			"A 2027 QR_CODE 28"},
		{"nothing before", lts.UsageQuery{Granularity: wire.PeriodDay, To: day("2026-12-30")}, ""},
		{"unknown code", lts.UsageQuery{Granularity: wire.PeriodMonth, Handshake: "NOPE"}, ""},
	} {
		if got := rows(tc.q); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	if _, err := f.st.Usage(f.ctx, lts.UsageQuery{Granularity: "week"}); !errors.Is(err, lts.ErrInvalid) {
		t.Errorf("usage by week: %v, want ErrInvalid", err)
	}

	// Used of every code at once is Used of each.
	for _, at := range []time.Time{day("2027-01-31"), now, day("2026-12-31")} {
		all, err := f.peer(1).UsedByCode(f.ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]lts.Used{}
		for _, code := range []string{a, b} {
			u, err := f.st.Used(f.ctx, code, at)
			if err != nil {
				t.Fatal(err)
			}
			if u != (lts.Used{}) {
				want[code] = u
			}
		}
		if !reflect.DeepEqual(all, want) {
			t.Errorf("used by code at %s: %+v, want %+v", at.Format(lts.DayLayout), all, want)
		}
	}
	if all, _ := f.st.UsedByCode(f.ctx, day("2027-02-10")); all[b] != (lts.Used{Day: 64, Month: 64, Year: 96}) {
		t.Errorf("used by B on 2027-02-10: %+v", all[b])
	}
	// A day counts the days from it to the end of its year, a month the
	// months from it (usage after now does not happen, but stores agree).
	if all, _ := f.st.UsedByCode(f.ctx, day("2027-01-31")); all[a] != (lts.Used{Day: 24, Month: 28, Year: 28}) {
		t.Errorf("used by A on 2027-01-31: %+v", all[a])
	}
	f.checkMonths()
}

func testDeviceUsageSums(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	d1, d2, d3 := f.device(a, Epoch), f.device(a, Epoch), f.device(b, Epoch)
	now := Epoch // 2026-11-02
	oct := now.AddDate(0, 0, -3)
	f.record(batch(now,
		report(d1, "r1", oct, map[string]uint64{"QR_CODE": 3, "EAN_13": 2}),
		report(d1, "r2", now, map[string]uint64{"QR_CODE": 4}),
		report(d2, "r3", oct, map[string]uint64{"CODE_128": 1}),
		report(d3, "r4", now, map[string]uint64{"QR_CODE": 7}),
		report(d3, "r5", oct.AddDate(0, 0, 1), map[string]uint64{"QR_CODE": 10}),
	))
	sum := func(code string, d lts.Device, n uint64) lts.DeviceUsageRow {
		return lts.DeviceUsageRow{Handshake: code, Device: d.ID, Count: n}
	}
	per := func(period string, n uint64) lts.DeviceUsageRow { return lts.DeviceUsageRow{Period: period, Count: n} }
	for _, tc := range []struct {
		name string
		q    lts.DeviceUsageQuery
		want []lts.DeviceUsageRow
	}{
		{"each device's days", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Sum: lts.SumPeriods},
			[]lts.DeviceUsageRow{sum(a, d1, 9), sum(a, d2, 1), sum(b, d3, 17)}},
		{"each device's October", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Sum: lts.SumPeriods, To: oct.AddDate(0, 0, 1)},
			[]lts.DeviceUsageRow{sum(a, d1, 5), sum(a, d2, 1), sum(b, d3, 10)}},
		{"each device of A's months", lts.DeviceUsageQuery{Granularity: wire.PeriodMonth, Handshake: a, Sum: lts.SumPeriods},
			[]lts.DeviceUsageRow{sum(a, d1, 9), sum(a, d2, 1)}},
		{"each day's devices", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Sum: lts.SumDevices},
			[]lts.DeviceUsageRow{per("2026-10-30", 6), per("2026-10-31", 10), per("2026-11-02", 11)}},
		{"each month's devices of A", lts.DeviceUsageQuery{Granularity: wire.PeriodMonth, Handshake: a, Sum: lts.SumDevices},
			[]lts.DeviceUsageRow{per("2026-10", 6), per("2026-11", 4)}},
		{"each day of two devices", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Devices: []string{d1.ID, d3.ID}, Sum: lts.SumDevices, From: now},
			[]lts.DeviceUsageRow{per("2026-11-02", 11)}},
		{"two devices' days", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Devices: []string{d2.ID, d3.ID}},
			[]lts.DeviceUsageRow{
				{Handshake: a, Device: d2.ID, Period: "2026-10-30", Count: 1},
				{Handshake: b, Device: d3.ID, Period: "2026-10-31", Count: 10},
				{Handshake: b, Device: d3.ID, Period: "2026-11-02", Count: 7},
			}},
	} {
		lts.SortDeviceUsage(tc.want)
		got, err := f.peer(1).DeviceUsage(f.ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	if _, err := f.st.DeviceUsage(f.ctx, lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Sum: 7}); !errors.Is(err, lts.ErrInvalid) {
		t.Errorf("an unknown sum: %v, want ErrInvalid", err)
	}
	f.checkMonths()
}

// viewDevices makes the devices of the device view tests: under A, one
// seen now, one silent, one revoked, one removed, one removed and then
// revoked; under B, one seen now with its own software and domain.
func (f *fixture) viewDevices(now time.Time) (a, b string, ds map[string]lts.Device) {
	f.t.Helper()
	a = f.code("A", wire.License{})
	b = f.code("B", wire.License{})
	ds = map[string]lts.Device{
		"fresh":   f.device(a, now.Add(-time.Hour)),
		"silent":  f.device(a, now.AddDate(0, 0, -10)),
		"revoked": f.device(a, now.Add(-2*time.Hour)),
		"removed": f.device(a, now.Add(-3*time.Hour)),
		"both":    f.device(a, now.AddDate(0, 0, -20)),
	}
	other := lts.Device{ID: "0b0e0d0c-BEEF-4000-8000-000000000001", Handshake: b, Key: newKey(), FirstSeen: now, LastSeen: now.Add(-time.Minute),
		Domain: "Scanners.Example", Address: "198.51.100.4", Software: "ScannerD 1.2"}
	if err := f.st.UpdateCode(f.ctx, b, func(tx lts.CodeTx) error { return tx.PutDevice(&other) }); err != nil {
		f.t.Fatal(err)
	}
	ds["other"] = other
	for name, actions := range map[string][]lts.DeviceAction{"revoked": {lts.DeviceRevoke}, "removed": {lts.DeviceRemove}, "both": {lts.DeviceRemove, lts.DeviceRevoke}} {
		for _, act := range actions {
			if _, err := f.st.SetDeviceState(f.ctx, ds[name].ID, act, now); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	return a, b, ds
}

func testDeviceViews(t *testing.T, f *fixture) {
	now := Epoch.AddDate(0, 1, 0)
	a, b, ds := f.viewDevices(now)
	week := cutoffsAt(now)
	cutoffs := map[string]lts.DeviceCutoffs{a: week, b: week}
	count := func(q lts.DeviceQuery) map[string]lts.DeviceCount {
		t.Helper()
		got, err := f.peer(1).DeviceCounts(f.ctx, &q)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, tc := range []struct {
		name string
		q    lts.DeviceQuery
		want map[string]lts.DeviceCount
	}{
		{"every device", lts.DeviceQuery{Cutoffs: cutoffs}, map[string]lts.DeviceCount{
			a: {Active: 1, Silent: 1, Revoked: 2, Removed: 1, Slots: 1},
			b: {Active: 1, Slots: 1},
		}},
		{"one code", lts.DeviceQuery{Handshake: b, Cutoffs: cutoffs}, map[string]lts.DeviceCount{b: {Active: 1, Slots: 1}}},
		// Slots and silence have cutoffs of their own: a device silent past
		// its offline period may still hold a slot.
		{"long inactivity", lts.DeviceQuery{Cutoffs: map[string]lts.DeviceCutoffs{a: {ActiveSince: now.AddDate(0, 0, -15), SilentBefore: week.SilentBefore}}},
			map[string]lts.DeviceCount{a: {Active: 1, Silent: 1, Revoked: 2, Removed: 1, Slots: 2}, b: {Active: 1}}},
		{"no cutoffs", lts.DeviceQuery{}, map[string]lts.DeviceCount{a: {Active: 2, Revoked: 2, Removed: 1}, b: {Active: 1}}},
		{"search in software, any case", lts.DeviceQuery{Search: "scannerd 1", Cutoffs: cutoffs}, map[string]lts.DeviceCount{b: {Active: 1, Slots: 1}}},
		{"search in a UUID", lts.DeviceQuery{Search: "beef-4000", Cutoffs: cutoffs}, map[string]lts.DeviceCount{b: {Active: 1, Slots: 1}}},
		{"search in a domain", lts.DeviceQuery{Search: "SCANNERS.example", Cutoffs: cutoffs}, map[string]lts.DeviceCount{b: {Active: 1, Slots: 1}}},
		{"search in an address", lts.DeviceQuery{Search: "192.0.2.7", Cutoffs: cutoffs}, map[string]lts.DeviceCount{a: {Active: 1, Silent: 1, Revoked: 2, Removed: 1, Slots: 1}}},
		{"search a code", lts.DeviceQuery{Search: "b", Handshake: b, Cutoffs: cutoffs}, map[string]lts.DeviceCount{b: {Active: 1, Slots: 1}}},
		{"search codes the caller matched", lts.DeviceQuery{Search: "acme", SearchCodes: []string{a}, Cutoffs: cutoffs},
			map[string]lts.DeviceCount{a: {Active: 1, Silent: 1, Revoked: 2, Removed: 1, Slots: 1}}},
		{"search with wildcards", lts.DeviceQuery{Search: "%", Cutoffs: cutoffs}, map[string]lts.DeviceCount{}},
		{"search nothing", lts.DeviceQuery{Search: "no such device", Cutoffs: cutoffs}, map[string]lts.DeviceCount{}},
	} {
		if got := count(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("counts of %s: %+v\nwant %+v", tc.name, got, tc.want)
		}
	}

	list := func(q lts.DeviceQuery) []string {
		t.Helper()
		got, err := f.peer(1).ListDevices(f.ctx, &q)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range got {
			for name, want := range ds {
				if d.ID == want.ID && d.Handshake == want.Handshake {
					names = append(names, name)
					if !d.LastSeen.Equal(want.LastSeen) || d.Address != want.Address || string(d.Key) != string(want.Key) {
						t.Errorf("listed %s as %+v", name, d)
					}
				}
			}
		}
		return names
	}
	for _, tc := range []struct {
		name string
		q    lts.DeviceQuery
		want string
	}{
		{"newest first", lts.DeviceQuery{Cutoffs: cutoffs}, "other fresh revoked removed silent both"},
		{"oldest first", lts.DeviceQuery{Cutoffs: cutoffs, Oldest: true}, "both silent removed revoked fresh other"},
		{"a page", lts.DeviceQuery{Cutoffs: cutoffs, Offset: 1, Limit: 2}, "fresh revoked"},
		{"the last page", lts.DeviceQuery{Cutoffs: cutoffs, Offset: 4, Limit: 4}, "silent both"},
		{"past the end", lts.DeviceQuery{Cutoffs: cutoffs, Offset: 9, Limit: 4}, ""},
		{"active", lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceActive}, "other fresh"},
		{"active of A", lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceActive, Handshake: a}, "fresh"},
		{"silent", lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceSilent}, "silent"},
		{"silent without cutoffs", lts.DeviceQuery{State: lts.DeviceSilent}, ""},
		{"revoked", lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceRevoked}, "revoked both"},
		{"removed", lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceRemoved}, "removed"},
		{"found", lts.DeviceQuery{Cutoffs: cutoffs, Search: "ScannerD 1"}, "other"},
	} {
		if got := strings.Join(list(tc.q), " "); got != tc.want {
			t.Errorf("list of %s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// Ties in last seen go by code, then UUID.
	twin := ds["other"]
	twin.ID, twin.Handshake = "00000000-0000-4000-8000-000000000000", a
	f.st.UpdateCode(f.ctx, a, func(tx lts.CodeTx) error { return tx.PutDevice(&twin) })
	ds["twin"] = twin
	if got := strings.Join(list(lts.DeviceQuery{Limit: 2}), " "); got != "twin other" {
		t.Errorf("ties: %s, want twin other", got)
	}
	for _, q := range []lts.DeviceQuery{{State: "asleep"}, {Offset: -1}, {Limit: -1}} {
		if _, err := f.st.ListDevices(f.ctx, &q); !errors.Is(err, lts.ErrInvalid) {
			t.Errorf("list %+v: %v, want ErrInvalid", q, err)
		}
		if _, err := f.st.DeviceCounts(f.ctx, &q); !errors.Is(err, lts.ErrInvalid) {
			t.Errorf("count %+v: %v, want ErrInvalid", q, err)
		}
	}
}

// cutoffsAt are the cutoffs of a code with the default offline
// period and a week of inactivity, at now.
func cutoffsAt(now time.Time) lts.DeviceCutoffs {
	return lts.DeviceCutoffs{ActiveSince: now.AddDate(0, 0, -7), SilentBefore: now.Add(-lts.DefaultOfflinePeriod)}
}

// testDeviceSummariesFollowWrites: what the views read changes with every
// write of a device, on every replica: an authorization, a usage report
// that moves its last seen, an operator's action, a load.
func testDeviceSummariesFollowWrites(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	now := Epoch.AddDate(0, 1, 0)
	cutoffs := map[string]lts.DeviceCutoffs{a: cutoffsAt(now)}
	counts := func() lts.DeviceCount {
		t.Helper()
		got, err := f.peer(1).DeviceCounts(f.ctx, &lts.DeviceQuery{Cutoffs: cutoffs})
		if err != nil {
			t.Fatal(err)
		}
		return got[a]
	}
	d := f.device(a, now.AddDate(0, 0, -30))
	if got := counts(); got != (lts.DeviceCount{Silent: 1}) {
		t.Fatalf("after an authorization: %+v", got)
	}
	f.record(batch(now, report(d, "r1", now, map[string]uint64{"QR_CODE": 1})))
	if got := counts(); got != (lts.DeviceCount{Active: 1, Slots: 1}) {
		t.Fatalf("after a report: %+v", got)
	}
	listed, err := f.peer(1).ListDevices(f.ctx, &lts.DeviceQuery{Cutoffs: cutoffs, State: lts.DeviceActive})
	if err != nil || len(listed) != 1 || !listed[0].LastSeen.Equal(now) {
		t.Fatalf("listed after a report: %+v, %v", listed, err)
	}
	if _, err := f.st.SetDeviceState(f.ctx, d.ID, lts.DeviceRevoke, now); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != (lts.DeviceCount{Revoked: 1}) {
		t.Fatalf("after a revocation: %+v", got)
	}
	if _, err := f.st.SetDeviceState(f.ctx, d.ID, lts.DeviceReinstate, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetDeviceState(f.ctx, d.ID, lts.DeviceRemove, now); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != (lts.DeviceCount{Removed: 1}) {
		t.Fatalf("after a removal: %+v", got)
	}
	loader, ok := f.st.(lts.Loader)
	if !ok {
		return
	}
	loaded := lts.Device{ID: "loaded", Handshake: a, Key: newKey(), FirstSeen: now, LastSeen: now.AddDate(0, 0, -8)}
	if err := loader.Load(f.ctx, &lts.Records{Devices: []lts.Device{loaded}}); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != (lts.DeviceCount{Silent: 1, Removed: 1}) {
		t.Fatalf("after a load: %+v", got)
	}
}
