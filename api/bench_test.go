package api_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/scanner"
)

// BenchmarkFanout publishes results as fast as the slowest subscriber
// takes them (at most window events ahead) to 1, 10 and 100 NDJSON
// subscribers over the real socket. It reports events delivered per second
// over all subscribers and the latency each event adds from Publish to the
// subscriber's decoded Result (p50, p99), queueing included.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchFanout(b, n, 256) })
	}
}

// BenchmarkFanoutLatency publishes one event at a time and waits until
// every subscriber has it: the latency of an idle system.
func BenchmarkFanoutLatency(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchFanout(b, n, 1) })
	}
}

type benchSubscriber struct {
	received  atomic.Int64
	dropped   atomic.Int64
	latencies []time.Duration
}

func benchFanout(b *testing.B, n, window int) {
	ts := startServer(b, withConfig(func(c *api.Config) {
		c.SubscriberBuffer = 1024
		c.MaxSubscribers = n
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	subs := make([]*benchSubscriber, n)
	progress := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for i := range subs {
		st, err := ts.client.Subscribe(ctx, client.EventsOptions{})
		if err != nil {
			b.Fatal(err)
		}
		s := &benchSubscriber{latencies: make([]time.Duration, 0, b.N)}
		subs[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer st.Close()
			for s.received.Load()+s.dropped.Load() < int64(b.N) {
				ev, err := st.Next()
				if err != nil {
					return
				}
				switch ev.Kind {
				case client.EventResult:
					s.latencies = append(s.latencies, time.Since(ev.Result.DecodedAt))
					s.received.Add(1)
				case client.EventDropped:
					s.dropped.Add(int64(ev.Dropped))
				}
				select {
				case progress <- struct{}{}:
				default:
				}
			}
		}()
	}
	ts.waitSubscribers(b, n)
	slowest := func() int64 {
		m := int64(b.N)
		for _, s := range subs {
			m = min(m, s.received.Load()+s.dropped.Load())
		}
		return m
	}

	res := []scanner.Result{{Symbology: scanner.QRCode, Text: "https://example.com/ticket/0042", Source: "cam0",
		Points: [4]scanner.Point{{X: 10, Y: 20}, {X: 110, Y: 20}, {X: 110, Y: 120}, {X: 10, Y: 120}}}}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for int64(i)-slowest() >= int64(window) {
			<-progress // woken by a reader: no spinning on a shared machine
		}
		now := time.Now()
		res[0].Frame, res[0].CapturedAt, res[0].DecodedAt = uint64(i), now, now
		ts.Publish(res)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	var all []time.Duration
	var dropped int64
	for _, s := range subs {
		all = append(all, s.latencies...)
		dropped += s.dropped.Load()
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds())
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "events/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(dropped), "dropped")
}
