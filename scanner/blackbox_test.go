package scanner

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// blackboxFloors are the images per family of the shared blackbox set the
// engine must keep reading (with TryHarder, TryInverted and TryRotated).
// Raise them when the engine improves; never lower them.
var blackboxFloors = map[string]int{
	"aztec":              17,
	"codabar":            11,
	"code128":            39,
	"code39":             6,
	"code93":             3,
	"datamatrix":         41,
	"ean13":              61,
	"ean8":               8,
	"inverted":           1,
	"itf":                14,
	"maxicode":           9,
	"none":               0,
	"pdf417":             39,
	"qrcode":             93,
	"rss14":              6,
	"rssexpanded":        58,
	"rssexpandedstacked": 65,
	"upca":               75,
	"upce":               13,
	"upcean-extension":   2,
}

type familyScore struct{ ok, total, falsePos int }

func scoreBlackbox(t testing.TB, opts Options) (map[string]*familyScore, []string) {
	imgs := blackbox.Load(t)
	scores := map[string]*familyScore{}
	var misses []string
	var mu sync.Mutex
	pool := NewPlanePool(0)
	jobs := make(chan blackbox.Image)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := newDecoder()
			for img := range jobs {
				data, err := os.ReadFile(img.Path)
				if err != nil {
					t.Error(err)
					continue
				}
				f, err := DecodeImage(data, DefaultLimits, pool)
				if err != nil {
					t.Errorf("%s: %v", img.Rel, err)
					continue
				}
				res, _ := d.decode(f, opts)
				f.Purge()
				hit := false
				for _, r := range res {
					hit = hit || blackbox.Matches(r.Text, img.Expected)
				}
				mu.Lock()
				s := scores[img.Family]
				if s == nil {
					s = &familyScore{}
					scores[img.Family] = s
				}
				s.total++
				if img.Family == "none" {
					if len(res) > 0 {
						s.falsePos++
						misses = append(misses, fmt.Sprintf("%s: false positive %v %q", img.Rel, res[0].Symbology, res[0].Text))
					}
				} else if hit {
					s.ok++
				} else {
					got := ""
					if len(res) > 0 {
						got = fmt.Sprintf(" (read %v %q)", res[0].Symbology, res[0].Text)
					}
					misses = append(misses, img.Rel+got)
				}
				mu.Unlock()
			}
		}()
	}
	for _, img := range imgs {
		jobs <- img
	}
	close(jobs)
	wg.Wait()
	sort.Strings(misses)
	return scores, misses
}

func TestBlackboxDecodeRate(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the blackbox set in short mode")
	}
	opts := Options{TryHarder: true, TryInverted: true, TryRotated: true}
	scores, misses := scoreBlackbox(t, opts)
	families := make([]string, 0, len(scores))
	for f := range scores {
		families = append(families, f)
	}
	sort.Strings(families)
	var b strings.Builder
	ok, total := 0, 0
	for _, f := range families {
		s := scores[f]
		fmt.Fprintf(&b, "%-20s %3d/%3d\n", f, s.ok, s.total)
		if f != "none" {
			ok += s.ok
			total += s.total
		}
		if floor, has := blackboxFloors[f]; has && s.ok < floor {
			t.Errorf("family %s: decoded %d of %d, below the floor of %d", f, s.ok, s.total, floor)
		}
		if s.falsePos > 0 {
			t.Errorf("family %s: %d false positives", f, s.falsePos)
		}
	}
	fmt.Fprintf(&b, "%-20s %3d/%3d\n", "ALL", ok, total)
	t.Logf("decode rate per family:\n%s", b.String())
	if testing.Verbose() {
		t.Logf("missed:\n%s", strings.Join(misses, "\n"))
	}
}

// BenchmarkBlackboxTryHarder decodes every image of the blackbox set (loaded
// beforehand, so only decoding is timed) as scanctl decode --try-harder
// does; ns/op is per image.
func BenchmarkBlackboxTryHarder(b *testing.B) {
	benchmarkBlackbox(b, blackboxFrames(b), Options{TryHarder: true, TryInverted: true, TryRotated: true})
}

