package lts_test

import (
	"fmt"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
)

// BenchmarkIngestUsageReports measures sealed usage reports ingested per
// second over TLS on loopback into a real bbolt file, 16 devices at once.
func BenchmarkIngestUsageReports(b *testing.B) {
	l := ltstest.Start(b, ltstest.Options{})
	l.IssueLicense(b, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 50, Period: wire.PeriodMonth})
	code := l.Handshake(b, lts.Handshake{Licenses: []string{"L"}})
	client := l.Client()
	var next atomic.Int64
	b.SetParallelism(8) // × GOMAXPROCS devices sending at once
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		d := newDevice(l, client, code)
		if _, err := d.authorize(); err != nil {
			b.Error(err)
			return
		}
		for pb.Next() {
			i := next.Add(1)
			if _, err := d.report(fmt.Sprint(i), map[string]uint64{"QR_CODE": 3, "EAN_13": 1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
}

// BenchmarkAuthorize measures authorize latency (p50, p99) of one device
// after another over TLS on loopback, with and without a session password.
func BenchmarkAuthorize(b *testing.B) {
	for _, password := range []bool{false, true} {
		b.Run(fmt.Sprintf("password=%v", password), func(b *testing.B) {
			l := ltstest.Start(b, ltstest.Options{})
			l.IssueLicense(b, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1 << 30})
			h := lts.Handshake{Licenses: []string{"L"}}
			if password {
				h.Password, _ = lts.HashPassword("pw")
			}
			code := l.Handshake(b, h)
			client := l.Client()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := newDevice(l, client, code)
				d.pass = "pw"
				t0 := time.Now()
				if _, err := d.authorize(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
