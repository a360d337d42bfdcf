package pdf417

import (
	"math"
	"math/rand/v2"
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
