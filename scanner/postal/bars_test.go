package postal

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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

// TestLabelRowRuns: the runs a row is labelled in, from its lengths,
// are its dark runs pixel by pixel, ended by beyond, for widths that fill
// whole words and not, with set bits past the width ignored; a row of
// more than maxRowRuns runs ended before its end gives none.
func TestLabelRowRuns(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	row := func(words []uint32, w int) []run {
		got, _, ok := labelRow([]run{beyond}, bitrow.Lengths(words, w, nil), nil, nil, 0)
		if !ok || len(got) == 0 || got[len(got)-1] != beyond {
			t.Fatalf("width %d: runs %v, not ended by beyond", w, got)
		}
		got = got[:len(got)-1]
		for i := range got {
			got[i].part = 0
		}
		return got
	}
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
				want = append(want, run{x0: int32(x)})
			}
			if dark(x) && (x == w-1 || !dark(x+1)) {
				want[len(want)-1].x1 = int32(x + 1)
			}
		}
		if got := row(words, w); !slices.Equal(got, want) {
			t.Fatalf("trial %d, width %d: runs %v, want %v", trial, w, got, want)
		}
	}
	for _, c := range []struct {
		width int
		pat   uint32
		want  int
	}{
		{2 * maxRowRuns, 0x55555555, maxRowRuns},       // maxRowRuns ended
		{2*maxRowRuns + 2, 0x55555555, 0},              // one more ended
		{2*maxRowRuns + 1, 0x55555555, maxRowRuns + 1}, // one more, reaching the row's end
		{2*maxRowRuns + 2, 0xaaaaaaaa, maxRowRuns + 1}, // maxRowRuns ended and one reaching the end
		{2*maxRowRuns + 4, 0xaaaaaaaa, 0},              // one more ended
		{37, 0xf0f0f0f0, 5}, {64, 0xffffffff, 1}, {5, 0, 0},
	} {
		words := make([]uint32, (c.width+31)/32)
		for i := range words {
			words[i] = c.pat
		}
		if got := len(row(words, c.width)); got != c.want {
			t.Errorf("width %d of %08x: %d runs, want %d", c.width, c.pat, got, c.want)
		}
	}
}

