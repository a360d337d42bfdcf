package dotcode

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// randomDots returns blobs as a frame shows them: dot lattices at a
// slant, some jittered and some exact (so that neighbours tie), some dots
// twice at one place, among specks of every size.
func randomDots(rng *rand.Rand) []blob {
	var bs []blob
	add := func(x, y, size float64) {
		if x >= 0 && y >= 0 {
			bs = append(bs, blob{x: x, y: y, size: size})
		}
	}
	for range 1 + rng.IntN(3) {
		ox, oy := 20+rng.Float64()*300, 20+rng.Float64()*300
		pitch, size := 4+rng.Float64()*30, float64(1+rng.IntN(12))
		theta := rng.Float64() * math.Pi
		jitter := 0.0
		if rng.IntN(2) == 0 {
			jitter = 0.15 * pitch
			ox, oy, pitch = math.Round(ox), math.Round(oy), math.Round(pitch)
		}
		c, s := math.Cos(theta), math.Sin(theta)
		if jitter == 0 && rng.IntN(2) == 0 {
			c, s = 1, 0 // on whole pixels: ties everywhere
		}
		n := 3 + rng.IntN(10)
		for i := range n {
			for j := range n {
				if rng.IntN(5) == 0 {
					continue
				}
				u, v := float64(i)*pitch, float64(j)*pitch
				x := ox + u*c - v*s + jitter*(rng.Float64()-0.5)
				y := oy + u*s + v*c + jitter*(rng.Float64()-0.5)
				add(x, y, size+float64(rng.IntN(2)))
				if rng.IntN(40) == 0 {
					add(x, y, size)
				}
			}
		}
	}
	for range rng.IntN(300) {
		size := float64(1 + rng.IntN(4))
		if rng.IntN(8) == 0 {
			size = float64(1 + rng.IntN(40))
		}
		add(rng.Float64()*800, rng.Float64()*800, size)
	}
	// In reading order, as the blob finder gives them.
	sort.SliceStable(bs, func(i, j int) bool { return math.Floor(bs[i].y) < math.Floor(bs[j].y) })
	return bs
}

// TestClustersAsBefore: clusters, its searches written out over the
// blobs' places by cell and its groups gathered in a slice, sets the
// nearest neighbours and returns the groups that the searches through
// near with a closure, grouped in a map, did.
func TestClustersAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 12))
	for k := range 30 {
		bs := randomDots(rng)
		ref := append([]blob(nil), bs...)
		got, want := new(latticeScratch).clusters(bs), clustersBefore(ref)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d (%d blobs): groups %v, want %v", k, len(bs), got, want)
		}
		if !reflect.DeepEqual(bs, ref) {
			t.Fatalf("case %d (%d blobs): the blobs' nearest neighbours differ", k, len(bs))
		}
	}
}

// TestNearAsBefore: near, stepping through the cells of a row as one
// stretch of the blobs' places, visits the blobs, in the order and with
// the offsets, that near cell by cell through the blobs did.
func TestNearAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 13))
	type visit struct {
		j      int
		dx, dy float64
	}
	for k := range 20 {
		bs := randomDots(rng)
		cell := []float64{nearCell, reach, 7}[k%3]
		nb, ref := newNeighbourhood(bs, cell, cell), newRefNeighbourhood(bs, cell)
		for q := range 50 {
			x, y, r := rng.Float64()*520, rng.Float64()*520, rng.Float64()*reach
			if q%2 == 0 && len(bs) > 0 {
				b := bs[rng.IntN(len(bs))]
				x, y = b.x, b.y
			}
			var got, want []visit
			nb.near(x, y, r, func(j int, dx, dy float64) { got = append(got, visit{j, dx, dy}) })
			ref.near(bs, x, y, r, func(j int, dx, dy float64) { want = append(want, visit{j, dx, dy}) })
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d, (%.1f, %.1f) within %.1f: visits %v, want %v", k, x, y, r, got, want)
			}
		}
	}
}

