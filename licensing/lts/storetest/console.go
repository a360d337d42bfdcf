package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// The records of the admin console: accounts, sessions, device usage.

func account(name string, role lts.Role) *lts.Account {
	return &lts.Account{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", Created: Epoch, PasswordChanged: Epoch}
}

func testAccounts(t *testing.T, f *fixture) {
	for _, a := range []*lts.Account{account("zoe", lts.RoleReadOnly), account("ann@example.com", lts.RoleAdmin)} {
		if err := f.st.CreateAccount(f.ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.CreateAccount(f.ctx, account("zoe", lts.RoleAdmin)); !errors.Is(err, lts.ErrExists) {
		t.Errorf("second account zoe: %v, want ErrExists", err)
	}
	for _, bad := range []*lts.Account{account("", lts.RoleAdmin), account("a b", lts.RoleAdmin), account("x", "root"), {Name: "nohash", Role: lts.RoleAdmin}} {
		if err := f.st.CreateAccount(f.ctx, bad); !errors.Is(err, lts.ErrInvalid) {
			t.Errorf("account %+v: %v, want ErrInvalid", bad, err)
		}
	}
	got, err := f.peer(1).Account(f.ctx, "zoe")
	if err != nil || !reflect.DeepEqual(got, account("zoe", lts.RoleReadOnly)) {
		t.Errorf("account zoe from a replica: %+v, %v", got, err)
	}
	if _, err := f.st.Account(f.ctx, "nobody"); !errors.Is(err, lts.ErrNotFound) {
		t.Errorf("missing account: %v", err)
	}
	all, err := f.st.Accounts(f.ctx)
	if err != nil || len(all) != 2 || all[0].Name != "ann@example.com" || all[1].Name != "zoe" {
		t.Errorf("accounts: %+v, %v", all, err)
	}

	changed := Epoch.Add(time.Hour)
	if err := f.st.SetAccountPassword(f.ctx, "zoe", "$argon2id$new", changed); err != nil {
		t.Fatal(err)
	}
	got, _ = f.st.Account(f.ctx, "zoe")
	if got.PasswordHash != "$argon2id$new" || !got.PasswordChanged.Equal(changed) || got.Role != lts.RoleReadOnly {
		t.Errorf("after a new password: %+v", got)
	}
	if err := f.st.SetAccountPassword(f.ctx, "nobody", "$argon2id$x", changed); !errors.Is(err, lts.ErrNotFound) {
		t.Errorf("password of a missing account: %v", err)
	}
	if err := f.st.DeleteAccount(f.ctx, "zoe"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteAccount(f.ctx, "zoe"); !errors.Is(err, lts.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := f.st.Account(f.ctx, "zoe"); !errors.Is(err, lts.ErrNotFound) {
		t.Errorf("deleted account: %v", err)
	}
}

func testSessions(t *testing.T, f *fixture) {
	for _, name := range []string{"ann", "bob"} {
		if err := f.st.CreateAccount(f.ctx, account(name, lts.RoleAdmin)); err != nil {
			t.Fatal(err)
		}
	}
	session := func(id, acct string) *lts.Session {
		return &lts.Session{ID: id, Account: acct, Created: Epoch, Expires: Epoch.Add(12 * time.Hour)}
	}
	for _, s := range []*lts.Session{session("s1", "ann"), session("s2", "ann"), session("s3", "bob"), session("s4", "bob")} {
		if err := f.st.CreateSession(f.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.CreateSession(f.ctx, session("s1", "bob")); !errors.Is(err, lts.ErrExists) {
		t.Errorf("taken session id: %v", err)
	}
	if err := f.st.CreateSession(f.ctx, session("s9", "nobody")); !errors.Is(err, lts.ErrNotFound) {
		t.Errorf("session of a missing account: %v", err)
	}
	alive := func(id string, at time.Time) bool {
		t.Helper()
		s, err := f.peer(1).Session(f.ctx, id, at)
		if errors.Is(err, lts.ErrNotFound) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.ID != id || !s.Expires.Equal(Epoch.Add(12*time.Hour)) || !s.Created.Equal(Epoch) {
			t.Errorf("session %s: %+v", id, s)
		}
		return true
	}
	if !alive("s1", Epoch) || !alive("s1", Epoch.Add(12*time.Hour-time.Second)) {
		t.Error("a session is not found by a replica before it expires")
	}
	if alive("s1", Epoch.Add(12*time.Hour)) {
		t.Error("a session is found when it expires")
	}
	if err := f.st.DeleteSession(f.ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteSession(f.ctx, "s1"); err != nil {
		t.Errorf("ending a session twice: %v", err)
	}
	if alive("s1", Epoch) || !alive("s2", Epoch) {
		t.Error("DeleteSession ended the wrong sessions")
	}
	// A new password ends the account's sessions, and only those.
	if err := f.st.SetAccountPassword(f.ctx, "ann", "$argon2id$new", Epoch); err != nil {
		t.Fatal(err)
	}
	if alive("s2", Epoch) || !alive("s3", Epoch) {
		t.Error("a new password did not end exactly the account's sessions")
	}
	if err := f.st.DeleteAccount(f.ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if alive("s3", Epoch) || alive("s4", Epoch) {
		t.Error("a deleted account's sessions live on")
	}
	// Prune forgets expired sessions.
	if err := f.st.CreateSession(f.ctx, session("s5", "ann")); err != nil {
		t.Fatal(err)
	}
	short := session("s6", "ann")
	short.Expires = Epoch.Add(time.Minute)
	if err := f.st.CreateSession(f.ctx, short); err != nil {
		t.Fatal(err)
	}
	p, err := f.st.Prune(f.ctx, Epoch.Add(time.Hour))
	if err != nil || p.Sessions != 1 {
		t.Errorf("prune: %+v, %v; want one session", p, err)
	}
	if !alive("s5", Epoch) {
		t.Error("prune ended a live session")
	}
}

func testDeviceUsage(t *testing.T, f *fixture) {
	a := f.code("A", wire.License{})
	b := f.code("B", wire.License{})
	d1, d2, d3 := f.device(a, Epoch), f.device(a, Epoch), f.device(b, Epoch)
	now := Epoch                     // 2026-11-02
	oct := now.AddDate(0, 0, -3)     // 2026-10-30
	later := now.Add(36 * time.Hour) // after now: counts on now's day
	stranger := d1
	stranger.Key = newKey()
	res := f.record(batch(now,
		report(d1, "r1", oct, map[string]uint64{"QR_CODE": 3, "EAN_13": 2}),
		report(d1, "r2", now, map[string]uint64{"QR_CODE": 4}),
		report(d1, "r3", later, map[string]uint64{"QR_CODE": 1}),
		report(d2, "r4", oct, map[string]uint64{"CODE_128": 1}),
		report(d3, "r5", now, map[string]uint64{"QR_CODE": 7}),
		report(stranger, "r6", now, map[string]uint64{"QR_CODE": 100}),
	))
	if res[5].Refused == nil {
		t.Fatal("a report with an unknown key was counted")
	}
	// A report counted again is not added again.
	f.record(batch(now, report(d1, "r1", oct, map[string]uint64{"QR_CODE": 3, "EAN_13": 2})))

	query := func(q lts.DeviceUsageQuery) []lts.DeviceUsageRow {
		t.Helper()
		rows, err := f.peer(1).DeviceUsage(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	row := func(code string, d lts.Device, period string, n uint64) lts.DeviceUsageRow {
		return lts.DeviceUsageRow{Handshake: code, Device: d.ID, Period: period, Count: n}
	}
	days := []lts.DeviceUsageRow{
		row(a, d1, "2026-10-30", 5), row(a, d1, "2026-11-02", 5),
		row(a, d2, "2026-10-30", 1),
		row(b, d3, "2026-11-02", 7),
	}
	lts.SortDeviceUsage(days)
	months := []lts.DeviceUsageRow{
		row(a, d1, "2026-10", 5), row(a, d1, "2026-11", 5),
		row(a, d2, "2026-10", 1),
		row(b, d3, "2026-11", 7),
	}
	lts.SortDeviceUsage(months)
	for _, tc := range []struct {
		name string
		q    lts.DeviceUsageQuery
		want []lts.DeviceUsageRow
	}{
		{"all days", lts.DeviceUsageQuery{Granularity: wire.PeriodDay}, days},
		{"all months", lts.DeviceUsageQuery{Granularity: wire.PeriodMonth}, months},
		{"one code", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Handshake: b}, []lts.DeviceUsageRow{row(b, d3, "2026-11-02", 7)}},
		{"one device", lts.DeviceUsageQuery{Granularity: wire.PeriodMonth, Handshake: a, Devices: []string{d1.ID}}, []lts.DeviceUsageRow{row(a, d1, "2026-10", 5), row(a, d1, "2026-11", 5)}},
		{"device of all codes", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Devices: []string{d2.ID}}, []lts.DeviceUsageRow{row(a, d2, "2026-10-30", 1)}},
		{"from a day", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Handshake: a, From: now.Add(-time.Hour)}, []lts.DeviceUsageRow{row(a, d1, "2026-11-02", 5)}},
		{"to a day", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, To: oct.Add(5 * time.Hour)}, []lts.DeviceUsageRow{row(a, d1, "2026-10-30", 5), row(a, d2, "2026-10-30", 1)}},
		{"one month", lts.DeviceUsageQuery{Granularity: wire.PeriodMonth, From: now.AddDate(0, 0, 20), To: now.AddDate(0, 0, 20)}, []lts.DeviceUsageRow{row(a, d1, "2026-11", 5), row(b, d3, "2026-11", 7)}},
		{"nothing", lts.DeviceUsageQuery{Granularity: wire.PeriodDay, Handshake: a, From: now.AddDate(0, 0, 1)}, nil},
	} {
		lts.SortDeviceUsage(tc.want)
		if got := query(tc.q); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	// The devices' days add up to their code's days.
	usage, err := f.st.Usage(f.ctx, lts.UsageQuery{Granularity: wire.PeriodDay})
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[[2]string]uint64{}
	for _, u := range usage {
		perDay[[2]string{u.Handshake, u.Period}] += u.Count
	}
	for _, d := range days {
		perDay[[2]string{d.Handshake, d.Period}] -= d.Count
	}
	for k, v := range perDay {
		if v != 0 {
			t.Errorf("code %s on %s: code and device totals differ by %d", k[0], k[1], int64(v))
		}
	}
	if _, err := f.st.DeviceUsage(f.ctx, lts.DeviceUsageQuery{Granularity: wire.PeriodYear}); !errors.Is(err, lts.ErrInvalid) {
		t.Errorf("device usage by year: %v, want ErrInvalid", err)
	}

	// Days are kept for this month and the two before, months for a year
	// and a month.
	p, err := f.st.Prune(f.ctx, now.AddDate(0, 2, 0)) // 2027-01-02: October's days go
	if err != nil || p.DeviceUsage != 2 {
		t.Errorf("prune in January: %+v, %v; want 2 device totals", p, err)
	}
	if got := query(lts.DeviceUsageQuery{Granularity: wire.PeriodMonth}); !reflect.DeepEqual(got, months) {
		t.Errorf("months after pruning days: %+v", got)
	}
	p, err = f.st.Prune(f.ctx, now.AddDate(1, 0, 0)) // 2027-11-02: every day, October 2026 goes
	if err != nil || p.DeviceUsage != 4 {
		t.Errorf("prune a year later: %+v, %v; want 4 device totals", p, err)
	}
	if got := query(lts.DeviceUsageQuery{Granularity: wire.PeriodMonth}); len(got) != 2 || got[0].Period != "2026-11" || got[1].Period != "2026-11" {
		t.Errorf("months left: %+v", got)
	}
	f.checkMonths()
}
