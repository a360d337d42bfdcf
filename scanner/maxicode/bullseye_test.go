package maxicode

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// The finder's run test, on runs measured across bullseyes of the
// robustness suite's symbols (three pixels a module, rings 2.4 px wide,
// in half pixels where a cross-check measured them).
func TestMatchesBullseye(t *testing.T) {
	for _, tc := range []struct {
		name string
		runs []int
		want bool
	}{
		{"even rings", []int{5, 5, 5, 5, 5, 7, 5, 5, 5, 5, 5}, true},
		// A threshold below the middle: every dark run a pixel wider,
		// every light one a pixel narrower.
		{"dark-biased threshold", []int{3, 2, 3, 2, 3, 3, 3, 2, 3, 2, 3}, true},
		// Down a column the outer ring runs into the dark modules above
		// and below the bullseye, which in a hexagonal grid touch.
		{"outer ring joined to modules", []int{24, 4, 6, 4, 6, 7, 6, 4, 6, 4, 16}, true},
		// A row a ring above the centre, through the first light ring:
		// the dark run across it (5) breaks the rings' period.
		{"off-centre row", []int{3, 2, 3, 3, 5, 3, 3, 2, 3, 4, 10}, false},
		{"one side wider", []int{5, 5, 5, 5, 5, 7, 2, 2, 2, 2, 5}, false},
		{"centre too narrow", []int{5, 5, 5, 5, 5, 1, 5, 5, 5, 5, 5}, false},
		{"too small", []int{1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := matchesBullseye(tc.runs); got != tc.want {
				t.Errorf("matchesBullseye(%v) = %v, want %v", tc.runs, got, tc.want)
			}
		})
	}
}

// TestWalkChangesMatchesSamples checks the walk along rows and columns,
// which reads pixels, from the matrix and from shared rows' words,
// against the walk sample by sample, the plain
// computation it stands for: the same six changes, or none, from points
// anywhere in and round random images of runs a few pixels long.
func TestWalkChangesMatchesSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range [][2]int{{1, 1}, {7, 40}, {40, 7}, {64, 64}, {97, 33}} {
		w, h := size[0], size[1]
		bm, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			dark := rng.IntN(2) == 0
			for x := 0; x < w; x++ {
				if rng.IntN(3) == 0 {
					dark = !dark
				}
				if dark {
					bm.Set(x, y)
				}
			}
		}
		// The image read from shared rows' words too.
		var s bitrow.SharedRows
		s.Bind(bm)
		var rows bitrow.Rows
		rows.Of(bm, map[gozxing.DecodeHintType]interface{}{hint.Rows: &s})
		shared := pixels{bm: bm}
		shared.words, shared.stride, _ = rows.Words()
		if shared.words == nil {
			t.Fatal("no words from the shared rows")
		}
		dirs := [][2]float64{{0, 1}, {0, -1}, {1, 0}, {-1, 0}, {math.Copysign(0, -1), -1}, {-1, math.Copysign(0, -1)}, {0, 0.7}, {0.7, 0.7}}
		for n := 0; n < 3000; n++ {
			// Points inside, on pixel edges and off the image.
			x := float64(rng.IntN(w+8)-4) + float64(rng.IntN(5))/4
			y := float64(rng.IntN(h+8)-4) + float64(rng.IntN(5))/4
			if rng.IntN(4) == 0 {
				x, y = rng.Float64()*float64(w+2)-1, rng.Float64()*float64(h+2)-1
			}
			limit := float64(rng.IntN(4*max(w, h))) / float64(1+rng.IntN(3))
			d := dirs[rng.IntN(len(dirs))]
			var got, want [6]float64
			okWant := walkSamples(bm, x, y, d[0], d[1], limit, &want)
			for _, img := range []*pixels{{bm: bm}, &shared} {
				okGot := walkChanges(img, x, y, d[0], d[1], limit, &got)
				if okGot != okWant || okGot && got != want {
					t.Fatalf("%dx%d from (%v, %v) along %v below %v, words %v: %v %v, sample by sample %v %v",
						w, h, x, y, d, limit, img.words != nil, got, okGot, want, okWant)
				}
			}
		}
	}
}

// TestBullseyeWindowsMatchesWindowsOf checks the row search's own walk
// over the windows of eleven runs against bitrow.WindowsOf with
// matchesBullseye, the plain computation it stands for: the same hits,
// in the same order, on rows of random runs round ring widths of one to
// six pixels, bullseyes among them.
func TestBullseyeWindowsMatchesWindowsOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type hit struct{ cx, unit float64 }
	hits := 0
	for n := 0; n < 3000; n++ {
		ring := 1 + rng.IntN(6)
		l := []int{rng.IntN(4)} // light first, as Lengths gives it
		for range rng.IntN(60) {
			r := max(0, ring+rng.IntN(3)-1)
			if rng.IntN(5) == 0 {
				r = 1 + rng.IntN(4*ring)
			}
			l = append(l, max(r, 1))
		}
		var got, want []hit
		bullseyeWindows(l, func(cx, unit float64) { got = append(got, hit{cx, unit}) })
		bitrow.WindowsOf(l, 11, func(win []int, cx float64) {
			if unit, ok := matchesBullseye(win); ok {
				want = append(want, hit{cx, unit})
			}
		})
		if !slices.Equal(got, want) {
			t.Fatalf("runs %v: hits %v, WindowsOf with matchesBullseye %v", l, got, want)
		}
		hits += len(want)
	}
	if hits < 100 {
		t.Fatalf("%d hits: too few to tell", hits)
	}
}