// refNeighbourhood is neighbourhood as it was, without its blobs' places
// by cell. It indexes blobs by a coarse grid of cells for neighbour
// searches: the blobs of cell k are order[start[k]:start[k+1]].
type refNeighbourhood struct {
	cell       float64
	cols, rows int
	start      []int32
	order      []int32
}

func newRefNeighbourhood(bs []blob, cell float64) *refNeighbourhood {
	maxX, maxY := 0.0, 0.0
	for i := range bs {
		maxX, maxY = max(maxX, bs[i].x), max(maxY, bs[i].y)
	}
	nb := &refNeighbourhood{cell: cell, cols: int(maxX/cell) + 1, rows: int(maxY/cell) + 1}
	nb.start = make([]int32, nb.cols*nb.rows+1)
	for i := range bs {
		nb.start[nb.key(bs[i].x, bs[i].y)+1]++
	}
	for k := 1; k < len(nb.start); k++ {
		nb.start[k] += nb.start[k-1]
	}
	nb.order = make([]int32, len(bs))
	fill := append([]int32(nil), nb.start[:len(nb.start)-1]...)
	for i := range bs {
		k := nb.key(bs[i].x, bs[i].y)
		nb.order[fill[k]] = int32(i)
		fill[k]++
	}
	return nb
}

func (nb *refNeighbourhood) key(x, y float64) int {
	return int(max(0, y)/nb.cell)*nb.cols + int(max(0, x)/nb.cell)
}

// near calls fn for every blob within r of (x, y) but those right on
// it, cell by cell (the cells the square of side 2r round it touches).
func (nb *refNeighbourhood) near(bs []blob, x, y, r float64, fn func(j int, dx, dy float64)) {
	x0, y0 := int(max(0, x-r)/nb.cell), int(max(0, y-r)/nb.cell)
	x1, y1 := min(nb.cols-1, int(max(0, x+r)/nb.cell)), min(nb.rows-1, int(max(0, y+r)/nb.cell))
	for gy := y0; gy <= y1; gy++ {
		for gx := x0; gx <= x1; gx++ {
			k := gy*nb.cols + gx
			for _, j := range nb.order[nb.start[k]:nb.start[k+1]] {
				dx, dy := bs[j].x-x, bs[j].y-y
				if dx*dx+dy*dy <= r*r && (dx != 0 || dy != 0) {
					fn(int(j), dx, dy)
				}
			}
		}
	}
}

// similarBlobs reports whether two blobs could be dots of one symbol.
func similarBlobs(a, b *blob) bool {
	return a.size <= 2*b.size+1 && b.size <= 2*a.size+1
}

