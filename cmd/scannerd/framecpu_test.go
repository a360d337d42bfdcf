//go:build !nocv

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/scanner"
)

// BenchmarkTwoPhotoStreamsFrameCPU decodes the frames of
// BenchmarkPipeline1080pTwoPhotoStreams's two videos offline, as its live
// workers would without a frame dropped: each stream's frames in order,
// with a live source's options, captured 1/30 s apart, through an engine
// with one live worker that takes each frame once the one before is done.
// It reports the frames' CPU time as their budget counts it (the worker
// thread's, which other processes on the machine change little: p50, p99,
// max) and logs what the costliest 2 % spent it on (EngineConfig.StageCPU:
// by stage, the budget's exempt first look apart), which is what the tail
// of the real-time run's latency is made of on a quiet machine.
func BenchmarkTwoPhotoStreamsFrameCPU(b *testing.B) {
	imgs := blackbox.Manifest(b)
	videos := []string{photoVideo(b, imgs, 0, 10), photoVideo(b, imgs, 1, 10)}
	for b.Loop() {
		var reps []*scanner.FrameReport
		for i, v := range videos {
			reps = append(reps, decodeOffline(b, fmt.Sprintf("bench%d", i), v)...)
		}
		sort.Slice(reps, func(i, j int) bool { return reps[i].CPU < reps[j].CPU })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		// The codes read (each source's texts, as the dedup filter counts
		// scans) and in how many frames.
		results, codes := 0, map[string]bool{}
		for _, r := range reps {
			results += len(r.Results)
			for _, res := range r.Results {
				codes[r.Source+"\x00"+res.Symbology.String()+"\x00"+res.Text] = true
			}
		}
		b.ReportMetric(float64(len(reps)), "frames")
		b.ReportMetric(float64(len(codes)), "codes")
		b.ReportMetric(float64(results), "results")
		b.ReportMetric(ms(reps[len(reps)/2].CPU), "frame-cpu-p50-ms")
		b.ReportMetric(ms(reps[len(reps)*99/100].CPU), "frame-cpu-p99-ms")
		b.ReportMetric(ms(reps[len(reps)-1].CPU), "frame-cpu-max-ms")
		top := reps[len(reps)*98/100:]
		b.Logf("the costliest %d frames, CPU ms a frame by stage (the exempt first look's marked *):%s", len(top), stageSplit(top))
		for i := len(top) - 1; i >= 0; i-- {
			b.Logf("%s", stageLine(top[i]))
		}
	}
}

// decodeOffline decodes the frames of the Motion-JPEG video at path as a
// live source named name would have them decoded, and returns their
// reports.
func decodeOffline(b *testing.B, name, path string) []*scanner.FrameReport {
	spec := capture.Spec{Name: name, URL: "file:" + path, Realtime: true}
	opts, err := spec.Options()
	if err != nil {
		b.Fatal(err)
	}
	start, n := time.Now(), 0
	clock := func() time.Time { // frames 1/30 s apart, as read in real time
		n++
		return start.Add(time.Duration(n-1) * time.Second / 30)
	}
	spec.Realtime = false // read as fast as they are decoded
	src, err := capture.New(spec, capture.Env{Clock: clock, Logger: slog.New(slog.DiscardHandler), Encoded: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := src.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	done := make(chan *scanner.FrameReport, 1)
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, StageCPU: true, Logger: slog.New(slog.DiscardHandler),
		OnFrame: func(r *scanner.FrameReport) { done <- r }})
	e.Start()
	defer e.Close()
	pool := scanner.NewPlanePool(0)
	var reps []*scanner.FrameReport
	for {
		f, err := src.Read(ctx, pool)
		if errors.Is(err, io.EOF) {
			return reps
		}
		if err != nil {
			b.Fatal(err)
		}
		e.Submit(f, opts)
		r := <-done
		if r.Err != nil {
			b.Fatalf("%s frame %d: %v", name, r.Seq, r.Err)
		}
		reps = append(reps, r)
	}
}

// stageLine tells one frame's CPU time and its split by stage.
func stageLine(r *scanner.FrameReport) string {
	var passes strings.Builder
	for _, p := range r.Passes {
		fmt.Fprintf(&passes, " %s", p.Name)
	}
	return fmt.Sprintf("%s #%d %.1f ms, read %d, unchanged %.2f, passes%s:%s", r.Source, r.Seq, float64(r.CPU.Microseconds())/1000, len(r.Results),
		r.Unchanged, passes.String(), stageSplit([]*scanner.FrameReport{r}))
}

// stageSplit sums the stages of reps over their passes (the stage of a 2D
// reader is its symbology), the exempt first look's apart, costliest
// first.
func stageSplit(reps []*scanner.FrameReport) string {
	type key struct {
		stage  string
		waived bool
	}
	sum := map[key]time.Duration{}
	var total time.Duration
	for _, r := range reps {
		for _, s := range r.Stages {
			sum[key{s.Stage, s.Waived}] += s.CPU
			total += s.CPU
		}
	}
	keys := make([]key, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return sum[keys[i]] > sum[keys[j]] })
	var sb strings.Builder
	for _, k := range keys {
		if sum[k] < total/100 {
			break
		}
		mark := ""
		if k.waived {
			mark = "*"
		}
		fmt.Fprintf(&sb, " %s%s %.1f", k.stage, mark, float64(sum[k].Microseconds())/1000/float64(len(reps)))
	}
	return sb.String()
}
