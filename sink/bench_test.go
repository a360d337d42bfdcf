package sink_test

import (
	"bufio"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/scannerd/scannerd/sink"
)

// arrivals records when each numbered result reached a receiver.
type arrivals struct {
	mu  sync.Mutex
	seq []int
	at  []time.Time
}

func (a *arrivals) add(n int) {
	now := time.Now()
	a.mu.Lock()
	a.seq = append(a.seq, n)
	a.at = append(a.at, now)
	a.mu.Unlock()
}

func (a *arrivals) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.seq)
}

// number reads the result number back from its text.
func number(text string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(text, textPrefix))
	return n
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSinkLatency offers 1,000 results a second for two seconds to
// one sink with a receiver on the same machine and reports the delivery
// latency (Deliver to arrival at the receiver) percentiles; it fails when
// a result is missing or out of order.
func BenchmarkSinkLatency(b *testing.B) {
	const rate, seconds = 1000, 2
	run := func(b *testing.B, spec sink.Spec, got *arrivals) {
		for b.Loop() {
			s := newSet(b, sink.Env{}, spec)
			// One result first: connecting (TLS, MQTT, opening the port)
			// is not part of the steady state measured.
			s.Deliver(nil, results(rate*seconds, 1))
			waitFor(b, "the first result", func() bool { return got.len() == 1 })
			got.mu.Lock()
			got.seq, got.at = nil, nil
			got.mu.Unlock()
			n := rate * seconds
			sent := make([]time.Time, n)
			cpu0, start := cpuTime(), time.Now()
			for i := range n {
				if d := time.Until(start.Add(time.Duration(i) * time.Second / rate)); d > 0 {
					time.Sleep(d)
				}
				sent[i] = time.Now()
				s.Deliver(ids(i, 1), results(i, 1))
			}
			waitFor(b, "every result", func() bool { return got.len() >= n })
			cpu := cpuTime() - cpu0
			got.mu.Lock()
			if !slices.IsSorted(got.seq) || len(got.seq) != n {
				b.Fatalf("%d arrivals, in order: %v", len(got.seq), slices.IsSorted(got.seq))
			}
			lat := make([]float64, n)
			for i, k := range got.seq {
				lat[i] = float64(got.at[i].Sub(sent[k]).Microseconds()) / 1000
			}
			got.mu.Unlock()
			slices.Sort(lat)
			b.ReportMetric(lat[n/2], "p50-ms")
			b.ReportMetric(lat[n*99/100], "p99-ms")
			b.ReportMetric(lat[n-1], "max-ms")
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "results/s")
			// Sender and receiver together (mosquitto is another process).
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/result")
		}
	}

	b.Run("webhook", func(b *testing.B) {
		got := &arrivals{}
		r := newReceiver(b)
		r.accepted = func(p payload) { got.add(number(p.Text)) }
		run(b, r.spec("hook"), got)
	})
	for _, qos := range []int{0, 1} {
		b.Run("mqtt-qos"+strconv.Itoa(qos), func(b *testing.B) {
			br := startBroker(b)
			got := &arrivals{}
			sub := br.subscribe(b, "bench", "scannerd/#")
			sub.c.Subscribe("scannerd/cam/QR_CODE", 1, func(_ mqtt.Client, m mqtt.Message) {
				var p payload
				json.Unmarshal(m.Payload(), &p)
				got.add(number(p.Text))
			}).Wait()
			run(b, mqttSpec("broker", "tcp://"+br.plain, qos), got)
		})
	}
	b.Run("serial", func(b *testing.B) {
		master, tty := openPTY(b)
		got := &arrivals{}
		go func() {
			r := bufio.NewReader(master)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				got.add(number(strings.TrimSpace(line)))
			}
		}()
		run(b, sink.Spec{Name: "plc", Serial: &sink.SerialSpec{Device: tty.Name(), Baud: 115200}}, got)
	})
}

// BenchmarkDeliver measures what a decode worker spends handing one result
// to the sinks: with none, and with a sink whose target hangs and whose
// queue is full (the result is counted as dropped). BenchmarkQueue has
// the cost of queueing a result.
func BenchmarkDeliver(b *testing.B) {
	rs, id := results(0, 1), ids(0, 1)
	b.Run("none", func(b *testing.B) {
		s := newSet(b, sink.Env{})
		for b.Loop() {
			s.Deliver(id, rs)
		}
	})
	for _, tc := range []struct {
		name  string
		queue int
	}{{"overflow", 1}} {
		b.Run(tc.name, func(b *testing.B) {
			r := newReceiver(b)
			r.hang = make(chan struct{})
			spec := r.spec("hung")
			spec.Queue = tc.queue
			s := newSet(b, sink.Env{}, spec)
			s.Deliver(id, rs)
			for b.Loop() {
				s.Deliver(id, rs)
			}
			b.StopTimer()
			r.release()
		})
	}
}
