package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/console"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
	"github.com/scannerd/scannerd/licensing/wire"
)

// BenchmarkPages renders each page over a store of 10,000 devices under
// 50 handshake codes, a year of usage per code (four symbologies a day) and
// what the store keeps of each device's usage (a report a day this month,
// one a month for the year before), on bbolt and on PostgreSQL (fsync on,
// skipped without it), and reports the p95 render time and the CPU per
// render of this process (server and client) and of PostgreSQL.
//
//	go test -run - -bench Pages -benchtime 20x ./licensing/lts/console
func BenchmarkPages(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) (lts.Store, *pgtest.Server)
	}{
		{"bolt", func(b *testing.B) (lts.Store, *pgtest.Server) {
			st, err := boltstore.Open(filepath.Join(b.TempDir(), "lts.db"))
			must(b, err)
			return st, nil
		}},
		{"postgres", func(b *testing.B) (lts.Store, *pgtest.Server) {
			srv, err := pgtest.Start(pgtest.Options{Durable: true})
			if err != nil {
				b.Skip(err)
			}
			b.Cleanup(srv.Close)
			st, err := pgstore.Open(context.Background(), srv.Database(b))
			must(b, err)
			return st, srv
		}},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			st, pg := s.open(b)
			defer st.Close()
			devices := fillStore(b, st)
			benchPages(b, st, pg, devices)
		})
	}
}

// fillStore writes the benchmark's records and returns the devices.
func fillStore(b testing.TB, st lts.Store) []lts.Device {
	ctx := context.Background()
	recs := &lts.Records{}
	var codes []string
	for c := range 50 {
		code := fmt.Sprintf("CODE-%02d", c)
		codes = append(codes, code)
		recs.Licenses = append(recs.Licenses, lts.LicenseRecord{Handshake: code, Imported: now, License: wire.License{
			ID: code + "-L", Customer: fmt.Sprintf("Customer %d", c), Type: wire.LicensePerScan, ScansPerPeriod: 5_000_000, Period: wire.PeriodMonth,
			Issued: now.AddDate(-1, 0, 0), NotBefore: now.AddDate(-1, 0, 0), Expires: now.AddDate(1, 0, 0)}})
		recs.Handshakes = append(recs.Handshakes, lts.Handshake{Code: code, Licenses: []string{code + "-L"}, OfflinePeriod: lts.DefaultOfflinePeriod, Created: now.AddDate(-1, 0, 0)})
		for d := now.AddDate(-1, 0, 0); !d.After(now); d = d.AddDate(0, 0, 1) {
			for i, sym := range []string{"QR_CODE", "EAN_13", "CODE_128", "DATA_MATRIX"} {
				recs.Usage = append(recs.Usage, lts.UsageRow{Handshake: code, Period: d.Format(lts.DayLayout), Symbology: sym, Count: uint64(100*(i+1) + c)})
			}
		}
	}
	for i := range 10_000 {
		seen := now.Add(-time.Duration(i%400) * time.Hour)
		recs.Devices = append(recs.Devices, lts.Device{ID: uuid.NewString(), Handshake: codes[i%50], Key: []byte{byte(i), byte(i >> 8)}, Address: "192.0.2.1",
			Software: "scannerd", FirstSeen: now.AddDate(-1, 0, 0), LastSeen: seen})
	}
	loader, ok := st.(lts.Loader)
	if !ok {
		b.Fatalf("%T loads no records", st)
	}
	must(b, loader.Load(ctx, recs))
	// The devices' usage as the store keeps it: a report a day this month,
	// one on the 15th of each of the twelve months before. Their counts
	// go to the code totals too (as they would), on top of the year above.
	var slots []time.Time
	for m := 12; m >= 1; m-- {
		slots = append(slots, time.Date(now.Year(), now.Month()-time.Month(m), 15, 8, 0, 0, 0, time.UTC))
	}
	for day := 1; day <= now.Day(); day++ {
		slots = append(slots, time.Date(now.Year(), now.Month(), day, 8, 0, 0, 0, time.UTC))
	}
	for _, slot := range slots {
		batch := &lts.UsageBatch{Now: now, CountFrom: now.AddDate(-1, -1, 0), KeepFor: 400 * 24 * time.Hour}
		for i, d := range recs.Devices {
			n := uint64(1 + i%13)
			batch.Reports = append(batch.Reports, &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.Key, HandshakeCode: d.Handshake,
				ReportID: fmt.Sprintf("%s-%d", slot.Format(lts.DayLayout), i), Time: slot, Scans: n, Counts: []wire.UsageCount{{Slot: slot, Symbology: "QR_CODE", Count: n}}})
		}
		_, err := st.RecordUsage(ctx, batch)
		must(b, err)
	}
	// Forget the days no longer kept; the reports moved every last seen to
	// now: put them back.
	_, err := st.Prune(ctx, now)
	must(b, err)
	for _, code := range codes {
		err := st.UpdateCode(ctx, code, func(tx lts.CodeTx) error {
			for i := range recs.Devices {
				if d := &recs.Devices[i]; d.Handshake == code {
					if err := tx.PutDevice(d); err != nil {
						return err
					}
				}
			}
			return nil
		})
		must(b, err)
	}
	return recs.Devices
}

func benchPages(b *testing.B, st lts.Store, pg *pgtest.Server, devices []lts.Device) {
	ctx := context.Background()
	h, err := console.HashPassword(password(adminName), quick)
	must(b, err)
	must(b, st.CreateAccount(ctx, &lts.Account{Name: adminName, Role: lts.RoleAdmin, PasswordHash: h, Created: now, PasswordChanged: now}))
	c, err := console.New(console.Options{Store: st, Now: func() time.Time { return now }})
	must(b, err)
	srv := httptest.NewTLSServer(c.Handler())
	defer srv.Close()
	f := &fixture{srv: srv, url: srv.URL + console.Prefix}
	client := f.client(b)
	f.signIn(b, client, adminName)
	pages := []string{"", "usage?code=CODE-07", "usage?by=month&code=CODE-07", "usage?by=month&group=device&code=CODE-07",
		"usage?group=device&code=CODE-07", "usage", "usage?by=month", "usage?group=device", "usage?by=month&group=device", "usage?group=code",
		"devices", "devices?state=silent", "devices?q=" + devices[77].ID[:8], "devices?q=customer+7&page=3", "devices?code=CODE-07&state=active",
		"codes", "licenses", "alerts"}
	for _, p := range pages {
		b.Run(p, func(b *testing.B) {
			var took []time.Duration
			cpu := pgtest.NewCPUMeter(pg)
			for b.Loop() {
				start := time.Now()
				resp, err := client.Get(f.url + p)
				must(b, err)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %s", p, resp.Status)
				}
				took = append(took, time.Since(start))
			}
			cpu.Report(b, "page")
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
