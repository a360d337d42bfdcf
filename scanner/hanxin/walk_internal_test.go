package hanxin

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// TestWalkAxisStepsHalfPixels: the chords along rows and columns, walked
// a word of pixels at a time, end where half-pixel steps end them, at any
// point, near the edges and past them too, in images narrower and wider
// than a word, with runs shorter and longer than one.
func TestWalkAxisStepsHalfPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var cols bitrow.Columns
	var l lines
	for _, sz := range [][3]int{{23, 17, 4}, {70, 45, 12}, {100, 33, 40}, {64, 96, 3}} {
		w, h, dark := sz[0], sz[1], sz[2]
		bm, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.IntN(dark) != 0 { // long dark runs
					bm.Set(x, y)
				}
			}
		}
		l.bind(bm, cols.Of(bm), nil)
		for range 10000 {
			x, y := rng.Float64()*float64(w+4)-2, rng.Float64()*float64(h+4)-2
			if rng.IntN(4) == 0 {
				x = float64(rng.IntN(w+2)-1) + float64(rng.IntN(2))/2 // on a pixel's edge or middle
			}
			limit := rng.Float64() * float64(2*dark+8)
			if rng.IntN(8) == 0 {
				limit = float64(rng.IntN(2*dark+8)) / 2 // on a step
			}
			for _, d := range [2][2]float64{{1, 0}, {0, 1}} {
				got, gotOK := l.walkChord(x, y, d[0], d[1], limit)
				want, wantOK := stepChord(bm, x, y, d[0], d[1], limit)
				if gotOK != wantOK || gotOK && got != want {
					t.Fatalf("%dx%d: (%v, %v) along %v, limit %v: %+v %v, want %+v %v", w, h, x, y, d, limit, got, gotOK, want, wantOK)
				}
			}
		}
	}
	l.wipe()
	if !scrubtest.Zero(l.rows) {
		t.Fatal("the rows copied hold pixels after wipe")
	}
}

// TestMatchesFinderShortcut: the shortcut that skips windows whose end
// runs are no longer than the inner ones drops no window of the
// finder's proportions.
func TestMatchesFinderShortcut(t *testing.T) {
	const most = 13
	var runs [5]int
	for n := range most * most * most * most * most {
		for i, k := 0, n; i < 5; i, k = i+1, k/most {
			runs[i] = k%most + 1
		}
		u, sq, ok := matchesFinder(runs[:])
		wu, wsq, wok := finderProportions(runs[:])
		if u != wu || sq != wsq || ok != wok {
			t.Fatalf("runs %v: %v %v %v, want %v %v %v", runs, u, sq, ok, wu, wsq, wok)
		}
	}
}

// TestFinderProportionsBounds: the whole-number bounds finderProportions
// tests first drop no window that the proportions measured alone pass,
// on every window of runs up to 13 pixels and on random ones of runs up
// to 2000.
func TestFinderProportionsBounds(t *testing.T) {
	passed := 0
	check := func(runs []int) {
		u, sq, ok := finderProportions(runs)
		wu, wsq, wok := measuredProportions(runs)
		if u != wu || sq != wsq || ok != wok {
			t.Fatalf("runs %v: %v %v %v, want %v %v %v", runs, u, sq, ok, wu, wsq, wok)
		}
		if ok {
			passed++
		}
	}
	sampleFinderWindows(11, func(runs [5]int) { check(runs[:]) })
	if passed < 5000 {
		t.Fatalf("%d windows passed: the windows test too few finders", passed)
	}
}

// measuredProportions is finderProportions without its whole-number
// bounds: the proportions measured alone.
func measuredProportions(runs []int) (unit float64, square int, ok bool) {
	total := 0
	for _, r := range runs[:5] {
		total += r
	}
	if total < 7 {
		return 0, 0, false
	}
	return finderMeasure(runs, total)
}

// TestFinderWindowsMatchAsWindows: the windows finderWindows passes on
// match the finder exactly where bitrow.Windows's windows do, at the
// same place and with the same square, on random rows of runs of every
// length round a finder's; it passes on no other.
func TestFinderWindowsMatchAsWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type hit struct {
		unit   float64
		sq     int
		middle float64 // the middle run's centre
	}
	var buf []int
	matched := 0
	for range 300 {
		width := 1 + rng.IntN(300)
		row := gozxing.NewBitArray(width)
		unit := 1 + rng.IntN(6)
		for x, dark := 0, rng.IntN(2) == 0; x < width; dark = !dark {
			n := unit * (1 + rng.IntN(3))
			if rng.IntN(3) == 0 {
				n = 1 + rng.IntN(4*unit)
			}
			for k := x; k < min(width, x+n); k++ {
				if dark {
					row.Set(k)
				}
			}
			x += n
		}
		var want, got []hit
		bitrow.Windows(row.GetBitArray(), width, 5, nil, func(win []int, mid float64) {
			if u, sq, ok := matchesFinder(win); ok {
				want = append(want, hit{u, sq, mid})
			}
		})
		buf = finderWindows(row.GetBitArray(), width, buf, func(win []int, start, sq int) {
			u, wsq, ok := finderProportions(win)
			if !ok || wsq != sq {
				t.Fatalf("row %v: window %v visited with its square at %d; finderProportions: %v %v", row, win, sq, wsq, ok)
			}
			got = append(got, hit{u, sq, float64(start+win[0]+win[1]) + float64(win[2])/2})
		})
		if !slices.Equal(got, want) {
			t.Fatalf("row %v: %v, want %v", row, got, want)
		}
		matched += len(want)
	}
	if matched < 50 {
		t.Fatalf("%d windows matched: the rows test too few", matched)
	}
}

