package qrfinder

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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

// findByWindows is Find as it was written first, visiting the windows of
// each row through bitrow.WindowsOf: the reference for Find's own loop
// over them.
func findByWindows(bm *gozxing.BitMatrix, step int) []Finder {
	var r Scanner
	r.rows.OfShared(bm, nil)
	var y int
	visit := func(win []int, cx float64) {
		if !mayFit(win) {
			return
		}
		if unit, _, ok := fitFinder(win, 1); ok {
			r.confirmFinder(bm, cx, float64(y), unit, false)
		}
	}
	for y = step / 2; y < bm.GetHeight(); y += step {
		var l []int
		l, r.runs = r.rows.Lengths(y, r.runs)
		bitrow.WindowsOf(l, 5, visit)
	}
	r.keepBest()
	return r.finders
}

// Find finds the finders findByWindows finds, in the same order, at both
// steps: in noise (more than it keeps), in sparse noise (fewer), and
// among finder patterns of one to four pixels a module, some against the
// image's left and right edges (rows starting and ending dark).
func TestFindAsWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	image := func(w, h int, density float64, finders int) *gozxing.BitMatrix {
		bm, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.Float64() < density {
					bm.Set(x, y)
				}
			}
		}
		for i := range finders {
			m := 1 + i%4
			x0, y0 := rng.IntN(w-7*m), rng.IntN(h-7*m)
			switch i % 5 {
			case 0:
				x0 = 0
			case 1:
				x0 = w - 7*m
			}
			for y := range 7 * m {
				for x := range 7 * m {
					if d := min(x/m, 6-x/m, y/m, 6-y/m); d != 1 {
						bm.Set(x0+x, y0+y)
					} else {
						bm.Unset(x0+x, y0+y)
					}
				}
			}
		}
		return bm
	}
	for _, c := range []struct {
		name string
		bm   *gozxing.BitMatrix
	}{
		{"noise", image(400, 300, 0.5, 0)},
		{"sparse", image(400, 300, 0.2, 0)},
		{"finders", image(300, 200, 0.01, 30)},
	} {
		var s Scanner
		for _, step := range []int{1, 2} {
			want := findByWindows(c.bm, step)
			got := s.Find(c.bm, step)
			if !slices.Equal(got, want) {
				t.Errorf("%s, step %d: %d finders %v, want %d %v", c.name, step, len(got), got, len(want), want)
			}
			if len(want) == 0 {
				t.Errorf("%s, step %d: no finder: the case shows nothing", c.name, step)
			}
		}
	}
}

// walkAxis turns where walk, sampling every half pixel, turns, down
// columns and along rows, both ways, from points on the quarter-pixel
// grid in noise of runs of a few pixels, into the image's edges and past
// its far ones, with limits on and off the half-pixel grid.
func TestWalkAxisAsWalk(t *testing.T) {
	const w, h = 40, 30
	rng := rand.New(rand.NewPCG(5, 6))
	bm, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		dark := false
		for x := range w {
			if rng.IntN(3) == 0 {
				dark = !dark
			}
			if dark {
				bm.Set(x, y)
			}
		}
	}
	turns := 0
	for range 4000 {
		x, y := float64(rng.IntN(4*w+8))/4, float64(rng.IntN(4*h+8))/4
		limit := float64(rng.IntN(80)) / 2
		if rng.IntN(2) == 0 {
			limit = rng.Float64() * 40
		}
		for _, vertical := range []bool{false, true} {
			for _, forward := range []bool{true, false} {
				dx, dy := 1.0, 0.0
				if vertical {
					dx, dy = 0, 1
				}
				if !forward {
					dx, dy = -dx, -dy
				}
				var want, got [3]float64
				wantOK := walk(bm, x, y, dx, dy, limit, &want)
				ok := walkAxis(bm, x, y, vertical, forward, limit, &got)
				if ok != wantOK || ok && got != want {
					t.Fatalf("from (%v, %v), vertical %v, forward %v, limit %v: %v %v, want %v %v", x, y, vertical, forward, limit, got, ok, want, wantOK)
				}
				if ok {
					turns++
				}
			}
		}
	}
	if turns < 1000 {
		t.Errorf("%d walks turned three times: the noise shows little", turns)
	}
}
