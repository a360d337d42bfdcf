package pdf417

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// runsOf returns the runs of the widths given, the first dark or not.
func runsOf(firstDark bool, widths ...int) *runList {
	r := &runList{firstDark: firstDark, edges: []int{0}}
	for _, w := range widths {
		r.edges = append(r.edges, r.edges[len(r.edges)-1]+w)
	}
	return r
}

// TestRAPInkSpread: a row address pattern whose bars the threshold or
// the blur grew (at three pixels a module, two pixels each, a one-module
// space left a pixel wide) is read for its counts from its
// edge-to-similar-edge distances, and found on a scan row; evenly spaced
// stripes still are not a pattern.
func TestRAPInkSpread(t *testing.T) {
	want := [rapElements]int{3, 1, 2, 1, 1, 2}
	// Quiet zone, then the pattern: bars 2 px wider, spaces 2 px narrower.
	r := runsOf(false, 12, 11, 1, 8, 1, 5, 4, 6, 6, 6, 6, 6, 6, 6, 9, 30) // then a codeword's eight runs
	got, ok := rapCounts(r, 1, 3)
	if !ok || got != want {
		t.Errorf("grown bars: counts %v, %v; want %v", got, ok, want)
	}
	if hits := leftRAPs(r, 0, anyModule, nil, nil); len(hits) != 1 || hits[0].x != 12 {
		t.Errorf("grown bars: found %v on the row, want the pattern at 12", hits)
	}
	// Unspread, the runs read as they are.
	if got, ok := rapCounts(runsOf(true, 9, 3, 6, 3, 3, 6), 0, 3); !ok || got != want {
		t.Errorf("exact runs: counts %v, %v; want %v", got, ok, want)
	}
	if _, ok := rapCounts(runsOf(true, 5, 5, 5, 5, 5, 5), 0, 3); ok {
		t.Error("evenly spaced stripes read as a row address pattern")
	}
}

// TestCCA3Start: a row of a CC-A of three columns starts with a codeword,
// its centre RAP after it: found after a quiet zone, as that kind of
// start (never chained with left RAPs), with the codeword read; not
// without the quiet zone, nor where a left RAP starts the row.
func TestCCA3Start(t *testing.T) {
	const px = 3
	k := 1*fieldSize + 245 // cluster 3 (the second), codeword 245
	var widths []int
	for _, w := range patterns.widths[k] {
		widths = append(widths, px*int(w))
	}
	rap := []int{3 * px, 1 * px, 2 * px, 1 * px, 1 * px, 2 * px}
	row := func(quiet int) *runList {
		w := append([]int{quiet}, widths...)
		w = append(w, rap...)
		return runsOf(false, append(w, widths...)...) // then the next codeword
	}
	hits := cca3Starts(row(12), 0, anyModule, nil)
	if len(hits) != 1 || hits[0].x != 12 || hits[0].cw != 245 || !hits[0].cca3 {
		t.Errorf("found %+v, want the codeword 245 at 12 starting a CC-A row", hits)
	}
	if hits := cca3Starts(row(px), 0, anyModule, nil); len(hits) != 0 {
		t.Errorf("found %+v after a light run of one module", hits)
	}
	// A left RAP, a codeword, the next RAP: no CC-A start there.
	w := append([]int{12}, rap...)
	w = append(append(w, widths...), rap...)
	if hits := cca3Starts(runsOf(false, append(w, widths...)...), 0, anyModule, nil); len(hits) != 0 {
		t.Errorf("found %+v where a left RAP starts the row", hits)
	}
}

