package dotcode

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// TestLatticeAsBefore: the lattices fitted with their blobs' modules
// marked in a grid over the extent sample, at every module of it and a
// few beyond, the dots (and count the blobs beyond an edge moved in) that
// those kept in a map did, on images whose edges cut some windows.
func TestLatticeAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 31))
	fitted := 0
	for k := range 24 {
		bs := randomDots(rng)
		w, h := 200+rng.IntN(400), 200+rng.IntN(400)
		bm, _ := gozxing.NewBitMatrix(w, h)
		row := gozxing.NewBitArray(w)
		for y := range h {
			words := row.GetBitArray()
			for i := range words {
				words[i] = rng.Uint32() & rng.Uint32() // a quarter dark
			}
			if w%32 != 0 {
				words[len(words)-1] &= 1<<(w%32) - 1
			}
			bm.SetRow(y, row)
		}
		var sc latticeScratch
		for _, g := range sc.clusters(bs) {
			l, ok := sc.fitLattice(bs, g)
			lb, okb := fitLatticeBefore(bs, g)
			if ok != okb {
				t.Fatalf("case %d: fitted %v, before %v", k, ok, okb)
			}
			if !ok {
				continue
			}
			fitted++
			if l.module != lb.module || l.ox != lb.ox || l.oy != lb.oy ||
				l.smin != lb.smin || l.smax != lb.smax || l.tmin != lb.tmin || l.tmax != lb.tmax {
				t.Fatalf("case %d: lattice %+v, before %+v", k, l, lb)
			}
			// The reference fits its map through the blobs in the order
			// of a map's iteration, so to the last bits it varies from
			// fit to fit: the dots are compared through one map.
			for i := range l.h {
				if math.Abs(l.h[i]-lb.h[i]) > 1e-9*max(1, math.Abs(l.h[i])) {
					t.Fatalf("case %d: map %v, before %v", k, l.h, lb.h)
				}
			}
			lb.h = l.h
			for s := l.smin - 2; s <= l.smax+2; s++ {
				for tt := l.tmin - 2; tt <= l.tmax+2; tt++ {
					if got, want := l.dot(bm, s, tt), lb.dot(bm, s, tt); got != want {
						t.Fatalf("case %d: dot at (%d, %d) %v, before %v", k, s, tt, got, want)
					}
				}
			}
			for _, d := range [...][4]int{{1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, -1}, {-1, 1, 0, 0}} {
				v, vb := *l, *lb
				v.smin, v.smax, v.tmin, v.tmax = l.smin+d[0], l.smax+d[1], l.tmin+d[2], l.tmax+d[3]
				vb.smin, vb.smax, vb.tmin, vb.tmax = v.smin, v.smax, v.tmin, v.tmax
				if got, want := l.lineDots(&v), lb.lineDots(&vb); got != want {
					t.Fatalf("case %d: %d blobs beyond %v, before %d", k, got, d, want)
				}
			}
		}
	}
	if fitted == 0 {
		t.Fatal("no lattice fitted")
	}
}

// latticeBefore is lattice as it was, its blobs' modules in a map: the
// reference lattice is tested against. It is a fitted symbol candidate: its blobs' module coordinates
// (s right, t down; s+t even on dots) and the map from module
// coordinates to the image.
type latticeBefore struct {
	h      geom.Homography
	ox, oy float64 // image origin the map is relative to
	module float64 // pixels

	smin, smax, tmin, tmax int
	dots                   map[[2]int]bool
}