// TestDarkSamplesFloor: a point is sampled at the pixel of its
// coordinates' floor, points outside the image (on either side, by less
// than a pixel too) and not numbers counting as light.
func TestDarkSamplesFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	bm, _ := gozxing.NewBitMatrix(37, 21)
	for y := range 21 {
		for x := range 37 {
			if rng.IntN(2) == 0 {
				bm.Set(x, y)
			}
		}
	}
	byFloor := func(x, y float64) bool {
		ix, iy := int(math.Floor(x)), int(math.Floor(y))
		return ix >= 0 && iy >= 0 && ix < 37 && iy < 21 && bm.Get(ix, iy)
	}
	odd := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -0.5, math.Copysign(0, -1), 37, 36.999, 1e300, -1e300}
	for range 100000 {
		x, y := rng.Float64()*41-2, rng.Float64()*25-2
		switch rng.IntN(8) {
		case 0:
			x = float64(rng.IntN(41) - 2)
		case 1:
			y = odd[rng.IntN(len(odd))]
		case 2:
			x = odd[rng.IntN(len(odd))]
		}
		if got, want := dark(bm, x, y), byFloor(x, y) && !math.IsNaN(x) && !math.IsNaN(y); got != want {
			t.Fatalf("(%v, %v): dark %v, want %v", x, y, got, want)
		}
	}
}

// TestCandidateCellsFindFirst: the candidate a hit counts for, looked up
// by cells, is the one a scan of every candidate in order finds (the
// first whose centre lies within 1.5 of its modules along both axes), for
// candidates of modules from one pixel to dozens, near the image's edges
// and past them.
func TestCandidateCellsFindFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	var n candidateCells
	found := 0
	for k := range 40 {
		w, h := 1+rng.IntN(400), 1+rng.IntN(300)
		n.reset(w, h)
		var cands []candidate
		for range 200 {
			x := rng.Float64()*float64(w+40) - 20
			y := rng.Float64()*float64(h+40) - 20
			want := -1
			for i, c := range cands {
				if math.Abs(c.x-x) < 1.5*c.module && math.Abs(c.y-y) < 1.5*c.module {
					want = i
					break
				}
			}
			if got := n.first(cands, x, y); got != want {
				t.Fatalf("case %d, %dx%d: hit (%v, %v) counts for candidate %d, want %d", k, w, h, x, y, got, want)
			}
			if want >= 0 {
				found++
				continue
			}
			module := 1 + rng.Float64()*4
			if rng.IntN(10) == 0 {
				module = 10 + rng.Float64()*30
			}
			cands = append(cands, candidate{x: x, y: y, module: module})
			n.add(cands)
		}
	}
	if found < 500 {
		t.Fatalf("%d hits near a candidate: the cases test too few", found)
	}
}

// TestMostSampled: mostSampled finds the first pixel a walk samples at
// its limit or beyond as counting the steps up to it does, at limits on
// and between the steps, down to none.
func TestMostSampled(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	counted := func(limit, half float64) int {
		m := 0
		for stepAt(m, half) < limit {
			m++
		}
		return m
	}
	for k := range 20000 {
		limit := rng.Float64() * 60
		switch k % 4 {
		case 0:
			limit = float64(rng.IntN(120)) / 2 // on a step
		case 1:
			limit = math.Nextafter(float64(rng.IntN(120))/2, math.Inf(2*rng.IntN(2)-1)) // by a step
		case 2:
			limit = -limit
		}
		for _, half := range [2]float64{0, 0.5} {
			if got, want := mostSampled(limit, half), counted(limit, half); got != want {
				t.Fatalf("limit %v, half %v: %d, want %d", limit, half, got, want)
			}
		}
	}
}

// sampleFinderWindows calls visit with the windows of five runs the finder
// tests are checked on: every window of runs up to 13 pixels, then 40,000
// random ones (the rng seeded with seed) round a finder's proportions,
// at their bounds often, of units up to 400 pixels.
func sampleFinderWindows(seed uint64, visit func(runs [5]int)) {
	const most = 13
	var runs [5]int
	for n := range most * most * most * most * most {
		for i, k := 0, n; i < 5; i, k = i+1, k/most {
			runs[i] = k%most + 1
		}
		visit(runs)
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for range 40000 {
		unit := 1 + rng.IntN(400)
		for i := range runs {
			want := 1.0
			if i == 0 || i == 4 {
				want = []float64{1, 3}[rng.IntN(2)]
			}
			runs[i] = max(1, int((want+(rng.Float64()-0.5)*2.4)*float64(unit)))
		}
		visit(runs)
	}
}