// floodBlobs labels the 8-connected dark pixels of m one pixel at a
// time, the plain way the reader's run labelling must agree with: their
// moments, summed pixel by pixel.
func floodBlobs(m *gozxing.BitMatrix, minPixels int) []sums {
	w, h := m.GetWidth(), m.GetHeight()
	seen := make([]bool, w*h)
	var out []sums
	var stack [][2]int
	for y := range h {
		for x := range w {
			if seen[y*w+x] || !m.Get(x, y) {
				continue
			}
			var b sums
			seen[y*w+x] = true
			stack = append(stack[:0], [2]int{x, y})
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				cx, cy := float64(p[0])+0.5, float64(p[1])+0.5
				b.n++
				b.sx, b.sy, b.sxx, b.syy, b.sxy = b.sx+cx, b.sy+cy, b.sxx+cx*cx, b.syy+cy*cy, b.sxy+cx*cy
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
// pixel-by-pixel flood fill finds, with the same pixel counts and
// moments, on random images sparse and dense, in one Reader reused
// across sizes.
func TestBlobsMatchFloodFill(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	var r Reader
	key := func(s sums) []float64 { return []float64{s.sy, s.sx, float64(s.n), s.syy, s.sxx, s.sxy} }
	byKey := func(a, b sums) int { return slices.Compare(key(a), key(b)) }
	for trial := range 60 {
		w, h := 1+rng.IntN(150), 1+rng.IntN(60)
		m := randomMatrix(rng, w, h, []float64{0.1, 0.3, 0.5, 0.7}[trial%4], 1+rng.IntN(40))
		minPixels := 1 + trial%4
		want := floodBlobs(m, minPixels)
		var got []sums
		for _, b := range r.blobs(m, minPixels) {
			got = append(got, b.sums)
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d (%dx%d): %d blobs, want %d", trial, w, h, len(got), len(want))
		}
		slices.SortFunc(want, byKey)
		slices.SortFunc(got, byKey)
		for i, g := range got {
			if g != want[i] {
				t.Fatalf("trial %d (%dx%d): blob %d is %+v, want %+v", trial, w, h, i, g, want[i])
			}
		}
	}
}

// unionBlobs is the labelling as blobs did it before its parts were
// kept apart from the blobs and a run's moments summed about its
// middle: its blobs, in its order, with its moments.
func unionBlobs(m *gozxing.BitMatrix, minPixels int) []sums {
	w, h := m.GetWidth(), m.GetHeight()
	type oldRun struct{ x0, x1, blob int }
	var all []sums
	var parent []int
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var prev, cur []oldRun
	for y := range h {
		cur = cur[:0]
		for x := range w {
			switch {
			case m.Get(x, y) && (x == 0 || !m.Get(x-1, y)):
				cur = append(cur, oldRun{x0: x, x1: x + 1})
			case m.Get(x, y):
				cur[len(cur)-1].x1 = x + 1
			}
		}
		fy := float64(y) + 0.5
		j := 0
		for i := range cur {
			x0, x1 := cur[i].x0, cur[i].x1
			id := -1
			for j < len(prev) && prev[j].x1 < x0 {
				j++
			}
			for k := j; k < len(prev) && prev[k].x0 <= x1; k++ {
				b := find(prev[k].blob)
				switch {
				case id < 0:
					id = b
				case b != id:
					a := id
					if all[a].n < all[b].n {
						a, b = b, a
					}
					parent[b] = a
					p, q := &all[a], &all[b]
					p.n += q.n
					p.sx, p.sy, p.sxx, p.syy, p.sxy = p.sx+q.sx, p.sy+q.sy, p.sxx+q.sxx, p.syy+q.syy, p.sxy+q.sxy
					id = a
				}
			}
			if id < 0 {
				id = len(all)
				all = append(all, sums{})
				parent = append(parent, id)
			}
			cur[i].blob = id
			b := &all[id]
			n := float64(x1 - x0)
			sx := n * float64(x0+x1) / 2
			a := float64(x0) + 0.5
			b.n += x1 - x0
			b.sx += sx
			b.sy += n * fy
			b.sxx += n*a*a + a*n*(n-1) + (n-1)*n*(2*n-1)/6
			b.syy += n * fy * fy
			b.sxy += sx * fy
		}
		prev, cur = cur, prev
	}
	var out []sums
	for i, b := range all {
		if parent[i] == i && b.n >= minPixels {
			out = append(out, b)
		}
	}
	return out
}

// TestBlobsMatchUnion: the blobs come in the order, and with the moments
// bit for bit, of the labelling as it was (the chains are seeded in the
// blobs' order), on random images sparse and dense, of short runs and
// long.
func TestBlobsMatchUnion(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	var r Reader
	// Two arms as large as each other, a speck made between them, and a
	// row that joins the arms: the arm met first is the root, before the
	// speck.
	u, _ := gozxing.NewBitMatrix(7, 3)
	for _, p := range [][2]int{{0, 0}, {3, 0}, {6, 0}, {0, 1}, {6, 1}} {
		u.Set(p[0], p[1])
	}
	u.SetRegion(0, 2, 7, 1)
	for trial := range 41 {
		m, minPixels := u, 1
		if trial > 0 {
			w, h := 1+rng.IntN(300), 1+rng.IntN(50)
			m = randomMatrix(rng, w, h, []float64{0.2, 0.5, 0.6, 0.8}[trial%4], 1+rng.IntN([]int{3, 40, 300}[trial%3]))
			minPixels = 1 + trial%3
		}
		w, h := m.GetWidth(), m.GetHeight()
		want := unionBlobs(m, minPixels)
		got := r.blobs(m, minPixels)
		if len(got) != len(want) {
			t.Fatalf("trial %d (%dx%d): %d blobs, want %d", trial, w, h, len(got), len(want))
		}
		for i, g := range got {
			if g.sums != want[i] {
				t.Fatalf("trial %d (%dx%d): blob %d is %+v, want %+v", trial, w, h, i, g.sums, want[i])
			}
		}
	}
}

// TestBlobsGiveUpPastMaxBlobs: an image of maxBlobs specks gives them
// all, also where the last row's runs would pass the limit were they all
// new; one more speck, in the row that passes the limit or a row before
// it, and the labelling gives up.
func TestBlobsGiveUpPastMaxBlobs(t *testing.T) {
	const perRow, rows = 512, maxBlobs / 512
	var r Reader
	for _, c := range []struct {
		off, on [][2]int
		want    int
	}{
		{want: maxBlobs},
		// The last row's runs: 512 new specks and the foot of a bar.
		{off: [][2]int{{0, 0}}, on: [][2]int{{2 * perRow, 2*rows - 3}, {2 * perRow, 2*rows - 2}}, want: maxBlobs},
		{on: [][2]int{{2 * perRow, 2*rows - 2}}},
		{on: [][2]int{{2 * perRow, 0}}},
	} {
		m, _ := gozxing.NewBitMatrix(2*perRow+1, 2*rows)
		for y := 0; y < 2*rows; y += 2 {
			for x := 0; x < 2*perRow; x += 2 {
				m.Set(x, y)
			}
		}
		for _, p := range c.off {
			m.Unset(p[0], p[1])
		}
		for _, p := range c.on {
			m.Set(p[0], p[1])
		}
		if got := r.blobs(m, 1); len(got) != c.want || c.want == 0 && got != nil {
			t.Errorf("specks off %v, on %v: %d blobs, want %d", c.off, c.on, len(got), c.want)
		}
	}
}

// lentImage is a BitMatrix that lends its rows' lengths, measured by
// bitrow.Lengths, as the engine's shared rows do.
type lentImage struct{ *gozxing.BitMatrix }

func (m lentImage) RowLengths(y int, buf []int) (l, spare []int) {
	l = bitrow.Lengths(m.GetRow(y, nil).GetBitArray(), m.GetWidth(), buf)
	return l, l
}

// TestBlobsOfLentLengths: the blobs labelled from the rows' lengths an
// image lends are those labelled from its rows, in the same order.
func TestBlobsOfLentLengths(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 14))
	var r Reader
	for trial := range 30 {
		w, h := 1+rng.IntN(300), 1+rng.IntN(40)
		m := randomMatrix(rng, w, h, []float64{0.2, 0.5, 0.8}[trial%3], 1+rng.IntN(40))
		want := slices.Clone(r.blobs(m, 1))
		if got := r.blobs(lentImage{m}, 1); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%dx%d): %d blobs from lent lengths, want %d as from the rows", trial, w, h, len(got), len(want))
		}
	}
}