// fitLatticeBefore fits the lattice of one cluster of blobs as
// fitLattice did, its blobs' modules kept in a map.
func fitLatticeBefore(bs []blob, group []int) (*latticeBefore, bool) {
	// The pitch: the commonest nearest-neighbour distance (the median).
	nns := make([]float64, len(group))
	for k, i := range group {
		nns[k] = bs[i].nn
	}
	sort.Float64s(nns)
	pitch := nns[len(nns)/2]
	if pitch < 2 {
		return nil, false
	}
	// The diagonal axes' angle, modulo 90°: average 4·angle over the
	// nearest-neighbour vectors a pitch long.
	var c4, s4 float64
	for _, i := range group {
		b := &bs[i]
		if math.Abs(b.nn-pitch) > 0.2*pitch {
			continue
		}
		a := 4 * math.Atan2(b.nnDY, b.nnDX)
		c4, s4 = c4+math.Cos(a), s4+math.Sin(a)
	}
	if math.Hypot(c4, s4) < 0.3*float64(len(group)) {
		return nil, false // no dominant direction: not a lattice
	}
	theta := math.Atan2(s4, c4) / 4
	// The diagonal basis: ea = pitch·(cos θ, sin θ), eb = ea turned -90°.
	// Lattice point (i, j) is module (s, t) = (i+j, i-j).
	ca, sa := math.Cos(theta), math.Sin(theta)
	member := make(map[int]bool, len(group))
	for _, i := range group {
		member[i] = true
	}
	nb := newRefNeighbourhood(bs, reach)
	// Walk the lattice from the blob nearest the group's centre.
	var cx, cy float64
	for _, i := range group {
		cx, cy = cx+bs[i].x, cy+bs[i].y
	}
	cx, cy = cx/float64(len(group)), cy/float64(len(group))
	seed, best := group[0], math.Inf(1)
	for _, i := range group {
		if d := math.Hypot(bs[i].x-cx, bs[i].y-cy); d < best {
			seed, best = i, d
		}
	}
	coord := map[int][2]int{seed: {0, 0}}
	taken := map[[2]int]int{{0, 0}: seed}
	queue := []int{seed}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		ci := coord[i]
		nb.near(bs, bs[i].x, bs[i].y, min(reach, 3.2*pitch), func(j int, dx, dy float64) {
			if !member[j] {
				return
			}
			if _, done := coord[j]; done {
				return
			}
			a := (dx*ca + dy*sa) / pitch
			b := (dx*sa - dy*ca) / pitch
			ra, rb := math.Round(a), math.Round(b)
			if math.Abs(a-ra) > 0.3 || math.Abs(b-rb) > 0.3 {
				return
			}
			c := [2]int{ci[0] + int(ra), ci[1] + int(rb)}
			if _, dup := taken[c]; dup {
				return
			}
			coord[j], taken[c] = c, j
			queue = append(queue, j)
		})
	}
	if len(coord) < minDots {
		return nil, false
	}
	l := &latticeBefore{ox: bs[seed].x, oy: bs[seed].y, dots: make(map[[2]int]bool, len(coord))}
	pts := make([]geom.Correspondence, 0, len(coord))
	for i, c := range coord {
		s, t := c[0]+c[1], c[0]-c[1]
		pts = append(pts, geom.Correspondence{X: float64(s), Y: float64(t), U: bs[i].x - l.ox, V: bs[i].y - l.oy})
	}
	h, ok := geom.FitAffine(pts)
	if !ok {
		return nil, false
	}
	// Drop the blobs the affine map misplaces by more than a third of a
	// module (specks that happened to fall near the lattice), then allow
	// for perspective.
	module := pitch / math.Sqrt2
	kept := pts[:0]
	for _, p := range pts {
		u, v := h.Apply(p.X, p.Y)
		if math.Hypot(u-p.U, v-p.V) < module*0.6 {
			kept = append(kept, p)
		}
	}
	if len(kept) < minDots {
		return nil, false
	}
	if hh, ok := geom.FitHomography(kept); ok && len(kept) >= 40 {
		h = hh
	}
	l.h, l.module = h, module
	l.smin, l.tmin = math.MaxInt, math.MaxInt
	l.smax, l.tmax = math.MinInt, math.MinInt
	for _, p := range kept {
		s, t := int(p.X), int(p.Y)
		l.dots[[2]int{s, t}] = true
		l.smin, l.smax = min(l.smin, s), max(l.smax, s)
		l.tmin, l.tmax = min(l.tmin, t), max(l.tmax, t)
	}
	return l, true
}

// at maps module coordinates to the image.
func (l *latticeBefore) at(s, t float64) (float64, float64) {
	u, v := l.h.Apply(s, t)
	return u + l.ox, v + l.oy
}

