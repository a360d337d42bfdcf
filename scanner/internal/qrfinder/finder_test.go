package qrfinder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// In a frame of noise, where nearly every speck passes for a finder, Find
// returns at most maxFinders, the largest (to half a pixel a module) and
// among alike the best fitting first, every one of them within the frame.
func TestFindBoundsFindersInNoise(t *testing.T) {
	const w, h = 1920, 1080
	rng := rand.New(rand.NewPCG(7, 7))
	bm, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if rng.IntN(2) == 0 {
				bm.Set(x, y)
			}
		}
	}
	var s Scanner
	for _, step := range []int{2, 1} {
		fs := s.Find(bm, step)
		if len(fs) > maxFinders {
			t.Errorf("step %d: %d finders, want at most %d", step, len(fs), maxFinders)
		}
		if len(fs) < maxFinders {
			t.Errorf("step %d: %d finders: the noise no longer fills the bound, so the test shows nothing", step, len(fs))
		}
		for i, f := range fs {
			if f.X < 0 || f.Y < 0 || f.X >= w || f.Y >= h {
				t.Errorf("finder %v outside the frame", f)
			}
			if i > 0 {
				a, b := math.Round(2*fs[i-1].Module), math.Round(2*f.Module)
				if b > a || b == a && f.off < fs[i-1].off {
					t.Errorf("finder %d (%+v) ranks below %d (%+v)", i, f, i-1, fs[i-1])
				}
			}
		}
	}
}
