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
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/syncbuf"
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
func BenchmarkPipeline1080p(b *testing.B) {
	benchPipeline(b, []string{pipelineVideo(b, 10)}, "", nil)
}

// BenchmarkPipeline1080pTwoPhotoStreams replays two 1080p 30 fps videos in
// real time at once, their frames made from the blackbox set's photos (a
// photo without a barcode as background, two barcode photos on it, a new
// scene every half second), with the daemon's default decode settings.
func BenchmarkPipeline1080pTwoPhotoStreams(b *testing.B) {
	imgs := blackbox.Manifest(b)
	benchPipeline(b, []string{photoVideo(b, imgs, 0, 10), photoVideo(b, imgs, 1, 10)}, "", nil)
}

// BenchmarkPipeline1080pTwoPhotoStreamsCost is
// BenchmarkPipeline1080pTwoPhotoStreams on 3 seconds of video replayed at
// a sixth of the frame rate (5 frames a second each, rescan six times as
// long, so that as many frames pass between two whole searches), which a
// shared, loaded machine keeps up with: every frame is decoded, and its
// cost, capture and decode, is what a frame costs at the full rate.
// cores-at-30fps is the share of one core the two streams take at 30
// frames a second at that cost.
func BenchmarkPipeline1080pTwoPhotoStreamsCost(b *testing.B) {
	imgs := blackbox.Manifest(b)
	benchPipelineAt(b, []string{photoVideo(b, imgs, 0, 3), photoVideo(b, imgs, 1, 3)}, 5, "", nil)
}

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
	benchPipeline(b, []string{pipelineVideo(b, 10)}, sinks, func(m *Main, results int) {
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

// benchPipeline runs the pipeline benchmark on videos, one source each,
// with extra config appended; after, when set, runs before the daemon
// stops with the number of results delivered. Peak RSS is the daemon's:
// the high-water mark is reset once the videos are made.
func benchPipeline(b *testing.B, videos []string, extra string, after func(m *Main, results int)) {
	benchPipelineAt(b, videos, 0, extra, after)
}

// benchPipelineAt is benchPipeline with the videos replayed at fps frames
// a second (0: their own rate, 30) and rescan as many frames apart as the
// default's 500 ms at 30; with fps set it also reports cores-at-30fps.
func benchPipelineAt(b *testing.B, videos []string, fps float64, extra string, after func(m *Main, results int)) {
	_, license := startLTS(b)
	var sources strings.Builder
	for i, v := range videos {
		fmt.Fprintf(&sources, "[[source]]\nname = \"bench%d\"\nurl = \"file:%s\"\nrealtime = true\n", i, v)
		if fps > 0 {
			fmt.Fprintf(&sources, "fps = %g\n", fps)
			fmt.Fprintf(&sources, "rescan = \"%v\"\n", time.Duration(float64(capture.DefaultRescan)*30/fps))
		}
	}
	for b.Loop() {
		out := &syncbuf.Buffer{}
		m := NewMain()
		m.Stdout, m.Stderr = out, &syncbuf.Buffer{}
		cfgPath := writeConfig(b, fmt.Sprintf("[log]\nlevel = \"warn\"\n%s%s%s", sources.String(), license, extra))
		m.ParseFlags([]string{"-config", cfgPath, "-ndjson"})
		type frameKey struct {
			source string
			seq    uint64
		}
		var costMu sync.Mutex
		cost := map[frameKey]time.Duration{}
		// How long each frame took to reach a worker (its wait in the
		// queue) and its decode took (its JPEG's decode, done by the
		// worker, and the search), by the clock.
		toWorker, decoding := map[frameKey]time.Duration{}, map[frameKey]time.Duration{}
		m.inspect = func(r *scanner.FrameReport) {
			costMu.Lock()
			cost[frameKey{r.Source, r.Seq}] = r.CPU
			toWorker[frameKey{r.Source, r.Seq}] = r.StartedAt.Sub(r.CapturedAt)
			decoding[frameKey{r.Source, r.Seq}] = r.DecodedAt.Sub(r.StartedAt)
			costMu.Unlock()
		}
		runtime.GC()
		resetPeakRSS()
		cpu0, start := cpuTime(), time.Now()
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		for {
			es := m.d.engine.Stats()
			frames, stopped := uint64(0), true
			for _, st := range m.d.sourceStatuses() {
				frames += st.Frames
				stopped = stopped && st.State == "stopped"
			}
			if stopped && es.Finished() == frames {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		elapsed, cpu := time.Since(start), cpuTime()-cpu0
		goMiB := goMemoryMiB()
		planes := m.d.pool.Stats().Allocs
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
		b.ReportMetric(float64(es.Decoded)/elapsed.Seconds(), "fps")
		b.ReportMetric(float64(es.Dropped), "dropped")
		b.ReportMetric(float64(len(lat)), "results")
		b.ReportMetric(pct(0.5), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(100*cpu.Seconds()/elapsed.Seconds(), "cpu-%")
		// CPU per frame captured: with none dropped, what each frame
		// costs, capture and decode, whatever else the machine runs.
		perFrame := cpu.Seconds() * 1000 / float64(max(1, es.Finished()))
		b.ReportMetric(perFrame, "cpu-ms/frame")
		if fps > 0 {
			b.ReportMetric(float64(len(videos))*30*perFrame/1000, "cores-at-30fps")
		}
		b.ReportMetric(peakRSS(b), "peak-RSS-MiB")
		b.ReportMetric(goMiB, "go-MiB")
		// What the frames' decodes cost, counted as their budget is (each
		// worker's own CPU time, which other processes on the machine
		// change little, unlike the latency): the costliest frames, and
		// the costliest of those whose results were delivered, which
		// the latency's tail follows on a quiet machine.
		costMu.Lock()
		var all []float64
		for _, c := range cost {
			all = append(all, float64(c.Microseconds())/1000)
		}
		read := 0.0
		for _, r := range results {
			read = max(read, float64(cost[frameKey{r.Source, r.Frame}].Microseconds())/1000)
		}
		sort.Float64s(all)
		if len(all) > 0 {
			b.ReportMetric(all[len(all)*99/100], "frame-cpu-p99-ms")
			b.ReportMetric(all[len(all)-1], "frame-cpu-max-ms")
		}
		b.ReportMetric(read, "read-frame-cpu-max-ms")
		// The capture-to-result latency of the results split where a
		// worker took their frame: what of the tail is the way to a
		// worker, what the decode (each the 99th percentile of its own).
		var waits, decodes []float64
		for _, r := range results {
			k := frameKey{r.Source, r.Frame}
			waits = append(waits, float64(toWorker[k].Microseconds())/1000)
			decodes = append(decodes, float64(decoding[k].Microseconds())/1000)
		}
		costMu.Unlock()
		for _, d := range []struct {
			name string
			v    []float64
		}{{"to-worker-p99-ms", waits}, {"decoding-p99-ms", decodes}} {
			if len(d.v) > 0 {
				sort.Float64s(d.v)
				b.ReportMetric(d.v[min(len(d.v)-1, len(d.v)*99/100)], d.name)
			}
		}
		// Planes the pool made: what frames in flight and the pool's
		// free ones hold at most (each the size of a frame).
		b.ReportMetric(float64(planes), "planes")
	}
}

// goMemoryMiB returns the memory the Go runtime holds from the system
// (heap, stacks, its own structures; what it returned not counted), in
// MiB. Taken at the end of a run, beside the peak RSS, it tells the Go
// side from what the C libraries (OpenCV, FFmpeg) and the mapped code of
// the program and its libraries take.
func goMemoryMiB() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64()-s[1].Value.Uint64()) / (1 << 20)
}

// resetPeakRSS resets the process's peak resident set size (Linux
// clear_refs), so that what the benchmark made before is not counted.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns the process's peak resident set size since the last
// reset, in MiB.
func peakRSS(b *testing.B) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// photoVideo writes (once per run) a 1920×1080 30 fps MJPG video of
// seconds length made of the blackbox photos: every half second a new
// scene, a photo without a barcode stretched over the frame and blurred (a
// background out of focus), and two barcode photos on it at one and a half
// times their size, drifting.
// Stream k takes every other barcode photo, from the k-th on.
func photoVideo(b *testing.B, imgs []blackbox.Image, k, seconds int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("scannerd-bench-photoscene-%d-%ds.avi", k, seconds))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	const w, h, fps, sceneFrames = 1920, 1080, 30, 15
	var backs, codes []blackbox.Image
	for i, img := range imgs {
		switch {
		case img.Family == "none":
			backs = append(backs, img)
		case i%2 == k:
			codes = append(codes, img)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(k), 7))
	load := func(img blackbox.Image) *scanner.Frame {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			b.Fatal(err)
		}
		f, err := scanner.DecodeImage(data, scanner.DefaultLimits, scanner.NewPlanePool(0))
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	vw, err := gocv.VideoWriterFile(path+".tmp.avi", "MJPG", fps, w, h, true)
	if err != nil {
		b.Fatal(err)
	}
	bgr := gocv.NewMat()
	defer bgr.Close()
	canvas, background := make([]byte, w*h), make([]byte, w*h)
	var back *scanner.Frame
	var fronts [2]*scanner.Frame
	var at [2][2]int
	for i := 0; i < seconds*fps; i++ {
		if i%sceneFrames == 0 {
			back = load(backs[rng.IntN(len(backs))])
			for j := range fronts {
				fronts[j] = load(codes[rng.IntN(len(codes))])
				at[j] = [2]int{100 + j*900 + rng.IntN(200), 100 + rng.IntN(400)}
			}
		}
		if i%sceneFrames == 0 {
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					background[y*w+x] = back.Pix[(y*back.Height/h)*back.Stride+x*back.Width/w]
				}
			}
			// Out of focus, as behind labels a camera is focused on.
			boxBlur(background, w, h, 9)
		}
		copy(canvas, background)
		drift := (i % sceneFrames) * 4
		for j, f := range fronts {
			pasteScaled(canvas, w, h, f, at[j][0]+drift, at[j][1], 1.5)
		}
		gray, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, canvas)
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

// boxBlur blurs the w×h image pix in place with a box of 2r+1 pixels, rows
// then columns.
func boxBlur(pix []byte, w, h, r int) {
	line := make([]int, max(w, h))
	pass := func(n, count int, at func(line, i int) *byte) {
		for l := 0; l < count; l++ {
			for i := 0; i < n; i++ {
				line[i] = int(*at(l, i))
			}
			for i := 0; i < n; i++ {
				s, c := 0, 0
				for j := max(0, i-r); j <= min(n-1, i+r); j++ {
					s += line[j]
					c++
				}
				*at(l, i) = byte(s / c)
			}
		}
	}
	pass(w, h, func(l, i int) *byte { return &pix[l*w+i] })
	pass(h, w, func(l, i int) *byte { return &pix[i*w+l] })
}

// pasteScaled draws f scaled by s (bilinear) into the w×h canvas with its
// top-left corner at (x0, y0), clipped to fit.
func pasteScaled(canvas []byte, w, h int, f *scanner.Frame, x0, y0 int, s float64) {
	fw, fh := int(float64(f.Width)*s), int(float64(f.Height)*s)
	for y := 0; y < fh; y++ {
		cy := y0 + y
		if cy < 0 || cy >= h {
			continue
		}
		sy := min(float64(f.Height-1), float64(y)/s)
		y1 := int(sy)
		y2 := min(f.Height-1, y1+1)
		fy := sy - float64(y1)
		for x := 0; x < fw; x++ {
			cx := x0 + x
			if cx < 0 || cx >= w {
				continue
			}
			sx := min(float64(f.Width-1), float64(x)/s)
			x1 := int(sx)
			x2 := min(f.Width-1, x1+1)
			fx := sx - float64(x1)
			p := func(xx, yy int) float64 { return float64(f.Pix[yy*f.Stride+xx]) }
			v := (p(x1, y1)*(1-fx)+p(x2, y1)*fx)*(1-fy) + (p(x1, y2)*(1-fx)+p(x2, y2)*fx)*fy
			canvas[cy*w+cx] = uint8(v + 0.5)
		}
	}
}