// clustersBefore is clusters as it was, searching through near with a
// closure and grouping in a map: the reference clusters is tested
// against. It groups blobs that lie close to similar blobs, largest group
// first. It sets each blob's nearest neighbour.
func clustersBefore(bs []blob) [][]int {
	if len(bs) < minDots {
		return nil
	}
	// The blobs are indexed in cells of a few small dots' pitch, so that
	// the search round a small dot, among the many specks of a textured
	// frame, looks at the cells near it only.
	nb := newRefNeighbourhood(bs, nearCell)
	// Of the nearest similar blobs, the one of the lowest place in cells
	// of reach across (row by row) and then of the lowest index: the
	// first of them a search of those cells' blobs in order meets.
	cols := 1
	for i := range bs {
		cols = max(cols, int(bs[i].x/reach)+1)
	}
	place := func(j int) int { return int(max(0, bs[j].y)/reach)*cols + int(max(0, bs[j].x)/reach) }
	for i := range bs {
		b := &bs[i]
		b.nn = math.Inf(1)
		best, bestPlace := -1, 0
		nb.near(bs, b.x, b.y, min(reach, 4*b.size+6), func(j int, dx, dy float64) {
			if !similarBlobs(b, &bs[j]) {
				return
			}
			d := math.Hypot(dx, dy)
			if d > b.nn {
				return
			}
			p := place(j)
			if d == b.nn && (p > bestPlace || p == bestPlace && j > best) {
				return
			}
			b.nn, b.nnDX, b.nnDY = d, dx, dy
			best, bestPlace = j, p
		})
	}
	parent := make([]int, len(bs))
	for i := range parent {
		parent[i] = i
	}
	root := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range bs {
		b := &bs[i]
		if math.IsInf(b.nn, 1) {
			continue
		}
		// Across an empty cell the next dot is 2·X = 1.41 pitches away, a
		// diagonal gap 2 pitches.
		nb.near(bs, b.x, b.y, min(reach, 2.1*b.nn), func(j int, _, _ float64) {
			if similarBlobs(b, &bs[j]) {
				if ri, rj := root(i), root(j); ri != rj {
					parent[max(ri, rj)] = min(ri, rj)
				}
			}
		})
	}
	groups := map[int][]int{}
	for i := range bs {
		if !math.IsInf(bs[i].nn, 1) {
			r := root(i)
			groups[r] = append(groups[r], i)
		}
	}
	var out [][]int
	for _, g := range groups {
		if len(g) >= minDots {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i][0] < out[j][0]
	})
	return out
}

// TestNeighbourhoodHoldsBlobs: a neighbourhood holds each blob's centre
// and size beside its index, in its cell's stretch, so that a search
// reads a candidate from one place.
func TestNeighbourhoodHoldsBlobs(t *testing.T) {
	bs := randomDots(rand.New(rand.NewPCG(14, 17)))
	nb := newNeighbourhood(bs, nearCell, nearCell)
	if len(nb.at) != len(bs) {
		t.Fatalf("%d blobs held, want %d", len(nb.at), len(bs))
	}
	for k := range len(nb.start) - 1 {
		for _, c := range nb.at[nb.start[k]:nb.start[k+1]] {
			b := bs[c.i]
			if c.x != b.x || c.y != b.y || c.size != b.size || nb.key(b.x, b.y) != k {
				t.Fatalf("cell %d holds %+v, blob %d is %+v", k, c, c.i, b)
			}
		}
	}
}

// TestClustersCellsInOrderOfX: the neighbourhood clusters searches holds
// each cell's blobs in order of x, the same blobs as before, so that a
// search walks a row of cells from the blob's x out each way and stops
// where the blobs lie beyond its reach.
func TestClustersCellsInOrderOfX(t *testing.T) {
	bs := randomDots(rand.New(rand.NewPCG(14, 19)))
	nb, ref := newNeighbourhood(bs, nearCellX, nearCell), newNeighbourhood(bs, nearCellX, nearCell)
	nb.sortCells()
	for row := range nb.rows {
		stretch := nb.at[nb.start[row*nb.cols]:nb.start[(row+1)*nb.cols]]
		for k := 1; k < len(stretch); k++ {
			if stretch[k].x < stretch[k-1].x {
				t.Fatalf("row %d: blob %d at x %.2f after blob %d at x %.2f", row, stretch[k].i, stretch[k].x, stretch[k-1].i, stretch[k-1].x)
			}
		}
	}
	for k := range len(nb.start) - 1 {
		var got, want []int
		for _, c := range nb.at[nb.start[k]:nb.start[k+1]] {
			got = append(got, c.i)
		}
		for _, c := range ref.at[ref.start[k]:ref.start[k+1]] {
			want = append(want, c.i)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("cell %d holds blobs %v, want %v", k, got, want)
		}
	}
}

// newNeighbourhood indexes every blob of bs in a neighbourhood of its own.
func newNeighbourhood(bs []blob, cellX, cellY float64) *neighbourhood {
	var fill []int32
	return new(neighbourhood).index(bs, nil, cellX, cellY, &fill)
}
