package scanner_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// texturedScene draws a 960×540 frame of dark blobs on light paper (a
// background adaptive decoding finds contrasted all over), with the given
// codes on white labels, and the camera's noise of one frame.
func texturedScene(t *testing.T, noise uint64, items []placed) *symbols.Canvas {
	t.Helper()
	c := symbols.NewCanvas(960, 540, 200)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 900; i++ {
		x, y, s := rng.IntN(960), rng.IntN(540), 3+rng.IntN(8)
		for yy := y; yy < min(540, y+s); yy++ {
			for xx := x; xx < min(960, x+s); xx++ {
				c.Pix[yy*960+xx] = 60
			}
		}
	}
	for _, it := range items {
		s, err := symbols.Encode(it.sym, it.text)
		if err != nil {
			t.Fatal(err)
		}
		for yy := int(it.cy) - 70; yy < int(it.cy)+70; yy++ {
			for xx := int(it.cx) - 90; xx < int(it.cx)+90; xx++ {
				c.Pix[yy*960+xx] = 235
			}
		}
		c.Draw(s, symbols.Placement{CX: it.cx, CY: it.cy, Module: 3, Dark: 25, Light: 235})
	}
	c.Noise(rand.New(rand.NewPCG(noise, 7)), 4)
	return c
}

// TestEngineSearchesWhatChanged: with Rescan, the engine searches a live
// source's frame only where it changed since it was last searched, or
// where a code was read: a code held still is read in every frame, a new
// label is read in the first frame it is in, though it lies on a part of
// the scene left unsearched in the frames before, the textured background
// is left, and, contrasted all over, one region, it is searched whole
// again once Rescan has passed (TestEngineSpreadsRescan: a scene of
// several regions is searched again a region at a time). Without Rescan
// every frame is searched whole.
func TestEngineSearchesWhatChanged(t *testing.T) {
	a := placed{scanner.QRCode, "HELD STILL", 200, 270}
	b := placed{scanner.Code128, "NEW-LABEL", 700, 300}
	frames := []struct {
		items []placed
		after time.Duration // since the first frame
	}{
		{[]placed{a}, 0},
		{[]placed{a}, 33 * time.Millisecond},
		{[]placed{a}, 66 * time.Millisecond},
		{[]placed{a, b}, 100 * time.Millisecond},
		{[]placed{a, b}, 133 * time.Millisecond},
		{[]placed{a, b}, 600 * time.Millisecond},
	}
	all := frames
	for _, rescan := range []time.Duration{500 * time.Millisecond, 0} {
		frames := all
		if rescan == 0 {
			frames = all[:2] // the second, unchanged, is searched whole too
		}
		var reports []*scanner.FrameReport
		e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: len(frames), OnFrame: func(r *scanner.FrameReport) {
			reports = append(reports, r)
		}})
		pool := scanner.NewPlanePool(0)
		start := time.Unix(1_700_000_000, 0)
		opts := scanner.Options{TryRotated: true, Adaptive: true, Rescan: rescan}
		for i, fr := range frames {
			f := texturedScene(t, uint64(i), fr.items).Frame(pool)
			f.Source, f.Seq, f.CapturedAt = "cam", uint64(i), start.Add(fr.after)
			e.Submit(f, opts)
		}
		e.Start()
		e.Close()
		if len(reports) != len(frames) {
			t.Fatalf("rescan %v: %d reports for %d frames", rescan, len(reports), len(frames))
		}
		for i, r := range reports {
			var got, want []string
			for _, res := range r.Results {
				got = append(got, res.Text)
			}
			for _, it := range frames[i].items {
				want = append(want, it.text)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("rescan %v, frame %d: read %q, want %q", rescan, i, got, want)
			}
			searchedWhole := rescan == 0 || i == 0 || i == len(frames)-1
			if searchedWhole && r.Unchanged != 0 || !searchedWhole && r.Unchanged < 0.5 {
				t.Errorf("rescan %v, frame %d: %.2f of the contrasted cells left unsearched", rescan, i, r.Unchanged)
			}
		}
	}
}
