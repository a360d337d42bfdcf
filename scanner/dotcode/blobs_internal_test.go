package dotcode

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestFindLabelsEachPatch: the blobs found from runs are the dot-like
// eight-connected patches of dark pixels (edgewise, four-connected), in
// the order of their first pixel in reading order, as a flood fill pixel
// by pixel finds them, at densities from specks to a mesh and across word
// boundaries.
func TestFindLabelsEachPatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	var f blobFinder
	for k := range 72 {
		w, h := 1+rng.IntN(130), 1+rng.IntN(60)
		if k >= 60 {
			w = 200 + rng.IntN(200) // many words a row
		}
		m, _ := gozxing.NewBitMatrix(w, h)
		density := []float64{0.05, 0.2, 0.45, 0.6}[k%4]
		for y := range h {
			for x := range w {
				if rng.Float64() < density {
					m.Set(x, y)
				}
			}
		}
		// Some blocks, dots as the finder keeps them.
		for range rng.IntN(6) {
			x0, y0, s := rng.IntN(w), rng.IntN(h), 1+rng.IntN(5)
			for y := y0; y < min(h, y0+s); y++ {
				for x := x0; x < min(w, x0+s); x++ {
					m.Set(x, y)
				}
			}
		}
		for _, edgewise := range []bool{false, true} {
			got := f.find(m)
			if edgewise {
				got = f.findEdgewise(m)
			}
			want := floodBlobs(m, edgewise)
			if len(got) != len(want) {
				t.Fatalf("%dx%d density %.2f, edgewise %v: %d blobs, want %d", w, h, density, edgewise, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%dx%d density %.2f, edgewise %v: blob %d is %+v, want %+v", w, h, density, edgewise, i, got[i], want[i])
				}
			}
		}
	}
}

// TestFindEdgewisePartsDiagonalDots: two-pixel dots of a checkerboard
// whose corners touch, as a DotCode symbol's at two pixels a module, are
// one patch joined at corners, too large for a dot, and a blob each
// edgewise; the next search joins at corners again.
func TestFindEdgewisePartsDiagonalDots(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(60, 60)
	n := 0
	for y := 2; y < 56; y += 2 {
		for x := 2 + y%4; x < 56; x += 4 {
			m.SetRegion(x, y, 2, 2)
			n++
		}
	}
	var f blobFinder
	if got := len(f.findEdgewise(m)); got != n {
		t.Errorf("edgewise: %d blobs, want the %d dots", got, n)
	}
	if got := f.find(m); len(got) != 0 {
		t.Errorf("%v, want no blob (the dots joined at their corners are no dot)", got)
	}
}

// floodBlobs finds the patches of m pixel by pixel (edgewise: joined
// only across edges) and keeps those find keeps, each as find describes
// it.
func floodBlobs(m *gozxing.BitMatrix, edgewise bool) []blob {
	w, h := m.GetWidth(), m.GetHeight()
	seen := make([]bool, w*h)
	var out []blob
	for y := range h {
		for x := range w {
			if !m.Get(x, y) || seen[y*w+x] {
				continue
			}
			n, sx, sy := 0, 0, 0
			x0, y0, x1, y1 := x, y, x, y
			stack := [][2]int{{x, y}}
			seen[y*w+x] = true
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				n, sx, sy = n+1, sx+p[0], sy+p[1]
				x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						qx, qy := p[0]+dx, p[1]+dy
						if edgewise && dx != 0 && dy != 0 {
							continue
						}
						if qx >= 0 && qy >= 0 && qx < w && qy < h && !seen[qy*w+qx] && m.Get(qx, qy) {
							seen[qy*w+qx] = true
							stack = append(stack, [2]int{qx, qy})
						}
					}
				}
			}
			bw, bh := x1-x0+1, y1-y0+1
			if n < 2 || bw > maxDot || bh > maxDot || bw > 2*bh+1 || bh > 2*bw+1 || 2*n < bw*bh {
				continue
			}
			out = append(out, blob{
				x: float64(2*sx)/float64(2*n) + 0.5, y: float64(2*sy)/float64(2*n) + 0.5,
				n: n, x0: x0, y0: y0, x1: x1, y1: y1, size: float64(max(bw, bh)),
			})
		}
	}
	return out
}

// TestFindKeepsRowsOfRuns: the blob search keeps the runs of two rows at
// a time, the row it labels and the one above, not every run of the
// image: a run joins only runs of the row above it. (Each row's slice
// keeps room for a word's runs beyond its own, and grows by doubling.)
func TestFindKeepsRowsOfRuns(t *testing.T) {
	const w, h, perRow = 200, 120, 20
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := 0; x < w; x += w / perRow {
			m.Set(x+y%3, y) // runs of one pixel, every row
		}
	}
	var f blobFinder
	f.find(m)
	if f.labelled != h*perRow {
		t.Fatalf("labelled %d runs, want %d", f.labelled, h*perRow)
	}
	if n := cap(f.runs) + cap(f.above); n > 2*2*(perRow+1+17) {
		t.Errorf("the finder holds room for %d runs after labelling %d rows of %d", n, h, perRow)
	}
}