// blackboxFrames loads every image of the blackbox set as a frame.
func blackboxFrames(b testing.TB) []*Frame {
	imgs := blackbox.Load(b)
	pool := NewPlanePool(0)
	var frames []*Frame
	for _, img := range imgs {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			b.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			b.Fatal(err)
		}
		frames = append(frames, f)
	}
	return frames
}

// BenchmarkBlackboxAllSymbologies is BenchmarkBlackboxTryHarder with every
// symbology on, those off by default included: the cost of "all".
func BenchmarkBlackboxAllSymbologies(b *testing.B) {
	frames := blackboxFrames(b)
	benchmarkBlackbox(b, frames, Options{Symbologies: AllSymbologies(), TryHarder: true, TryInverted: true, TryRotated: true})
}

func benchmarkBlackbox(b *testing.B, frames []*Frame, opts Options) {
	d := newDecoder()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.decode(frames[i%len(frames)], opts)
	}
}

// TestBlackboxNoneAllSymbologies: with every symbology on, those off by
// default included, nothing is read in the blackbox images without a
// barcode.
func TestBlackboxNoneAllSymbologies(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the blackbox set in short mode")
	}
	pool := NewPlanePool(0)
	d := newDecoder()
	opts := Options{Symbologies: AllSymbologies(), TryRotated: true}
	for _, img := range blackbox.Load(t) {
		if img.Family != "none" {
			continue
		}
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			t.Fatalf("%s: %v", img.Rel, err)
		}
		res, _ := d.decode(f, opts)
		f.Purge()
		for _, r := range res {
			t.Errorf("%s: false positive %v %q", img.Rel, r.Symbology, r.Text)
		}
	}
}

// BenchmarkBlackboxModes decodes the whole blackbox set once per
// iteration (use -benchtime 1x) in the engine's three ways: the live
// default (adaptive, within a 20 ms budget per frame), without adaptive
// decoding, and as scanctl decode --try-harder does. It reports the
// images read, the false positives and the decoding's CPU milliseconds
// per image (the thread's CPU time; loading the images is not counted).
func BenchmarkBlackboxModes(b *testing.B) {
	imgs := blackbox.Load(b)
	frames := blackboxFrames(b)
	for _, mode := range []struct {
		name string
		opts Options
	}{
		{"live", Options{TryRotated: true, Adaptive: true, Budget: 20 * time.Millisecond}},
		{"notadaptive", Options{TryRotated: true}},
		{"tryharder", Options{TryHarder: true, TryInverted: true, TryRotated: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu := threadCPUClock()
			d := newDecoder()
			var spent time.Duration
			read, falsePos, n := 0, 0, 0
			for b.Loop() {
				for i, f := range frames {
					start := cpu()
					res, _ := d.decode(f, mode.opts)
					spent += cpu() - start
					n++
					if imgs[i].Family == "none" {
						falsePos += min(1, len(res))
						continue
					}
					if slices.ContainsFunc(res, func(r Result) bool { return blackbox.Matches(r.Text, imgs[i].Expected) }) {
						read++
					}
				}
			}
			b.ReportMetric(float64(read)*float64(len(frames))/float64(n), "read")
			b.ReportMetric(float64(falsePos)*float64(len(frames))/float64(n), "falsepos")
			b.ReportMetric(spent.Seconds()*1000/float64(n), "cpu-ms/img")
		})
	}
}

