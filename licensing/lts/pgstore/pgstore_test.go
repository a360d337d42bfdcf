package pgstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
	"github.com/scannerd/scannerd/licensing/lts/storetest"
	"github.com/scannerd/scannerd/licensing/wire"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	st, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformance runs the suite with two stores on one database, as two
// ltsd replicas: the concurrency tests spread over both.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) []lts.Store {
		url := pgtest.Database(t)
		return []lts.Store{open(t, url), open(t, url)}
	})
}

func TestMigrationsRunOnceAcrossReplicas(t *testing.T) {
	url := pgtest.Database(t)
	ctx := context.Background()
	stores := make([]*pgstore.Store, 4)
	errs := make(chan error, len(stores))
	for i := range stores {
		go func() {
			var err error
			stores[i], err = pgstore.Open(ctx, url)
			errs <- err
		}()
	}
	for range stores {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range stores {
		st.Close()
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, version int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &version); err != nil {
		t.Fatal(err)
	}
	if n != pgstore.SchemaVersion() || version != pgstore.SchemaVersion() {
		t.Fatalf("%d migrations recorded, latest %d; want %d", n, version, pgstore.SchemaVersion())
	}
	// A database migrated by a newer ltsd is refused, not written to.
	if _, err := conn.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')"); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(ctx, url); err == nil || !strings.Contains(err.Error(), "newer than this ltsd") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

// TestUsageIsPartitionedByMonth: each month's totals live in a partition
// of their own, made when the month is first counted.
func TestUsageIsPartitionedByMonth(t *testing.T) {
	url := pgtest.Database(t)
	st := open(t, url)
	defer st.Close()
	ctx := context.Background()
	d := deviceOfCode(t, st, "5f1b0c0e-7a45-4bde-9c43-2b8c3b3f1a01")
	rep := &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.Key, Nonce: make([]byte, 16), Time: epoch, HandshakeCode: "C", ReportID: "r",
		Counts: []wire.UsageCount{{Slot: epoch.AddDate(0, -1, 0), Symbology: "QR_CODE", Count: 2}, {Slot: epoch, Symbology: "QR_CODE", Count: 3}}, Scans: 5}
	if _, err := st.RecordUsage(ctx, &lts.UsageBatch{Now: epoch, CountFrom: epoch.AddDate(-1, 0, 0), KeepFor: 400 * 24 * time.Hour, Reports: []*wire.UsageReport{rep}}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for part, want := range map[string]int64{"usage_202610": 2, "usage_202611": 3} {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT coalesce(sum(count), 0) FROM "+part).Scan(&n); err != nil || n != want {
			t.Errorf("partition %s holds %d (%v), want %d", part, n, err, want)
		}
	}
}

// TestMonthlyTotalsAreMadeFromTheDays: migrations 4 and 5 make the
// monthly usage totals and the sums of every device of a database whose
// usage was counted before them.
func TestMonthlyTotalsAreMadeFromTheDays(t *testing.T) {
	url := pgtest.Database(t)
	st := open(t, url)
	defer st.Close()
	ctx := context.Background()
	d := deviceOfCode(t, st, "5f1b0c0e-7a45-4bde-9c43-2b8c3b3f1a02")
	rep := &wire.UsageReport{Version: wire.Version, Device: d.ID, DeviceKey: d.Key, Nonce: make([]byte, 16), Time: epoch, HandshakeCode: "C", ReportID: "r",
		Counts: []wire.UsageCount{{Slot: epoch.AddDate(0, -1, 0), Symbology: "QR_CODE", Count: 2}, {Slot: epoch.AddDate(0, 0, -1), Symbology: "QR_CODE", Count: 3},
			{Slot: epoch, Symbology: "QR_CODE", Count: 4}, {Slot: epoch, Symbology: "EAN_13", Count: 1}}, Scans: 10}
	if _, err := st.RecordUsage(ctx, &lts.UsageBatch{Now: epoch, CountFrom: epoch.AddDate(-1, 0, 0), KeepFor: 400 * 24 * time.Hour, Reports: []*wire.UsageReport{rep}}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Back to schema 3, its usage counted.
	if _, err := conn.Exec(ctx, `DROP TABLE usage_months, device_day_sums, device_month_sums; DROP INDEX device_days_device, device_months_device;
		DELETE FROM schema_migrations WHERE version >= 4`); err != nil {
		t.Fatal(err)
	}
	migrated := open(t, url)
	defer migrated.Close()
	if err := lts.CheckMonthlyUsage(ctx, migrated); err != nil {
		t.Fatal(err)
	}
	if err := lts.CheckDeviceSums(ctx, migrated); err != nil {
		t.Fatal(err)
	}
	if sums, err := migrated.DeviceUsage(ctx, lts.DeviceUsageQuery{Granularity: wire.PeriodMonth, Sum: lts.SumDevices}); err != nil || len(sums) != 2 {
		t.Fatalf("sums of every device by month: %+v, %v", sums, err)
	}
	if u, err := migrated.Used(ctx, "C", epoch); err != nil || u != (lts.Used{Day: 5, Month: 8, Year: 10}) {
		t.Fatalf("used: %+v, %v", u, err)
	}
}

// TestRecordUsageWaitsOutAServerRestart: a batch sent while the server is
// down is counted once it is back, exactly once.
func TestRecordUsageWaitsOutAServerRestart(t *testing.T) {
	url := pgtest.Database(t)
	st := open(t, url)
	defer st.Close()
	ctx := context.Background()
	d := deviceOfCode(t, st, "5f1b0c0e-7a45-4bde-9c43-2b8c3b3f1a02")
	batch := func(id string) *lts.UsageBatch {
		return &lts.UsageBatch{Now: epoch, CountFrom: epoch.AddDate(0, -1, 0), KeepFor: 30 * 24 * time.Hour, Reports: []*wire.UsageReport{{
			Version: wire.Version, Device: d.ID, DeviceKey: d.Key, Nonce: make([]byte, 16), Time: epoch, HandshakeCode: "C", ReportID: id,
			Counts: []wire.UsageCount{{Slot: epoch, Symbology: "QR_CODE", Count: 7}}, Scans: 7}}}
	}
	if _, err := st.RecordUsage(ctx, batch("before")); err != nil {
		t.Fatal(err)
	}
	server := pgtest.Shared(t)
	server.Crash()
	restarted := make(chan error, 1)
	go func() { restarted <- server.Restart() }()
	res, err := st.RecordUsage(ctx, batch("during"))
	if err != nil || res[0].Refused != nil || res[0].Duplicate {
		t.Fatalf("report across the restart: %+v, %v", res, err)
	}
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	if got, _ := lts.Totals(ctx, st, "C"); got["QR_CODE"] != 14 {
		t.Fatalf("totals %v, want 14", got)
	}
}

var epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// deviceOfCode registers a device under a new handshake code "C" over a
// per-device license.
func deviceOfCode(t *testing.T, st lts.Store, id string) lts.Device {
	t.Helper()
	ctx := context.Background()
	l := &wire.License{Version: wire.Version, ID: "L", Type: wire.LicensePerDevice, MaxDevices: 5, Issued: epoch, NotBefore: epoch.Add(-time.Hour), Expires: epoch.AddDate(1, 0, 0)}
	if _, err := st.ImportLicense(ctx, l, nil, epoch); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateHandshake(ctx, &lts.Handshake{Code: "C", Licenses: []string{"L"}, OfflinePeriod: time.Hour}); err != nil {
		t.Fatal(err)
	}
	d := lts.Device{ID: id, Handshake: "C", Key: make([]byte, 32), FirstSeen: epoch, LastSeen: epoch}
	if err := st.UpdateCode(ctx, "C", func(tx lts.CodeTx) error { return tx.PutDevice(&d) }); err != nil {
		t.Fatal(err)
	}
	return d
}