// TestPatchRecordsHoldTheirJoins: each label's record holds the label it
// joined (its own while a root), a lesser one, so that a run's patch is
// found in the records its pixels are gathered in, with no table beside
// them.
func TestPatchRecordsHoldTheirJoins(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 23))
	m, _ := gozxing.NewBitMatrix(150, 80)
	for y := range 80 {
		for x := range 150 {
			if rng.IntN(3) == 0 {
				m.Set(x, y)
			}
		}
	}
	var f blobFinder
	f.find(m)
	roots := 0
	for i, a := range f.acc {
		switch {
		case a.parent == int32(i):
			roots++
		case a.parent > int32(i):
			t.Fatalf("label %d joined %d, a greater one", i, a.parent)
		}
	}
	if roots == 0 || roots == len(f.acc) {
		t.Fatalf("%d roots of %d labels: no joins tested", roots, len(f.acc))
	}
}

// TestAppendRunsAsPixels: the runs appendRuns finds from a row's edges
// are those pixel by pixel, a run across words once, cut at w, after the
// runs already held.
func TestAppendRunsAsPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 7))
	for k := range 400 {
		n := 1 + rng.IntN(6)
		words := make([]uint32, n)
		for i := range words {
			switch rng.IntN(4) {
			case 0: // runs across words
				words[i] = ^uint32(0)
			case 1:
				words[i] = 0
			default:
				words[i] = rng.Uint32() & rng.Uint32()
			}
		}
		w := int32(32*n - rng.IntN(32))
		if k%3 == 0 {
			w = int32(32 * n)
		}
		held := []run{{x0: 1, x1: 2, label: 5}}
		got := appendRuns(append([]run(nil), held...), words, w)
		want := held
		for x := int32(0); x < int32(32*n); x++ {
			if words[x/32]>>(x%32)&1 == 0 {
				continue
			}
			if last := len(want) - 1; last > 0 && want[last].x1 == x {
				want[last].x1 = x + 1
			} else {
				want = append(want, run{x0: x, x1: x + 1})
			}
		}
		for i := len(want) - 1; i > 0 && want[i].x1 > w; i-- {
			want[i].x1 = w
		}
		if len(got) != len(want) {
			t.Fatalf("words %032b cut at %d: %d runs, want %d", words, w, len(got), len(want))
		}
		for i := range want {
			if got[i].x0 != want[i].x0 || got[i].x1 != want[i].x1 || i == 0 && got[0] != held[0] {
				t.Fatalf("words %032b cut at %d: run %d %+v, want %+v", words, w, i, got[i], want[i])
			}
		}
	}
}

// TestFindMatchesRunByRunLabelling: the labelling with the finder's rows
// in locals, a new patch's record written in place, the runs above
// already labelled with the patch's root passed by without a look-up and
// rows without runs left out gives the records (every label's, joined or
// not, with the joins path halving made), the runs' labels and the blobs
// of labelling every row, every run above looked up by its root, as the
// search did before, on dot fields, textures, a weave and bars, both
// ways of joining.
func TestFindMatchesRunByRunLabelling(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 99))
	var f blobFinder
	for k := range 24 {
		w, h := 40+rng.IntN(300), 20+rng.IntN(80)
		var m wordImage
		m.resize(w, h)
		set := func(x, y int) {
			if x >= 0 && x < w && y >= 0 && y < h {
				m.row(y)[x/32] |= 1 << (x % 32)
			}
		}
		switch k % 4 {
		case 0: // a lattice of dots, some touching, some missing
			pitch, size := 2+rng.IntN(5), 1+rng.IntN(4)
			for y := 0; y < h; y += pitch {
				for x := (y / pitch % 2) * pitch / 2; x < w; x += pitch {
					if rng.IntN(5) > 0 {
						for dy := range size {
							for dx := range size {
								set(x+dx, y+dy)
							}
						}
					}
				}
			}
		case 1: // texture: pixels at random, densities from specks to a mesh
			density := 0.1 + 0.5*rng.Float64()
			for y := range h {
				for x := range w {
					if rng.Float64() < density {
						set(x, y)
					}
				}
			}
		case 2: // a weave: crossing threads, with gaps
			for y := range h {
				for x := range w {
					if (x/3+y/3)%2 == 0 && (x%3 != 2 || rng.IntN(3) == 0) {
						set(x, y)
					}
				}
			}
		case 3: // bars and empty rows
			for x := 0; x < w; x += 1 + rng.IntN(6) {
				bw := 1 + rng.IntN(4)
				for y := range h {
					if y%7 != 0 {
						for dx := range bw {
							set(x+dx, y)
						}
					}
				}
			}
		}
		for _, narrow := range []int32{0, 1} {
			f.edgewise = narrow == 1
			got := append([]blob(nil), f.findWords(&m)...)
			f.edgewise = false
			wantAcc, wantLabels, wantN := labelRunByRun(m.w, m.h, m.row, narrow)
			if f.labelled != wantN {
				t.Fatalf("image %d, narrow %d: labelled %d runs, want %d", k, narrow, f.labelled, wantN)
			}
			if len(f.acc) != len(wantAcc) {
				t.Fatalf("image %d, narrow %d: %d labels, want %d", k, narrow, len(f.acc), len(wantAcc))
			}
			for i := range wantAcc {
				if f.acc[i] != wantAcc[i] {
					t.Fatalf("image %d, narrow %d: label %d's record %+v, want %+v", k, narrow, i, f.acc[i], wantAcc[i])
				}
			}
			// Each run's label, the search's rows labelled again one
			// by one.
			runs, above := []run(nil), []run{past}
			var acc []blobAcc
			for y := range m.h {
				runs = appendRuns(runs[:0], m.row(y), int32(m.w))
				runs = append(runs, past)
				acc = label(acc, above, runs, int32(y), narrow)
				for i, r := range runs[:len(runs)-1] {
					if want := wantLabels[y][i]; r.label != want {
						t.Fatalf("image %d, narrow %d: row %d run %d labelled %d, want %d", k, narrow, y, i, r.label, want)
					}
				}
				above, runs = runs, above
			}
			f.edgewise = narrow == 1
			want := findRunByRun(wantAcc)
			f.edgewise = false
			if len(got) != len(want) {
				t.Fatalf("image %d, narrow %d: %d blobs, want %d", k, narrow, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("image %d, narrow %d: blob %d %+v, want %+v", k, narrow, i, got[i], want[i])
				}
			}
		}
	}
}

