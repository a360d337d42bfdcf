package lts_test

import (
	"context"
	"testing"

	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
	"github.com/scannerd/scannerd/licensing/wire"
)

// TestMigrateBoltToPostgres copies a bbolt store that real traffic filled
// (devices authorized, removed and revoked, usage reported) into
// PostgreSQL and finds every record and total equal.
func TestMigrateBoltToPostgres(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "SCAN", Type: wire.LicensePerScan, ScansPerPeriod: 10000, Period: wire.PeriodMonth})
	l.IssueLicense(t, wire.License{ID: "DEV", Type: wire.LicensePerDevice, MaxDevices: 5})
	scan := l.Handshake(t, lts.Handshake{Licenses: []string{"SCAN"}})
	dev := l.Handshake(t, lts.Handshake{Licenses: []string{"DEV"}, Password: quickHash(t, "pw")})
	client := l.Client()
	want := map[string]uint64{}
	for i := 0; i < 6; i++ {
		code := scan
		if i%2 == 1 {
			code = dev
		}
		d := newDevice(l, client, code)
		d.pass = "pw"
		mustAuthorize(t, d)
		for r := 0; r < 5; r++ {
			counts := map[string]uint64{"QR_CODE": uint64(i + r + 1), "EAN_13": uint64(r)}
			if _, err := d.report(reportID(10*i+r), counts); err != nil {
				t.Fatal(err)
			}
			for s, n := range counts {
				want[s] += n
			}
		}
		switch i {
		case 2:
			l.SetDeviceState(d.id, lts.DeviceRemove)
		case 3:
			l.SetDeviceState(d.id, lts.DeviceRevoke)
		}
	}
	l.Stop()
	src, err := boltstore.Open(l.StorePath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := pgstore.Open(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	m, err := lts.Migrate(context.Background(), dst, src)
	if err != nil {
		t.Fatal(err)
	}
	if m.Devices != 6 || m.Reports != 30 || m.Licenses != 2 || m.Handshakes != 2 {
		t.Fatalf("migrated %+v", m)
	}
	got, err := lts.Totals(context.Background(), dst, "")
	if err != nil || got["QR_CODE"] != want["QR_CODE"] || got["EAN_13"] != want["EAN_13"] {
		t.Fatalf("totals in PostgreSQL %v (%v), want %v", got, err, want)
	}
}
