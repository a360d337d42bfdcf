//go:build !nocv

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// pipelineVideo writes (once per run) a 1920×1080 30 fps MJPG video of
// seconds length in which a new barcode appears every 15 frames, drifting,
// on a noisy background.
func pipelineVideo(b *testing.B, seconds int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("scannerd-bench-1080p-%ds.avi", seconds))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	const w, h, fps = 1920, 1080, 30
	vw, err := gocv.VideoWriterFile(path+".tmp.avi", "MJPG", fps, w, h, true)
	if err != nil {
		b.Fatal(err)
	}
	bgr := gocv.NewMat()
	defer bgr.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []scanner.Symbology{scanner.QRCode, scanner.Code128, scanner.EAN13, scanner.DataMatrix}
	var sym *symbols.Symbol
	for i := 0; i < seconds*fps; i++ {
		if i%15 == 0 {
			k := kinds[(i/15)%len(kinds)]
			text := fmt.Sprintf("BENCH-%04d", i/15)
			if k == scanner.EAN13 {
				text = fmt.Sprintf("400638%06d", i/15)
				text += checkDigit(text)
			}
			sym, _ = symbols.Encode(k, text)
		}
		c := symbols.NewCanvas(w, h, 150)
		c.Draw(sym, symbols.Placement{CX: 500 + float64(i%15)*40, CY: 540, Module: 4, Dark: 30, Light: 230})
		c.Noise(rng, 6)
		gray, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, c.Pix)
		gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
		gray.Close()
		vw.Write(bgr)
	}
	vw.Close()
	if err := os.Rename(path+".tmp.avi", path); err != nil {
		b.Fatal(err)
	}
	return path
}

func checkDigit(d string) string {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-1-i)%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return fmt.Sprint((10 - sum%10) % 10)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPipeline1080p replays a 1080p 30 fps video in real time through
// the whole daemon (OpenCV capture, engine, dedup, delivery) and reports
// sustained frames per second, drops, capture-to-result latency, CPU use
// and peak RSS.
func BenchmarkPipeline1080p(b *testing.B) { benchPipeline(b, "", nil) }

// BenchmarkPipeline1080pHungWebhook is BenchmarkPipeline1080p with two
// webhook sinks: one whose target accepts connections and never answers,
// one with a working receiver. Decoding must not slow down, and the
// working sink must deliver every result; it reports that sink's delivery
// latency (result decoded to request received) and what the hung one
// dropped.
func BenchmarkPipeline1080pHungWebhook(b *testing.B) {
	hung, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var conns sync.WaitGroup
	defer func() { hung.Close(); conns.Wait() }()
	go func() { // accept, never read or answer
		for {
			c, err := hung.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() { defer conns.Done(); io.Copy(io.Discard, c) }()
		}
	}()
	var mu sync.Mutex
	var lat []float64
	got := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		var res api.Result
		json.NewDecoder(r.Body).Decode(&res)
		mu.Lock()
		lat = append(lat, float64(now.Sub(res.DecodedAt).Microseconds())/1000)
		mu.Unlock()
	}))
	defer got.Close()
	sinks := fmt.Sprintf(`
[[sink]]
name = "hung"
queue = 5
[sink.webhook]
url = "http://%s/"
timeout = "1h"

[[sink]]
name = "working"
[sink.webhook]
url = "%s/"
`, hung.Addr(), got.URL)
	benchPipeline(b, sinks, func(m *Main, results int) {
		st := m.d.sinks.Status()
		waitForB(b, "the working sink", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(lat) == results
		})
		mu.Lock()
		sort.Float64s(lat)
		b.ReportMetric(lat[len(lat)*99/100], "sink-p99-ms")
		b.ReportMetric(lat[len(lat)-1], "sink-max-ms")
		lat = lat[:0]
		mu.Unlock()
		b.ReportMetric(float64(st[0].Dropped), "hung-dropped")
	})
}

func waitForB(b *testing.B, what string, cond func() bool) {
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// benchPipeline runs the pipeline benchmark with extra config appended;
// after, when set, runs before the daemon stops with the number of
// results delivered.
func benchPipeline(b *testing.B, extra string, after func(m *Main, results int)) {
	video := pipelineVideo(b, 10)
	_, license := startLTS(b)
	for b.Loop() {
		out := &syncBuffer{}
		m := NewMain()
		m.Stdout, m.Stderr = out, &syncBuffer{}
		cfgPath := writeConfig(b, fmt.Sprintf("[log]\nlevel = \"warn\"\n[[source]]\nname = \"bench\"\nurl = \"file:%s\"\nrealtime = true\n%s%s", video, license, extra))
		m.ParseFlags([]string{"-config", cfgPath, "-ndjson"})
		cpu0, start := cpuTime(), time.Now()
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		for {
			st := m.d.sourceStatuses()
			es := m.d.engine.Stats()
			if st[0].State == "stopped" && es.Decoded+es.Dropped == st[0].Frames {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		elapsed, cpu := time.Since(start), cpuTime()-cpu0
		es := m.d.engine.Stats()
		results := readResults(b, out.String())
		if after != nil {
			after(m, len(results))
		}
		m.Close()
		var lat []float64
		for _, r := range results {
			lat = append(lat, r.LatencyMS)
		}
		sort.Float64s(lat)
		pct := func(p float64) float64 {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(p*float64(len(lat))))]
		}
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		b.ReportMetric(float64(es.Decoded)/elapsed.Seconds(), "fps")
		b.ReportMetric(float64(es.Dropped), "dropped")
		b.ReportMetric(float64(len(lat)), "results")
		b.ReportMetric(pct(0.5), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(100*cpu.Seconds()/elapsed.Seconds(), "cpu-%")
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