// labelRunByRun labels the image's runs as the search did before: runs
// found a bit at a time and every row's runs labelled (every run above
// looked up by its root), a new patch's record appended whole. It returns
// the records, each row's runs' labels and the runs labelled.
func labelRunByRun(w, h int, row func(y int) []uint32, narrow int32) ([]blobAcc, [][]int32, int) {
	var acc []blobAcc
	labels := make([][]int32, h)
	above, n := []run{past}, 0
	for y := range h {
		var runs []run
		words := row(y)
		for x := range int32(w) {
			if words[x/32]>>(x%32)&1 == 0 {
				continue
			}
			if last := len(runs) - 1; last >= 0 && runs[last].x1 == x {
				runs[last].x1 = x + 1
			} else {
				runs = append(runs, run{x0: x, x1: x + 1})
			}
		}
		n += len(runs)
		runs = append(runs, past)
		p := 0
		for i := range runs[:len(runs)-1] {
			x0, x1 := runs[i].x0, runs[i].x1
			lo, hi := x0+narrow, x1-narrow
			for above[p].x1 < lo {
				p++
			}
			rn := x1 - x0
			if above[p].x0 > hi {
				l := int32(len(acc))
				acc = append(acc, blobAcc{sx: int(rn) * int(x0+x1-1), sy: 2 * int(rn) * int(y), n: rn, x0: x0, y0: int32(y), x1: x1 - 1, y1: int32(y), parent: l})
				runs[i].label = l
				continue
			}
			l := root(acc, above[p].label)
			for q := p + 1; above[q].x0 <= hi; q++ {
				if rq := root(acc, above[q].label); rq != l {
					lo, hi := min(l, rq), max(l, rq)
					acc[hi].parent = lo
					acc[lo].merge(&acc[hi])
					l = lo
				}
			}
			runs[i].label = l
			a := &acc[l]
			a.n += rn
			a.sx += int(rn) * int(x0+x1-1)
			a.sy += 2 * int(rn) * int(y)
			a.x0, a.x1 = min(a.x0, x0), max(a.x1, x1-1)
			a.y1 = int32(y)
		}
		for _, r := range runs[:len(runs)-1] {
			labels[y] = append(labels[y], r.label)
		}
		above = runs
	}
	return acc, labels, n
}

// findRunByRun returns the blobs of the records, as the search keeps them.
func findRunByRun(acc []blobAcc) []blob {
	var blobs []blob
	for i, a := range acc {
		if a.parent != int32(i) || a.n < 2 {
			continue
		}
		bw, bh := int(a.x1-a.x0+1), int(a.y1-a.y0+1)
		n := int(a.n)
		if bw > maxDot || bh > maxDot || bw > 2*bh+1 || bh > 2*bw+1 || 2*n < bw*bh {
			continue
		}
		blobs = append(blobs, blob{
			x: float64(a.sx)/float64(2*n) + 0.5, y: float64(a.sy)/float64(2*n) + 0.5,
			n: n, x0: int(a.x0), y0: int(a.y0), x1: int(a.x1), y1: int(a.y1), size: float64(max(bw, bh)),
		})
	}
	return blobs
}
