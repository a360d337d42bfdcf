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

// A blurred finder's dark runs, widened alike at its light ring's
// expense, fit 1:1:3:1:1 with the spread; light runs widened, or dark
// ones widened past half a module, do not.
func TestFitSpread(t *testing.T) {
	for _, c := range []struct {
		runs []int
		ok   bool
		unit float64
	}{
		{[]int{4, 1, 10, 2, 3}, true, 2.6875}, // 2.9 px modules blurred by a third
		{[]int{6, 2, 13, 2, 6}, true, 3.875},  // 4 px modules, edges a pixel out of the ink
		{[]int{1, 4, 6, 4, 1}, false, 0},      // the light runs widened
		{[]int{6, 1, 13, 1, 6}, false, 0},     // spread past half a module
	} {
		if _, _, ok := fitFinder(c.runs, 1); ok {
			t.Errorf("%v fits 1:1:3:1:1 unspread: the case tests nothing", c.runs)
		}
		unit, _, ok := fitSpread(c.runs, 1)
		if ok != c.ok || ok && math.Abs(unit-c.unit) > 1e-9 {
			t.Errorf("fitSpread(%v) = unit %v, %v; want %v, %v", c.runs, unit, ok, c.unit, c.ok)
		}
	}
}

// Dark reads the pixel a point lies in (rounding down, as math.Floor),
// and light anywhere outside the matrix: left of or above it by any
// fraction, past its far edges, at infinities and NaN.
func TestDarkOutsideIsLight(t *testing.T) {
	bm, _ := gozxing.NewBitMatrix(3, 2)
	for y := range 2 {
		for x := range 3 {
			bm.Set(x, y)
		}
	}
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		x, y float64
		dark bool
	}{
		{0, 0, true}, {math.Copysign(0, -1), 0, true}, {2.99, 1.99, true}, {0.5, 1.5, true},
		{-0.01, 0, false}, {0, -0.5, false}, {-1, -1, false},
		{3, 0, false}, {0, 2, false}, {inf, 0, false}, {0, inf, false}, {-inf, 0, false},
		{nan, 0, false}, {0, nan, false}, {1e300, 1, false},
	} {
		if got := Dark(bm, c.x, c.y); got != c.dark {
			t.Errorf("Dark(%v, %v) = %v, want %v", c.x, c.y, got, c.dark)
		}
	}
}

// TestMayFitRefusesOnlyWhatFitFinderRefuses runs every window of five
// runs up to 8 pixels (the centre to 24), and random ones about the
// pattern at units to 40, through both: whatever mayFit refuses,
// fitFinder refuses too.
func TestMayFitRefusesOnlyWhatFitFinderRefuses(t *testing.T) {
	refused := 0
	check := func(runs []int) {
		_, _, ok := fitFinder(runs, 1)
		if !mayFit(runs) {
			refused++
			if ok {
				t.Fatalf("runs %v: mayFit refuses what fitFinder passes", runs)
			}
		}
	}
	for a := 1; a <= 8; a++ {
		for b := 1; b <= 8; b++ {
			for c := 1; c <= 24; c++ {
				for d := 1; d <= 8; d++ {
					for e := 1; e <= 8; e++ {
						check([]int{a, b, c, d, e})
					}
				}
			}
		}
	}
	// Near the pattern at larger units, where the slack's edges lie.
	rng := rand.New(rand.NewPCG(1, 7))
	for range 100000 {
		k := 1 + rng.IntN(40)
		runs := []int{k, k, 3 * k, k, k}
		for i := range runs {
			spread := k
			if i == 2 {
				spread = 2 * k
			}
			runs[i] = max(1, runs[i]+rng.IntN(2*spread+3)-spread-1)
		}
		check(runs)
	}
	if refused == 0 {
		t.Error("mayFit refused nothing")
	}
}
