package scanner_test

import (
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// TestEngineSpreadsRescan: with Rescan, a still scene is searched again a
// part at a time, not whole at once: after the first frame no frame
// searches every contrasted region, none more than two of the six, and
// each region is searched again at least once every Rescan (give or take
// the time between two frames), so that what was not read is tried again.
func TestEngineSpreadsRescan(t *testing.T) {
	const w, h = 640, 360
	const rescan, step, frames = 500 * time.Millisecond, 50 * time.Millisecond, 23
	// Six patches of printed marks that read as nothing, each a region of
	// its own, at different heights of the frame.
	patches := []image.Rectangle{
		image.Rect(40, 20, 104, 84), image.Rect(300, 84, 364, 148), image.Rect(520, 150, 584, 214),
		image.Rect(60, 214, 124, 278), image.Rect(280, 276, 344, 340), image.Rect(540, 290, 604, 354),
	}
	marks := rand.New(rand.NewPCG(3, 4))
	scene := make([]byte, w*h)
	for i := range scene {
		scene[i] = 200
	}
	for _, p := range patches {
		for y := p.Min.Y; y < p.Max.Y; y++ {
			for x := p.Min.X; x < p.Max.X; x++ {
				scene[y*w+x] = byte(30 + 190*marks.IntN(2))
			}
		}
	}
	var reports []*scanner.FrameReport
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: frames, OnFrame: func(r *scanner.FrameReport) {
		reports = append(reports, r)
	}})
	pool := scanner.NewPlanePool(0)
	start := time.Unix(1_700_000_000, 0)
	for i := range frames {
		f := pool.Get(w, h)
		noise := rand.New(rand.NewPCG(uint64(i), 9)) // the camera's, ±3 levels
		for j, v := range scene {
			f.Pix[j] = byte(int(v) + noise.IntN(7) - 3)
		}
		f.Source, f.Seq, f.CapturedAt = "cam", uint64(i), start.Add(time.Duration(i)*step)
		e.Submit(f, scanner.Options{TryRotated: true, Adaptive: true, Rescan: rescan})
	}
	e.Start()
	e.Close()
	if len(reports) != frames {
		t.Fatalf("%d reports for %d frames", len(reports), frames)
	}
	last := make([]time.Duration, len(patches)) // when each patch was last searched
	for i, r := range reports {
		at := time.Duration(i) * step
		searched := 0
		for k, p := range patches {
			for _, q := range r.Proposals {
				if q.Overlaps(p) {
					searched++
					if at-last[k] > rescan+step {
						t.Errorf("patch %d searched at %v, %v after the search before", k, at, at-last[k])
					}
					last[k] = at
					break
				}
			}
		}
		t.Logf("frame %d: %d patches searched, %.2f unchanged, %d results", i, searched, r.Unchanged, len(r.Results))
		switch {
		case i == 0 && searched != len(patches):
			t.Errorf("the first frame searched %d of the %d patches", searched, len(patches))
		case i > 0 && (searched > 2 || r.Unchanged == 0):
			t.Errorf("frame %d, at %v: searched %d of the %d patches, %.2f of the contrasted cells left", i, at, searched, len(patches), r.Unchanged)
		}
	}
	end := time.Duration(frames-1) * step
	for k := range patches {
		if end-last[k] > rescan+step {
			t.Errorf("patch %d last searched at %v, %v before the last frame", k, last[k], end-last[k])
		}
	}
}