// BenchmarkBlackboxLiveStill shows each blackbox photo to a live source
// as a still scene, 8 frames 1/30 s apart, with the live default
// (adaptive, rescan, a 20 ms budget), through an engine with one live
// worker, and reports the photos read in the first frame and within the
// 8: what a first look the budget cuts short and the next frames carry on
// (carriedLook) reads, against BenchmarkBlackboxModes's live decodes,
// which have no next frame and complete it in theirs.
func BenchmarkBlackboxLiveStill(b *testing.B) {
	const frames = 8
	imgs := blackbox.Load(b)
	stills := blackboxFrames(b)
	opts := Options{TryRotated: true, Adaptive: true, Budget: 20 * time.Millisecond, Rescan: 500 * time.Millisecond}
	for b.Loop() {
		first, within, falsePos := 0, 0, 0
		done := make(chan *FrameReport, 1)
		e := NewEngine(EngineConfig{Workers: 1, OnFrame: func(r *FrameReport) { done <- r }})
		e.Start()
		pool := NewPlanePool(0)
		start := time.Unix(1_700_000_000, 0)
		for i, still := range stills {
			readAt := -1
			for k := range frames {
				f := pool.Get(still.Width, still.Height)
				for y := 0; y < still.Height; y++ {
					copy(f.Pix[y*f.Stride:y*f.Stride+still.Width], still.Pix[y*still.Stride:y*still.Stride+still.Width])
				}
				f.Source, f.Seq = fmt.Sprint("img", i), uint64(k)
				f.CapturedAt = start.Add(time.Duration(k) * time.Second / 30)
				e.Submit(f, opts)
				r := <-done
				if imgs[i].Family == "none" {
					falsePos += min(1, len(r.Results))
					continue
				}
				if readAt < 0 && slices.ContainsFunc(r.Results, func(r Result) bool { return blackbox.Matches(r.Text, imgs[i].Expected) }) {
					readAt = k
				}
			}
			if readAt == 0 {
				first++
			}
			if readAt >= 0 {
				within++
			}
		}
		e.Close()
		b.ReportMetric(float64(first), "read-first-frame")
		b.ReportMetric(float64(within), fmt.Sprintf("read-within-%d", frames))
		b.ReportMetric(float64(falsePos), "falsepos-frames")
	}
}

// BenchmarkBlackboxComposite decodes the whole blackbox set once per
// iteration (use -benchtime 1x) with the default symbologies and with GS1
// Composite added, as the engine does without adaptive decoding, and
// reports the decoding's CPU milliseconds per image (the thread's CPU
// time): what reading composites costs a frame.
func BenchmarkBlackboxComposite(b *testing.B) {
	frames := blackboxFrames(b)
	for _, c := range []struct {
		name string
		syms SymbologySet
	}{{"default", DefaultSymbologies()}, {"default+composite", DefaultSymbologies().With(GS1Composite)}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu := threadCPUClock()
			d := newDecoder()
			var spent time.Duration
			n := 0
			for b.Loop() {
				for _, f := range frames {
					start := cpu()
					d.decode(f, Options{Symbologies: c.syms, TryRotated: true})
					spent += cpu() - start
					n++
				}
			}
			b.ReportMetric(spent.Seconds()*1000/float64(n), "cpu-ms/img")
		})
	}
}

// BenchmarkBlackboxDotCode decodes the whole blackbox set once per
// iteration (use -benchtime 1x) with the default symbologies and with
// DotCode added, as the engine does without adaptive decoding, and reports
// the decoding's CPU milliseconds per image (the thread's CPU time): what
// searching every frame for a dot lattice costs.
func BenchmarkBlackboxDotCode(b *testing.B) {
	frames := blackboxFrames(b)
	for _, c := range []struct {
		name string
		syms SymbologySet
	}{{"default", DefaultSymbologies()}, {"default+dotcode", DefaultSymbologies().With(DotCode)}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu := threadCPUClock()
			d := newDecoder()
			var spent time.Duration
			n := 0
			for b.Loop() {
				for _, f := range frames {
					start := cpu()
					d.decode(f, Options{Symbologies: c.syms, TryRotated: true})
					spent += cpu() - start
					n++
				}
			}
			b.ReportMetric(spent.Seconds()*1000/float64(n), "cpu-ms/img")
		})
	}
}
