package hanxin

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestWalkAxisStepsHalfPixels: the chords along rows and columns, walked
// a pixel at a time, end where half-pixel steps end them, at any point,
// near the edges and past them too.
func TestWalkAxisStepsHalfPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bm, _ := gozxing.NewBitMatrix(23, 17)
	for y := range 17 {
		for x := range 23 {
			if rng.IntN(4) != 0 { // long dark runs
				bm.Set(x, y)
			}
		}
	}
	for range 20000 {
		x, y := rng.Float64()*27-2, rng.Float64()*21-2
		if rng.IntN(4) == 0 {
			x = float64(rng.IntN(25)-1) + float64(rng.IntN(2))/2 // on a pixel's edge or middle
		}
		limit := rng.Float64() * 12
		for _, d := range [2][2]float64{{1, 0}, {0, 1}} {
			got, gotOK := walkChord(bm, x, y, d[0], d[1], limit)
			want, wantOK := stepChord(bm, x, y, d[0], d[1], limit)
			if gotOK != wantOK || gotOK && got != want {
				t.Fatalf("(%v, %v) along %v, limit %v: %+v %v, want %+v %v", x, y, d, limit, got, gotOK, want, wantOK)
			}
		}
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
