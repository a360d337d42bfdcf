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
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/console"
	"github.com/scannerd/scannerd/licensing/wire"
)

// BenchmarkPages renders each page over a bbolt store of 10,000 devices
// under 50 handshake codes, a year of usage per code (four symbologies a
// day) and this month's usage per device, and reports the p95 render time.
//
//	go test -run - -bench Pages -benchtime 50x ./licensing/lts/console
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "lts.db"))
	must(b, err)
	defer st.Close()
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
	var devices []lts.Device
	for i := range 10_000 {
		seen := now.Add(-time.Duration(i%400) * time.Hour)
		d := lts.Device{ID: uuid.NewString(), Handshake: codes[i%50], Key: []byte{byte(i), byte(i >> 8)}, Address: "192.0.2.1", Software: "scannerd",
			FirstSeen: now.AddDate(-1, 0, 0), LastSeen: seen}
		devices = append(devices, d)
	}
	recs.Devices = devices
	must(b, st.Load(ctx, recs))
	// This month's usage per device: one report per device and day.
	for day := 1; day <= now.Day(); day++ {
		batch := &lts.UsageBatch{Now: now, CountFrom: now.AddDate(0, -1, 0), KeepFor: time.Hour}
		for i, d := range devices {
			slot := time.Date(now.Year(), now.Month(), day, 8, 0, 0, 0, time.UTC)
			batch.Reports = append(batch.Reports, &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.Key, HandshakeCode: d.Handshake,
				ReportID: fmt.Sprintf("%d-%d", day, i), Time: slot, Scans: 7, Counts: []wire.UsageCount{{Slot: slot, Symbology: "QR_CODE", Count: 7}}})
		}
		_, err := st.RecordUsage(ctx, batch)
		must(b, err)
	}
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
		"usage?group=device&code=CODE-07", "usage", "devices", "devices?state=silent", "devices?q=" + devices[77].ID[:8], "codes", "licenses", "alerts"}
	for _, p := range pages {
		b.Run(p, func(b *testing.B) {
			var took []time.Duration
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
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
