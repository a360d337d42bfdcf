package dotcode

import (
	"math"
	"slices"
	"sort"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// A DotCode symbol's dots lie on a checkerboard: with module X, each dot's
// nearest possible neighbours are the four diagonal ones, √2·X away. The
// locator finds that diagonal lattice among the blobs, walks it from blob
// to blob to give each dot whole-number lattice coordinates, fits the map
// from module coordinates to the image through them and takes the extent
// of the dots as the symbol's (ISS DotCode §5.4's mask choice keeps every
// edge lit).

// nearCell and nearCellX are the height and the width of the cells the
// blobs are indexed by for clusters' neighbour searches, in pixels: half
// as wide as high, as the cells of a row that a search spans are one
// stretch of blobs whatever their width, so narrower ones cost no more
// steps and hold fewer blobs beyond the search's square (most searches,
// round the specks of a textured frame, are a few pixels across). reach
// is how far a search looks at most: dots are at most maxDot across,
// their pitch at most about 4 dots across (a dot of 0.4 module at the
// smallest zint draws).
const (
	nearCell  = 24
	nearCellX = 12
	reach     = 4*maxDot + 8
)

// minDots is the fewest blobs a symbol candidate needs: the smallest
// symbols hold about twenty dots.
const minDots = 12

// neighbourhood indexes blobs by a coarse grid of cells for neighbour
// searches: the blobs of cell k are at[start[k]:start[k+1]], each with
// its centre and size beside its index, read together. Cell k is row
// k/cols' column k%cols, so the cells of a row that a search spans are
// one stretch of at.
type neighbourhood struct {
	cellX, cellY float64
	cols, rows   int
	start        []int32
	at           []nearBlob
}

// nearBlob is a blob as a neighbourhood holds it.
type nearBlob struct {
	x, y, size float64
	i          int // its index, or place (neighbourhoodOf)
}

func newNeighbourhood(bs []blob, cellX, cellY float64) *neighbourhood {
	return neighbourhoodOf(bs, nil, cellX, cellY)
}

// neighbourhoodOf indexes the blobs of bs at the indexes in of, or all
// of them where of is nil, and knows each by its place in of (its index
// in bs where of is nil): near reports that.
func neighbourhoodOf(bs []blob, of []int, cellX, cellY float64) *neighbourhood {
	n := len(bs)
	if of != nil {
		n = len(of)
	}
	at := func(k int) *blob {
		if of != nil {
			return &bs[of[k]]
		}
		return &bs[k]
	}
	maxX, maxY := 0.0, 0.0
	for k := range n {
		b := at(k)
		maxX, maxY = max(maxX, b.x), max(maxY, b.y)
	}
	nb := &neighbourhood{cellX: cellX, cellY: cellY, cols: int(maxX/cellX) + 1, rows: int(maxY/cellY) + 1}
	nb.start = make([]int32, nb.cols*nb.rows+1)
	for k := range n {
		b := at(k)
		nb.start[nb.key(b.x, b.y)+1]++
	}
	for k := 1; k < len(nb.start); k++ {
		nb.start[k] += nb.start[k-1]
	}
	nb.at = make([]nearBlob, n)
	fill := append([]int32(nil), nb.start[:len(nb.start)-1]...)
	for k := range n {
		b := at(k)
		c := nb.key(b.x, b.y)
		nb.at[fill[c]] = nearBlob{x: b.x, y: b.y, size: b.size, i: k}
		fill[c]++
	}
	return nb
}

func (nb *neighbourhood) key(x, y float64) int {
	return int(max(0, y)/nb.cellY)*nb.cols + int(max(0, x)/nb.cellX)
}

// cells returns the columns x0 to x1 and rows y0 to y1 of the cells the
// square of side 2r round (x, y) touches.
func (nb *neighbourhood) cells(x, y, r float64) (x0, y0, x1, y1 int) {
	x0, y0 = int(max(0, x-r)/nb.cellX), int(max(0, y-r)/nb.cellY)
	x1, y1 = min(nb.cols-1, int(max(0, x+r)/nb.cellX)), min(nb.rows-1, int(max(0, y+r)/nb.cellY))
	return x0, y0, x1, y1
}

// near calls fn for every blob within r of (x, y) but those right on
// it, cell by cell (the cells the square of side 2r round it touches).
func (nb *neighbourhood) near(x, y, r float64, fn func(j int, dx, dy float64)) {
	x0, y0, x1, y1 := nb.cells(x, y, r)
	for gy := y0; gy <= y1; gy++ {
		row := gy * nb.cols
		for _, c := range nb.at[nb.start[row+x0]:nb.start[row+x1+1]] {
			dx, dy := c.x-x, c.y-y
			if dx*dx+dy*dy <= r*r && (dx != 0 || dy != 0) {
				fn(c.i, dx, dy)
			}
		}
	}
}

// similar reports whether two blobs of sizes a and b could be dots of
// one symbol.
func similar(a, b float64) bool {
	return a <= 2*b+1 && b <= 2*a+1
}

// clusters groups blobs that lie close to similar blobs, largest group
// first. It sets each blob's nearest neighbour.
func clusters(bs []blob) [][]int {
	if len(bs) < minDots {
		return nil
	}
	// The blobs are indexed in cells of a few small dots' pitch, so that
	// the search round a small dot, among the many specks of a textured
	// frame, looks at the cells near it only. The searches are near's,
	// written out: most of the blobs they meet are too far or unlike.
	nb := newNeighbourhood(bs, nearCellX, nearCell)
	// Of the nearest similar blobs, the one of the lowest place in cells
	// of reach across (row by row) and then of the lowest index: the
	// first of them a search of those cells' blobs in order meets.
	cols := 1
	for i := range bs {
		cols = max(cols, int(bs[i].x/reach)+1)
	}
	places := make([]int, len(bs))
	for j := range bs {
		places[j] = int(max(0, bs[j].y)/reach)*cols + int(max(0, bs[j].x)/reach)
	}
	for i := range bs {
		b := &bs[i]
		b.nn = math.Inf(1)
		// A candidate whose squared distance exceeds nn2 lies farther
		// than the nearest so far whatever the rounding (a margin of
		// 1e-9 of it, far beyond the few units in the last place that
		// squaring and Hypot round by): Hypot is taken for the rest.
		nn2 := math.Inf(1)
		best, bestPlace := -1, 0
		x, y, size := b.x, b.y, b.size
		r := min(reach, 4*size+6)
		rr := r * r
		x0, y0, x1, y1 := nb.cells(x, y, r)
		for gy := y0; gy <= y1; gy++ {
			row := gy * nb.cols
			for _, c := range nb.at[nb.start[row+x0]:nb.start[row+x1+1]] {
				dx, dy := c.x-x, c.y-y
				if d2 := dx*dx + dy*dy; d2 > rr || d2 > nn2 || dx == 0 && dy == 0 || !similar(size, c.size) {
					continue
				}
				d := math.Hypot(dx, dy)
				if d > b.nn {
					continue
				}
				j := c.i
				p := places[j]
				if d == b.nn && (p > bestPlace || p == bestPlace && j > best) {
					continue
				}
				b.nn, b.nnDX, b.nnDY = d, dx, dy
				nn2 = d * d * (1 + 1e-9)
				best, bestPlace = j, p
			}
		}
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
		x, y, size := b.x, b.y, b.size
		r := min(reach, 2.1*b.nn)
		rr := r * r
		x0, y0, x1, y1 := nb.cells(x, y, r)
		for gy := y0; gy <= y1; gy++ {
			row := gy * nb.cols
			for _, c := range nb.at[nb.start[row+x0]:nb.start[row+x1+1]] {
				dx, dy := c.x-x, c.y-y
				if dx*dx+dy*dy > rr || dx == 0 && dy == 0 || !similar(size, c.size) {
					continue
				}
				if ri, rj := root(i), root(c.i); ri != rj {
					parent[max(ri, rj)] = min(ri, rj)
				}
			}
		}
	}
	// The groups in the order of their first blobs, each in index order
	// (slot: one more than a root's group's place, 0 before it has one),
	// one after another in one array: counted, then filled. (A blob's
	// group is kept in places, no longer needed.)
	var sizes []int
	slot := make([]int, len(bs))
	grouped := 0
	for i := range bs {
		if math.IsInf(bs[i].nn, 1) {
			continue
		}
		r := root(i)
		if slot[r] == 0 {
			sizes = append(sizes, 0)
			slot[r] = len(sizes)
		}
		sizes[slot[r]-1]++
		grouped++
		places[i] = slot[r] - 1
	}
	groups := make([][]int, len(sizes))
	all := make([]int, 0, grouped)
	for g, n := range sizes {
		groups[g] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for i := range bs {
		if !math.IsInf(bs[i].nn, 1) {
			groups[places[i]] = append(groups[places[i]], i)
		}
	}
	var out [][]int
	for _, g := range groups {
		if len(g) >= minDots {
			out = append(out, g)
		}
	}
	// Largest first, then by first blob: groups are disjoint, so the
	// order is total.
	slices.SortFunc(out, func(a, b []int) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return a[0] - b[0]
	})
	return out
}

// lattice is a fitted symbol candidate: its blobs' module coordinates
// (s right, t down; s+t even on dots) and the map from module
// coordinates to the image.
type lattice struct {
	h      geom.Homography
	ox, oy float64 // image origin the map is relative to
	module float64 // pixels

	smin, smax, tmin, tmax int
	// dots marks the modules a blob was placed at: module (s, t) of the
	// fitted extent (smin to smax, tmin to tmax, which the copies that
	// decodeLattice tries move) at (t-dotT)·dotW + s-dotS.
	dots       []bool
	dotS, dotT int
	dotW, dotH int
	// sampled holds what dot read at each module of the extent and one
	// module beyond it each way, which the orientations and moved edges
	// decodeLattice tries sample again (the copies share it): 0 not read
	// yet, else sampledLight or sampledDark; nil where the lattice keeps
	// no samples.
	sampled []byte
}

// What dot read at a module, as lattice.sampled keeps it.
const (
	sampledLight = 1 + iota
	sampledDark
)

// fitLattice fits the lattice of one cluster of blobs, group their
// indexes in increasing order (as clusters gives them).
func fitLattice(bs []blob, group []int) (*lattice, bool) {
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
	// A blob's place in group indexes its coordinates, not a map from
	// blob to coordinates.
	coords := make([][2]int, len(group))
	placed := make([]bool, len(group))
	// Only the group's blobs are indexed, each by its place in group, in
	// cells as wide as the walk's searches reach.
	walk := min(reach, 3.2*pitch)
	nb := neighbourhoodOf(bs, group, walk, walk)
	// Walk the lattice from the blob nearest the group's centre.
	var cx, cy float64
	for _, i := range group {
		cx, cy = cx+bs[i].x, cy+bs[i].y
	}
	cx, cy = cx/float64(len(group)), cy/float64(len(group))
	seed, seedAt, best := group[0], 0, math.Inf(1)
	for k, i := range group {
		if d := math.Hypot(bs[i].x-cx, bs[i].y-cy); d < best {
			seed, seedAt, best = i, k, d
		}
	}
	placed[seedAt] = true
	taken := map[[2]int]int{{0, 0}: seed}
	// The blobs in the order they were placed: the map is fitted through
	// them in that order, so that the same blobs give the same map to the
	// last bit (a map's iteration order varies from run to run).
	order := append(make([]int, 0, len(group)), seedAt) // places in group
	// Where two blobs round to one lattice place, the first a step meets
	// takes it: in the order of cells of reach across, row by row, then
	// of index, whatever cells the neighbourhood keeps.
	type stepHit struct {
		k, cy, cx int // place in group, cell of reach
		c         [2]int
	}
	step := make([]stepHit, 0, 16) // a step meets at most eight neighbours on the lattice, and some specks
	for q := 0; q < len(order); q++ {
		i := group[order[q]]
		ci := coords[order[q]]
		step = step[:0]
		x, y := bs[i].x, bs[i].y
		x0, y0, x1, y1 := nb.cells(x, y, walk)
		for gy := y0; gy <= y1; gy++ {
			row := gy * nb.cols
			for _, n := range nb.at[nb.start[row+x0]:nb.start[row+x1+1]] {
				dx, dy := n.x-x, n.y-y
				if dx*dx+dy*dy > walk*walk || dx == 0 && dy == 0 || placed[n.i] {
					continue
				}
				a := (dx*ca + dy*sa) / pitch
				b := (dx*sa - dy*ca) / pitch
				ra, rb := math.Round(a), math.Round(b)
				if math.Abs(a-ra) > 0.3 || math.Abs(b-rb) > 0.3 {
					continue
				}
				step = append(step, stepHit{n.i, int(max(0, n.y) / reach), int(max(0, n.x) / reach), [2]int{ci[0] + int(ra), ci[1] + int(rb)}})
			}
		}
		slices.SortFunc(step, func(a, b stepHit) int {
			if a.cy != b.cy {
				return a.cy - b.cy
			}
			if a.cx != b.cx {
				return a.cx - b.cx
			}
			return a.k - b.k
		})
		for _, h := range step {
			if _, dup := taken[h.c]; dup {
				continue
			}
			coords[h.k], placed[h.k], taken[h.c] = h.c, true, group[h.k]
			order = append(order, h.k)
		}
	}
	if len(order) < minDots {
		return nil, false
	}
	l := &lattice{ox: bs[seed].x, oy: bs[seed].y}
	pts := make([]geom.Correspondence, 0, len(order))
	for _, k := range order {
		i, c := group[k], coords[k]
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
		l.smin, l.smax = min(l.smin, s), max(l.smax, s)
		l.tmin, l.tmax = min(l.tmin, t), max(l.tmax, t)
	}
	l.dotS, l.dotT = l.smin, l.tmin
	l.dotW, l.dotH = l.smax-l.smin+1, l.tmax-l.tmin+1
	l.dots = make([]bool, l.dotW*l.dotH)
	for _, p := range kept {
		l.dots[(int(p.Y)-l.dotT)*l.dotW+int(p.X)-l.dotS] = true
	}
	l.sampled = make([]byte, (l.dotW+2)*(l.dotH+2))
	return l, true
}

// minFill is the least share of a lattice's dot places (half its extent's
// modules: the checkerboard) that its blobs must fill for it to be
// sampled. Every codeword is a pattern of five dots in nine (symbol.go),
// so a symbol prints about 5/9 of them, and of the lattices the blobs of a
// read symbol fitted (the DOTCODE curves: blur, tilt, noise, small
// modules) none filled fewer than 0.39; the lattices fitted to a 1D
// symbol's broken bars, a QR code's modules or a photo's texture fill 0.05
// to 0.37, and each costs the sampling and decoding of both its
// orientations with every edge moved.
const minFill = 0.25

// sparse reports whether the lattice's blobs fill fewer than minFill of
// its extent's dot places.
func (l *lattice) sparse() bool {
	n := 0
	for _, d := range l.dots {
		if d {
			n++
		}
	}
	return float64(2*n) < minFill*float64(l.dotW*l.dotH)
}

// placed reports whether a blob was placed at module (s, t).
func (l *lattice) placed(s, t int) bool {
	s, t = s-l.dotS, t-l.dotT
	return s >= 0 && t >= 0 && s < l.dotW && t < l.dotH && l.dots[t*l.dotW+s]
}

// at maps module coordinates to the image.
func (l *lattice) at(s, t float64) (float64, float64) {
	u, v := l.h.Apply(s, t)
	return u + l.ox, v + l.oy
}

// dot reports whether a dot shows at module (s, t): a blob was placed
// there, or the binarized image is dark over a good part of a small
// window round the spot (a dot the blob filter passed over, such as two
// dots blurred together, or a faint one). The window, a fifth of a module
// each way, stays clear of the neighbouring dots, √2 modules away.
func (l *lattice) dot(bm *gozxing.BitMatrix, s, t int) bool {
	if l.placed(s, t) {
		return true
	}
	// The samples kept reach a module beyond the blobs' extent.
	ks, kt := s-l.dotS+1, t-l.dotT+1
	if l.sampled == nil || ks < 0 || kt < 0 || ks >= l.dotW+2 || kt >= l.dotH+2 {
		return l.sample(bm, s, t)
	}
	k := kt*(l.dotW+2) + ks
	if l.sampled[k] == 0 {
		l.sampled[k] = sampledLight
		if l.sample(bm, s, t) {
			l.sampled[k] = sampledDark
		}
	}
	return l.sampled[k] == sampledDark
}

// sample reports whether the binarized image is dark over a good part of
// the window round module (s, t) (see dot).
func (l *lattice) sample(bm *gozxing.BitMatrix, s, t int) bool {
	x, y := l.at(float64(s), float64(t))
	xi, yi := int(math.Floor(x)), int(math.Floor(y))
	rr := max(1, min(3, int(math.Round(0.2*l.module))))
	// The window's pixels within the image.
	x0, x1 := max(0, xi-rr), min(bm.GetWidth()-1, xi+rr)
	y0, y1 := max(0, yi-rr), min(bm.GetHeight()-1, yi+rr)
	if x0 > x1 || y0 > y1 {
		return false
	}
	dark, all := 0, (x1-x0+1)*(y1-y0+1)
	for py := y0; py <= y1; py++ {
		for px := x0; px <= x1; px++ {
			if bm.Get(px, py) {
				dark++
			}
		}
	}
	return 4*dark >= all
}

// lineDots counts the blobs of l outside the extent of v (a copy of l with
// one edge moved in).
func (l *lattice) lineDots(v *lattice) int {
	n := 0
	for k, placed := range l.dots {
		s, t := l.dotS+k%l.dotW, l.dotT+k/l.dotW
		if placed && (s < v.smin || s > v.smax || t < v.tmin || t > v.tmax) {
			n++
		}
	}
	return n
}