// dot reports whether a dot shows at module (s, t): a blob was placed
// there, or the binarized image is dark over a good part of a small
// window round the spot (a dot the blob filter passed over, such as two
// dots blurred together, or a faint one). The window, a fifth of a module
// each way, stays clear of the neighbouring dots, √2 modules away.
func (l *latticeBefore) dot(bm *gozxing.BitMatrix, s, t int) bool {
	if l.dots[[2]int{s, t}] {
		return true
	}
	x, y := l.at(float64(s), float64(t))
	xi, yi := int(math.Floor(x)), int(math.Floor(y))
	rr := max(1, min(3, int(math.Round(0.2*l.module))))
	dark, all := 0, 0
	for py := yi - rr; py <= yi+rr; py++ {
		for px := xi - rr; px <= xi+rr; px++ {
			if px < 0 || py < 0 || px >= bm.GetWidth() || py >= bm.GetHeight() {
				continue
			}
			all++
			if bm.Get(px, py) {
				dark++
			}
		}
	}
	return all > 0 && 4*dark >= all
}

// lineDots counts the blobs of l outside the extent of v (a copy of l with
// one edge moved in).
func (l *latticeBefore) lineDots(v *latticeBefore) int {
	n := 0
	for d := range l.dots {
		if d[0] < v.smin || d[0] > v.smax || d[1] < v.tmin || d[1] > v.tmax {
			n++
		}
	}
	return n
}

// TestLatticeFitIsRepeatable: the same blobs give the same lattice to the
// last bit of its map, fit after fit (the map is fitted through the blobs
// in the order they were placed, not in a map's iteration order), so a
// dot sampled near an edge of its window reads the same in every run.
func TestLatticeFitIsRepeatable(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 12))
	fitted := 0
	for k := range 8 {
		bs := randomDots(rng)
		var sc latticeScratch
		for _, g := range sc.clusters(bs) {
			first, ok := sc.fitLattice(bs, g)
			if !ok {
				continue
			}
			fitted++
			for range 8 {
				if l, _ := sc.fitLattice(bs, g); l.h != first.h {
					t.Fatalf("case %d: map %v, then %v", k, first.h, l.h)
				}
			}
		}
	}
	if fitted == 0 {
		t.Fatal("no lattice fitted")
	}
}

// TestLatticeSamplesModulesOnce: the copies of a lattice that
// decodeLattice tries (an edge moved a module out or in) read each module
// the lattice read, to a module beyond its extent, as it read it, without
// sampling the image again: here they sample a light image.
func TestLatticeSamplesModulesOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 7))
	sampled := 0
	for range 6 {
		bs := randomDots(rng)
		bm, _ := gozxing.NewBitMatrix(400, 400)
		for y := range 400 {
			for x := range 400 {
				if rng.IntN(3) == 0 {
					bm.Set(x, y)
				}
			}
		}
		var sc latticeScratch
		for _, g := range sc.clusters(bs) {
			l, ok := sc.fitLattice(bs, g)
			if !ok {
				continue
			}
			read := map[[2]int]bool{}
			for s := l.smin - 1; s <= l.smax+1; s++ {
				for tt := l.tmin - 1; tt <= l.tmax+1; tt++ {
					read[[2]int{s, tt}] = l.dot(bm, s, tt)
					if read[[2]int{s, tt}] && !l.placed(s, tt) {
						sampled++
					}
				}
			}
			light, _ := gozxing.NewBitMatrix(400, 400)
			v := *l
			v.smin, v.tmax = l.smin-1, l.tmax+1
			for c, dark := range read {
				if got := v.dot(light, c[0], c[1]); got != dark {
					t.Fatalf("module %v read %v again, %v before", c, got, dark)
				}
			}
		}
	}
	if sampled == 0 {
		t.Fatal("no module without a blob read dark: nothing tested")
	}
}