// TestRoundNonNeg: roundNonNeg rounds as math.Round does every value the
// RAP and codeword tests round, halves and their neighbours among them.
func TestRoundNonNeg(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 24728))
	var xs []float64
	for n := range 64 {
		half := float64(n) + 0.5
		xs = append(xs, float64(n), half, math.Nextafter(half, 0), math.Nextafter(half, math.Inf(1)),
			math.Nextafter(float64(n), 0), math.Nextafter(float64(n), math.Inf(1)))
	}
	for range 10000 {
		w, module := 1+rng.IntN(400), 0.8+rng.Float64()*20
		xs = append(xs, float64(w)/module, float64(w)*module, rng.Float64()*1e6)
	}
	xs = append(xs, 0, math.SmallestNonzeroFloat64, 0.49999999999999994, 1<<52+0.5, 1<<53, 1e18)
	for _, x := range xs {
		if got, want := roundNonNeg(x), int(math.Round(x)); got != want {
			t.Errorf("roundNonNeg(%v) = %d, math.Round %d", x, got, want)
		}
	}
}

// TestRAPStartsInWholePixels: leftRAPs and cca3Starts, which step from
// dark run to dark run and test the light run before in whole pixels,
// find what testing every run with the module's division found, on
// rows of random runs whose light runs often fall on the bound.
func TestRAPStartsInWholePixels(t *testing.T) {
	// The tests as they were.
	oldLeft := func(r *runList, win moduleWindow) []int {
		var at []int
		for i := 1; i+rapElements+elementsPerSymbol <= r.count(); i++ {
			if !r.dark(i) {
				continue
			}
			module := float64(r.edges[i+rapElements]-r.edges[i]) / rapModules
			if !win.fits(module) || float64(r.width(i-1)) < 2*module {
				continue
			}
			if _, ok := rapCounts(r, i, module); ok {
				at = append(at, i)
			}
		}
		return at
	}
	oldCCA3 := func(r *runList, y int, win moduleWindow, out []microHit) []microHit {
		const n = elementsPerSymbol + rapElements
		for i := 1; i+n <= r.count(); i++ {
			if !r.dark(i) {
				continue
			}
			module := float64(r.edges[i+elementsPerSymbol]-r.edges[i]) / modulesPerCodeword
			if !win.fits(module) || float64(r.width(i-1)) < 2*module {
				continue
			}
			rap := float64(r.edges[i+n]-r.edges[i+elementsPerSymbol]) / rapModules
			if math.Abs(rap-module) > 0.2*module {
				continue
			}
			t, ok := rapCounts(r, i+elementsPerSymbol, rap)
			if !ok {
				continue
			}
			if i >= rapElements && rapFits(r, i-rapElements, rap) {
				continue
			}
			v, _, _, w := readCodeword(r, i, -1)
			if w == 0 {
				continue
			}
			row := microRowLayout(r, i, cca3RowLayouts[:], false) != 0
			out = append(out, microHit{y: int32(y), x: float64(r.edges[i]), module: module, cw: int16(v),
				rap: rapPattern(t), cca3: true, row: row, wide: row})
		}
		return out
	}
	rng := rand.New(rand.NewPCG(10, 24728))
	found := 0
	for k := range 3000 {
		widths := make([]int, 30+rng.IntN(60))
		for i := range widths {
			widths[i] = 1 + rng.IntN(6)
		}
		r := runsOf(k%2 == 0, widths...)
		win := anyModule
		if k%3 == 0 {
			win = moduleWindow{0.5 + rng.Float64(), 1.5 + rng.Float64()*2}
		}
		var want []int
		for _, i := range oldLeft(r, win) {
			want = append(want, int(r.edges[i]))
		}
		var got []int
		for _, h := range leftRAPs(r, 0, win, nil, nil) {
			got = append(got, int(h.x))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("runs %v: leftRAPs at %v, testing every run %v", widths, got, want)
		}
		found += len(got)
		if got, want := cca3Starts(r, 0, win, nil), oldCCA3(r, 0, win, nil); !slices.Equal(got, want) {
			t.Fatalf("runs %v: cca3Starts %v, testing every run %v", widths, got, want)
		}
	}
	if found == 0 {
		t.Error("no RAPs found")
	}
}
