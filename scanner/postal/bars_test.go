package postal

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// randomMatrix returns a w by h matrix whose pixels are dark with
// probability p, in horizontal streaks of up to streak pixels (so that
// runs cross word boundaries and long runs occur).
func randomMatrix(rng *rand.Rand, w, h int, p float64, streak int) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; {
			n := 1 + rng.IntN(streak)
			dark := rng.Float64() < p
			for ; n > 0 && x < w; n, x = n-1, x+1 {
				if dark {
					m.Set(x, y)
				}
			}
		}
	}
	return m
}

// TestRowRuns: the runs found a word at a time are the row's dark runs
// pixel by pixel, for widths that fill whole words and not, with set bits
// past the width ignored, and a row of more than maxRowRuns runs gives
// none.
func TestRowRuns(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		w := 1 + rng.IntN(200)
		words := make([]uint32, (w+31)/32+rng.IntN(2))
		for i := range words {
			switch rng.IntN(4) {
			case 0:
				words[i] = 0
			case 1:
				words[i] = ^uint32(0)
			default:
				words[i] = rng.Uint32()
			}
		}
		dark := func(x int) bool { return words[x/32]>>(x%32)&1 == 1 }
		var want []run
		for x := 0; x < w; x++ {
			if dark(x) && (x == 0 || !dark(x-1)) {
				want = append(want, run{x0: x})
			}
			if dark(x) && (x == w-1 || !dark(x+1)) {
				want[len(want)-1].x1 = x + 1
			}
		}
		prefix := []run{{x0: -1, x1: -1}}
		got := rowRuns(words, w, prefix)
		if !slices.Equal(got[1:], want) || got[0] != prefix[0] {
			t.Fatalf("trial %d, width %d: runs %v, want %v", trial, w, got[1:], want)
		}
	}
	// maxRowRuns runs ended in the row are kept, one more gives none.
	for _, n := range []int{maxRowRuns, maxRowRuns + 1} {
		w := 2 * n
		words := make([]uint32, (w+31)/32)
		for i := range words {
			words[i] = 0x55555555
		}
		if got := len(rowRuns(words, w, nil)); n == maxRowRuns && got != n || n > maxRowRuns && got != 0 {
			t.Errorf("%d runs: got %d", n, got)
		}
	}
}

// refBlob is a blob found by flood fill: its pixels' count, bounding box
// and sums of their centres' coordinates and products.
type refBlob struct {
	n                     int
	x0, y0, x1, y1        int
	sx, sy, sxx, syy, sxy float64
}

// floodBlobs labels the 8-connected dark pixels of m one pixel at a
// time, the plain way the reader's run labelling must agree with.
func floodBlobs(m *gozxing.BitMatrix, minPixels int) []refBlob {
	w, h := m.GetWidth(), m.GetHeight()
	seen := make([]bool, w*h)
	var out []refBlob
	var stack [][2]int
	for y := range h {
		for x := range w {
			if seen[y*w+x] || !m.Get(x, y) {
				continue
			}
			b := refBlob{x0: x, y0: y, x1: x, y1: y}
			seen[y*w+x] = true
			stack = append(stack[:0], [2]int{x, y})
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				cx, cy := float64(p[0])+0.5, float64(p[1])+0.5
				b.n++
				b.sx, b.sy, b.sxx, b.syy, b.sxy = b.sx+cx, b.sy+cy, b.sxx+cx*cx, b.syy+cy*cy, b.sxy+cx*cy
				b.x0, b.y0, b.x1, b.y1 = min(b.x0, p[0]), min(b.y0, p[1]), max(b.x1, p[0]), max(b.y1, p[1])
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						qx, qy := p[0]+dx, p[1]+dy
						if qx >= 0 && qy >= 0 && qx < w && qy < h && !seen[qy*w+qx] && m.Get(qx, qy) {
							seen[qy*w+qx] = true
							stack = append(stack, [2]int{qx, qy})
						}
					}
				}
			}
			if b.n >= minPixels {
				out = append(out, b)
			}
		}
	}
	return out
}

// TestBlobsMatchFloodFill: the blobs labelled run by run are those a
// pixel-by-pixel flood fill finds, with the same pixel counts, bounding
// boxes and moments, on random images sparse and dense, in one Reader
// reused across sizes.
func TestBlobsMatchFloodFill(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	var r Reader
	key := func(n, x0, y0, x1, y1 int) []int { return []int{y0, x0, y1, x1, n} }
	for trial := range 60 {
		w, h := 1+rng.IntN(150), 1+rng.IntN(60)
		m := randomMatrix(rng, w, h, []float64{0.1, 0.3, 0.5, 0.7}[trial%4], 1+rng.IntN(40))
		minPixels := 1 + trial%4
		want := floodBlobs(m, minPixels)
		got := r.blobs(m, minPixels)
		if len(got) != len(want) {
			t.Fatalf("trial %d (%dx%d): %d blobs, want %d", trial, w, h, len(got), len(want))
		}
		sort.Slice(want, func(i, j int) bool {
			a, b := want[i], want[j]
			return slices.Compare(key(a.n, a.x0, a.y0, a.x1, a.y1), key(b.n, b.x0, b.y0, b.x1, b.y1)) < 0
		})
		sort.Slice(got, func(i, j int) bool {
			a, b := got[i], got[j]
			return slices.Compare(key(a.n, a.x0, a.y0, a.x1, a.y1), key(b.n, b.x0, b.y0, b.x1, b.y1)) < 0
		})
		for i, g := range got {
			wb := want[i]
			if g.n != wb.n || g.x0 != wb.x0 || g.y0 != wb.y0 || g.x1 != wb.x1 || g.y1 != wb.y1 ||
				g.sx != wb.sx || g.sy != wb.sy || g.sxx != wb.sxx || g.syy != wb.syy || g.sxy != wb.sxy {
				t.Fatalf("trial %d (%dx%d): blob %d is %+v, want %+v", trial, w, h, i, g, wb)
			}
		}
	}
}