// TestFitLatticeAllocs: a lattice of 12 x 12 dots is fitted, in the
// arrays a Reader keeps (latticeScratch), with the lattice's own
// allocations only: its blobs' coordinates, the places taken, the walk's
// neighbourhood and steps are the scratch's from the second fit on (a
// fit of its own made 17; before the places were kept by their place in
// the group, 25).
func TestFitLatticeAllocs(t *testing.T) {
	var bs []blob
	for i := range 12 {
		for j := range 12 {
			bs = append(bs, blob{x: 50 + 10*float64(i), y: 50 + 10*float64(j), size: 3})
		}
	}
	var sc latticeScratch
	groups := sc.clusters(bs)
	if len(groups) != 1 {
		t.Fatalf("%d clusters, want 1", len(groups))
	}
	group := slices.Clone(groups[0])
	if _, ok := sc.fitLattice(bs, group); !ok {
		t.Fatal("no lattice fitted")
	}
	if n := testing.AllocsPerRun(5, func() { sc.fitLattice(bs, group) }); n > 4 {
		t.Errorf("%.0f allocations fitting a lattice of 144 dots, want at most 4", n)
	}
}

// TestClustersAllocs: clusters lays its groups out in one array, not a
// slice grown for each, in the arrays a Reader keeps: four lattices of
// 100 dots are grouped without allocating once those have grown.
func TestClustersAllocs(t *testing.T) {
	var bs []blob
	for k := range 4 {
		for i := range 10 {
			for j := range 10 {
				bs = append(bs, blob{x: 20 + 200*float64(k) + 8*float64(i), y: 20 + 8*float64(j), size: 2})
			}
		}
	}
	var sc latticeScratch
	if got := len(sc.clusters(bs)); got != 4 {
		t.Fatalf("%d clusters, want 4", got)
	}
	// In the arrays a Reader keeps, none from the second call on; 12 in
	// arrays of its own, a slice a blob or a cell row 47.
	if n := testing.AllocsPerRun(5, func() { sc.clusters(bs) }); n > 1 {
		t.Errorf("%.0f allocations grouping four lattices of 100 dots, want at most 1", n)
	}
}

// TestSearchNothingAllocs: a search that finds no lattice (too few dots
// for one, as in most images) allocates nothing, its error made once.
func TestSearchNothingAllocs(t *testing.T) {
	r := NewReader()
	bs := []blob{{x: 10, y: 10, size: 2}, {x: 20, y: 10, size: 2}}
	bm, _ := gozxing.NewBitMatrix(40, 40)
	sample := func() *gozxing.BitMatrix { return bm }
	if n := testing.AllocsPerRun(5, func() {
		if res, err := r.search(bs, sample, maxClusters, 0); len(res) != 0 || err == nil {
			t.Fatalf("search: %d results, error %v", len(res), err)
		}
	}); n != 0 {
		t.Errorf("%.0f allocations searching two dots, want 0", n)
	}
}

// TestSparseLatticeIsNotSampled: a lattice whose blobs fill few of its
// dot places (a block of dots and a diagonal line of them running far
// out, a twentieth of the places of the extent they span) is not sampled,
// while the search still counts as promising; the block alone, every
// place filled, is.
func TestSparseLatticeIsNotSampled(t *testing.T) {
	const module = 6.0
	dot := func(s, tt int) blob {
		return blob{x: 40 + module*float64(s), y: 40 + module*float64(tt), size: 3, n: 7}
	}
	var block []blob
	for tt := range 6 {
		for s := tt % 2; s < 6; s += 2 {
			block = append(block, dot(s, tt))
		}
	}
	line := append([]blob(nil), block...)
	for k := 6; k < 40; k++ {
		line = append(line, dot(k, k))
	}
	for _, c := range []struct {
		name    string
		bs      []blob
		sampled bool
	}{{"block", block, true}, {"block and line", line, false}} {
		r := NewReader()
		bm, _ := gozxing.NewBitMatrix(400, 400)
		sampled := false
		sample := func() *gozxing.BitMatrix { sampled = true; return bm }
		r.search(c.bs, sample, maxClusters, 0)
		if !r.promising {
			t.Errorf("%s: no lattice fitted", c.name)
		}
		if sampled != c.sampled {
			t.Errorf("%s: sampled %v, want %v", c.name, sampled, c.sampled)
		}
	}
}
