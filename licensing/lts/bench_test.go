package lts_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
	"github.com/scannerd/scannerd/licensing/wire"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The stores benchmarked: bbolt with one server, PostgreSQL (fsync on)
// with two replicas.
var benchStores = []struct {
	name     string
	replicas int
}{{"bolt", 1}, {"postgres", 2}}

// startReplicas starts an LTS of the given store with its replicas.
func startReplicas(b *testing.B, store string, replicas int) ([]*ltstest.LTS, *pgtest.CPUMeter) {
	b.Helper()
	if store == "bolt" {
		return []*ltstest.LTS{ltstest.Start(b, ltstest.Options{})}, pgtest.NewCPUMeter(nil)
	}
	srv := pgtest.SharedDurable(b)
	url := srv.Database(b)
	open := func() lts.Store {
		st, err := pgstore.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	out := []*ltstest.LTS{ltstest.Start(b, ltstest.Options{Store: open()})}
	for len(out) < replicas {
		out = append(out, out[0].Replica(b, open()))
	}
	return out, pgtest.NewCPUMeter(srv)
}

// devicesOn authorizes n devices spread over the replicas under a
// generous per-scan license.
func devicesOn(b *testing.B, ls []*ltstest.LTS, n int) []*device {
	b.Helper()
	ls[0].IssueLicense(b, wire.License{ID: "L", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 50, Period: wire.PeriodMonth})
	code := ls[0].Handshake(b, lts.Handshake{Licenses: []string{"L"}})
	clients := make([]*http.Client, len(ls))
	for i, l := range ls {
		clients[i] = l.Client()
	}
	devs := make([]*device, n)
	for i := range devs {
		devs[i] = newDevice(ls[i%len(ls)], clients[i%len(ls)], code)
		if _, err := devs[i].authorize(); err != nil {
			b.Fatal(err)
		}
	}
	return devs
}

// BenchmarkIngestUsageReports measures sealed usage reports ingested per
// second over TLS on loopback, 16 devices at once, each doing all a device
// does (sealing each report, opening and verifying each reply) in this
// process: the device side takes about half the CPU.
func BenchmarkIngestUsageReports(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(fmt.Sprintf("%s-%d", bs.name, bs.replicas), func(b *testing.B) {
			ls, cpu := startReplicas(b, bs.name, bs.replicas)
			devs := devicesOn(b, ls, 8*2*bs.replicas)
			var next, worker atomic.Int64
			b.SetParallelism(8) // × GOMAXPROCS devices sending at once
			start := time.Now()
			cpu.Reset()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				d := devs[int(worker.Add(1)-1)%len(devs)]
				for pb.Next() {
					i := next.Add(1)
					if _, err := d.report(fmt.Sprint(i), map[string]uint64{"QR_CODE": 3, "EAN_13": 1}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			finishIngest(b, start, cpu, ls, devs[0].code)
		})
	}
}

// BenchmarkIngestCapacity measures what the LTS itself ingests: the same
// reports over TLS from 64 connections at once (a fleet reports at random
// moments), sealed before the clock starts, and the replies read but not
// opened, so that the machine's CPU goes to the server (TLS, HPKE opening,
// reply sealing and signing, the store). The totals are checked after.
func BenchmarkIngestCapacity(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(fmt.Sprintf("%s-%d", bs.name, bs.replicas), func(b *testing.B) {
			ls, cpu := startReplicas(b, bs.name, bs.replicas)
			devs := devicesOn(b, ls, 8*2*bs.replicas)
			type sealed struct {
				d    *device
				body []byte
			}
			bodies := make(chan sealed, b.N)
			for i := 0; i < b.N; i++ {
				d := devs[i%len(devs)]
				rep := d.usageReport(fmt.Sprint(i), map[string]uint64{"QR_CODE": 3, "EAN_13": 1})
				body, err := wire.SealRequest(d.lts.Key, d.id, rep)
				if err != nil {
					b.Fatal(err)
				}
				bodies <- sealed{d, body}
			}
			close(bodies)
			b.SetParallelism(32) // × GOMAXPROCS connections
			start := time.Now()
			cpu.Reset()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s := <-bodies
					resp, err := s.d.client.Post(s.d.lts.URL+wire.PathUsage, "application/json", bytes.NewReader(s.body))
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("HTTP %d", resp.StatusCode)
						return
					}
				}
			})
			finishIngest(b, start, cpu, ls, devs[0].code)
		})
	}
}

// finishIngest reports the rate, the CPU per report and the batch size of
// an ingest benchmark, and checks the totals.
func finishIngest(b *testing.B, start time.Time, cpu *pgtest.CPUMeter, ls []*ltstest.LTS, code string) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
	cpu.Report(b, "report")
	b.StopTimer()
	reportBatches(b, ls)
	checkTotals(b, ls[0], code, uint64(b.N))
}

// reportBatches adds the mean number of reports per store transaction.
func reportBatches(b *testing.B, ls []*ltstest.LTS) {
	var sum, count float64
	for _, l := range ls {
		m := scrape(b, l)
		s, _ := strconv.ParseFloat(m["ltsd_usage_batch_reports_sum"], 64)
		c, _ := strconv.ParseFloat(m["ltsd_usage_batch_reports_count"], 64)
		sum, count = sum+s, count+c
	}
	if count > 0 {
		b.ReportMetric(sum/count, "reports/batch")
	}
}

// checkTotals checks that n reports of 3 QR codes and an EAN-13 were counted.
func checkTotals(b *testing.B, l *ltstest.LTS, code string, n uint64) {
	b.Helper()
	got, err := l.Totals(code)
	if err != nil || got["QR_CODE"] != 3*n || got["EAN_13"] != n {
		b.Fatalf("totals %v (%v) after %d reports", got, err, n)
	}
}

// BenchmarkAuthorize measures authorize latency (p50, p99) of one new
// device after another over TLS on loopback, with and without a session
// password, on each store, and the CPU per authorization of this process
// (device and server) and PostgreSQL: on a busy machine the latency
// measures the machine, the CPU the LTS.
func BenchmarkAuthorize(b *testing.B) {
	for _, bs := range benchStores {
		for _, password := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/password=%v", bs.name, password), func(b *testing.B) {
				ls, cpu := startReplicas(b, bs.name, 1)
				l := ls[0]
				l.IssueLicense(b, wire.License{ID: "L", Type: wire.LicensePerDevice, MaxDevices: 1 << 30})
				h := lts.Handshake{Licenses: []string{"L"}}
				if password {
					h.Password, _ = lts.HashPassword("pw")
				}
				code := l.Handshake(b, h)
				client := l.Client()
				lat := make([]time.Duration, 0, b.N)
				cpu.Reset()
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
				cpu.Report(b, "authorize")
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
