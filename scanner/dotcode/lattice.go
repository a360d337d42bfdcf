package dotcode

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/order"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// A DotCode symbol's dots lie on a checkerboard: with module X, each dot's
// nearest possible neighbours are the four diagonal ones, √2·X away. The
// locator finds that diagonal lattice among the blobs, walks it from blob
// to blob to give each dot whole-number lattice coordinates, fits the map
// from module coordinates to the image through them and takes the extent
// of the dots as the symbol's (ISS DotCode §5.4's mask choice keeps every
// edge lit).

// nearCell and nearCellX are the height and the width of the cells the
// blobs are indexed by for clusters' neighbour searches, in pixels. The
// cells of a row that a search spans are one stretch of blobs in order
// of x (sortCells), which the search walks from the blob's x out, so
// the width only places its start; rows of 8 to 32 pixels and cells 6
// to 24 wide cost within a few per cent of these over the photos of
// textures (most searches, round their specks, are a few pixels
// across). reach
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
// its centre and size beside its index, read together, in order of
// index or, once sortCells has ordered them, of x. Cell k is row k/cols'
// column k%cols, so the cells of a row that a search spans are one
// stretch of at.
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

// index makes nb index the blobs of bs at the indexes in of, or all of
// them where of is nil, knowing each by its place in of (its index in bs
// where of is nil): near reports that. It reuses nb's arrays, and *fill
// as its scratch.
func (nb *neighbourhood) index(bs []blob, of []int, cellX, cellY float64, fill *[]int32) *neighbourhood {
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
	*nb = neighbourhood{cellX: cellX, cellY: cellY, cols: int(maxX/cellX) + 1, rows: int(maxY/cellY) + 1, start: nb.start, at: nb.at}
	nb.start = grow(nb.start, nb.cols*nb.rows+1)
	for k := range n {
		b := at(k)
		nb.start[nb.key(b.x, b.y)+1]++
	}
	for k := 1; k < len(nb.start); k++ {
		nb.start[k] += nb.start[k-1]
	}
	// An array outgrown holds the places of blobs indexed before: Room
	// clears it as it is let go.
	nb.at = scrub.Room(nb.at, n)[:n] // every entry set below
	*fill = append(scrub.Room(*fill, len(nb.start)-1), nb.start[:len(nb.start)-1]...)
	f := *fill
	for k := range n {
		b := at(k)
		c := nb.key(b.x, b.y)
		nb.at[f[c]] = nearBlob{x: b.x, y: b.y, size: b.size, i: k}
		f[c]++
	}
	return nb
}

// wipe zeroes the blobs' places the neighbourhood holds (a picture's
// dark patches): of at most blobs blobs, in at most cells counts.
func (nb *neighbourhood) wipe(blobs, cells int) {
	clear(scrub.UpTo(nb.start, cells))
	clear(scrub.UpTo(nb.at, blobs))
}

// latticeScratch holds the arrays clusters and fitLattice work in, kept
// by the Reader between searches and wiped with it: made anew, they were
// most of the allocations of a frame's DotCode search (a neighbourhood
// and a map for every cluster fitted).
type latticeScratch struct {
	near, walk                       neighbourhood // clusters', fitLattice's
	fill                             []int32
	places, parent, slot, sizes, all []int
	groups, out                      [][]int
	nns                              []float64
	coords                           [][2]int
	placed                           []bool
	taken                            map[[2]int]int
	order                            []int
	step                             []stepHit
	pts                              []geom.Correspondence
	// held: a search used the arrays since the last wipe (the scanner
	// wipes the reader after every pass, most of which it did not
	// search).
	held bool
	// blobs and cells are the most blobs a search was given, and cells a
	// neighbourhood indexed, since the last wipe: no array holds more
	// entries of them than that (each is indexed by blob, by a blob's
	// place in a group of them, by a group, or by cell), so wipe clears
	// that much of each, not its capacity, the largest frame's.
	blobs, cells int
}

// heldBy notes that a search was given blobs blobs, and indexed them in
// a neighbourhood of cells counts (0 before it has).
func (s *latticeScratch) heldBy(blobs, cells int) {
	s.held = true
	s.blobs, s.cells = max(s.blobs, blobs), max(s.cells, cells)
}

// wipe zeroes what the searches since the last wipe left of the
// picture's dark patches.
func (s *latticeScratch) wipe() {
	if !s.held {
		return
	}
	n, c := s.blobs, s.cells
	s.held, s.blobs, s.cells = false, 0, 0
	s.near.wipe(n, c)
	s.walk.wipe(n, c)
	clear(scrub.UpTo(s.fill, c))
	for _, a := range [][]int{s.places, s.parent, s.slot, s.sizes, s.all, s.order} {
		clear(scrub.UpTo(a, n))
	}
	clear(scrub.UpTo(s.groups, n))
	clear(scrub.UpTo(s.out, n))
	clear(scrub.UpTo(s.nns, n))
	clear(scrub.UpTo(s.coords, n))
	clear(scrub.UpTo(s.placed, n))
	clear(s.taken)
	clear(scrub.UpTo(s.step, n))
	clear(scrub.UpTo(s.pts, n))
}

// stepHit is a blob a step of fitLattice's walk meets near a lattice
// place: its place in the group, its cell of reach, the lattice place.
type stepHit struct {
	k, cy, cx int
	c         [2]int
}

func (nb *neighbourhood) key(x, y float64) int {
	return int(nonneg(y)/nb.cellY)*nb.cols + int(nonneg(x)/nb.cellX)
}

// nonneg is max(0, v) for a number (not NaN), in fewer instructions
// than the builtin, which orders zeros by sign and passes NaN on.
func nonneg(v float64) float64 {
	if v < 0 {
		return 0
	}
	return v
}

// cellOf returns the column and the row of the cell that holds (x, y).
func (nb *neighbourhood) cellOf(x, y float64) (gx, gy int) {
	return int(nonneg(x) / nb.cellX), int(nonneg(y) / nb.cellY)
}

// cells returns the columns x0 to x1 and rows y0 to y1 of the cells the
// square of side 2r round (x, y) touches.
func (nb *neighbourhood) cells(x, y, r float64) (x0, y0, x1, y1 int) {
	x0, y0 = int(nonneg(x-r)/nb.cellX), int(nonneg(y-r)/nb.cellY)
	x1, y1 = min(nb.cols-1, int(nonneg(x+r)/nb.cellX)), min(nb.rows-1, int(nonneg(y+r)/nb.cellY))
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

// sortCells orders each cell's blobs by x, so that the cells of a row
// that a search spans are one stretch of blobs in order of x: a search
// steps out along it from the blob it searches round and stops where
// the blobs lie beyond its reach.
func (nb *neighbourhood) sortCells() {
	for k := range len(nb.start) - 1 {
		cell := nb.at[nb.start[k]:nb.start[k+1]]
		// Insertion: a cell holds a few blobs.
		for i := 1; i < len(cell); i++ {
			for j := i; j > 0 && cell[j].x < cell[j-1].x; j-- {
				cell[j], cell[j-1] = cell[j-1], cell[j]
			}
		}
	}
}

// within returns the blobs of cells x0 to x1 of row gy, sorted
// (sortCells), that lie within far of x on x: found from the first of
// cell gx's, the cell x lies in, out each way.
func (nb *neighbourhood) within(gy, x0, gx, x1 int, x, far float64) []nearBlob {
	row := gy * nb.cols
	lo, from, hi := int(nb.start[row+x0]), int(nb.start[row+gx]), int(nb.start[row+x1+1])
	a, b := from, from
	for a > lo && x-nb.at[a-1].x <= far {
		a--
	}
	for b < hi && nb.at[b].x-x <= far {
		b++
	}
	return nb.at[a:b]
}

// similar reports whether two blobs of sizes a and b could be dots of
// one symbol.
func similar(a, b float64) bool {
	return a <= 2*b+1 && b <= 2*a+1
}

// beyond widens a distance by far more than the rounding of the
// coordinates, differences and cell bounds that a search compares with
// it (a few units in the last place of numbers below 2^16): a blob whose
// offset from the searched spot exceeds beyond(d) on either axis lies
// farther than d.
func beyond(d float64) float64 {
	return d*(1+1e-9) + 1e-6
}

// nearestSearch is the state of clusters' search round (x, y) for the
// nearest blob of a size similar to size within r (rr = r²).
type nearestSearch struct {
	x, y, size, rr float64
	// far is how far, on either axis, a blob can lie from (x, y) and be
	// as near as the nearest so far, or within r while there is none
	// (Hypot is at least either offset): beyond(r) at first, then
	// beyond(nn).
	far float64
	// The nearest so far: its distance (+Inf while none), its offset,
	// index and place. A candidate whose squared distance exceeds nn2
	// lies farther whatever the rounding (a margin of 1e-9 of it, far
	// beyond the few units in the last place that squaring and Hypot
	// round by): Hypot is taken for the rest.
	nn, nn2    float64
	dx, dy     float64
	best, bplc int
}

// scan looks at the blobs at[lo:hi], in order of x, from at[from] (the
// first of those at or right of x's cell) right and then left, each way
// until they lie beyond far.
func (s *nearestSearch) scan(at []nearBlob, lo, from, hi int, places []int) {
	for k := from; k < hi; k++ {
		c := &at[k]
		dx := c.x - s.x
		if dx > s.far {
			break
		}
		if dy := c.y - s.y; dx*dx+dy*dy <= s.nn2 {
			s.consider(c, dx, dy, places)
		}
	}
	for k := from - 1; k >= lo; k-- {
		c := &at[k]
		dx := c.x - s.x
		if -dx > s.far {
			break
		}
		if dy := c.y - s.y; dx*dx+dy*dy <= s.nn2 {
			s.consider(c, dx, dy, places)
		}
	}
}

// consider takes blob c, at (dx, dy) from the searched spot and no
// farther than nn2 whatever the rounding, as the nearest so far if it is
// within reach, similar, and nearer, or as near and first in the order
// of places and then of indexes.
func (s *nearestSearch) consider(c *nearBlob, dx, dy float64, places []int) {
	if dx*dx+dy*dy > s.rr || dx == 0 && dy == 0 || !similar(s.size, c.size) {
		return
	}
	d := math.Hypot(dx, dy)
	if d > s.nn {
		return
	}
	j := c.i
	p := places[j]
	if d == s.nn && (p > s.bplc || p == s.bplc && j > s.best) {
		return
	}
	s.nn, s.dx, s.dy = d, dx, dy
	s.nn2 = d * d * (1 + 1e-9)
	s.far = min(s.far, beyond(d))
	s.best, s.bplc = j, p
}

// clusters groups blobs that lie close to similar blobs, largest group
// first, in sc's arrays: the groups it returns are sc's, until its next
// call. It sets each blob's nearest neighbour.
func (sc *latticeScratch) clusters(bs []blob) [][]int {
	if len(bs) < minDots {
		return nil
	}
	// The blobs are indexed in cells of a few small dots' pitch, each
	// cell's in order of x, so that the search round a small dot, among
	// the many specks of a textured frame, looks at the blobs near it
	// only: along each row of cells its square spans (of those round the
	// blob's first, while they can hold a nearer blob), from the blob's x
	// out each way, as far as the nearest so far or the square reaches.
	nb := sc.near.index(bs, nil, nearCellX, nearCell, &sc.fill)
	sc.heldBy(len(bs), len(nb.start))
	nb.sortCells()
	// Of the nearest similar blobs, the one of the lowest place in cells
	// of reach across (row by row) and then of the lowest index: the
	// least by distance, place and index, whatever order the search
	// meets them in.
	cols := 1
	for i := range bs {
		cols = max(cols, int(bs[i].x/reach)+1)
	}
	sc.places = grow(sc.places, len(bs))
	places := sc.places
	for j := range bs {
		places[j] = int(nonneg(bs[j].y)/reach)*cols + int(nonneg(bs[j].x)/reach)
	}
	for i := range bs {
		b := &bs[i]
		// The rows of cells the square of side 2r round the blob spans:
		// its own, then those above and below it in turn while their
		// nearest edge lies within far (on y, beyond it, their blobs lie
		// farther than the nearest so far).
		r := min(reach, 4*b.size+6)
		s := nearestSearch{x: b.x, y: b.y, size: b.size, rr: r * r, far: beyond(r), nn: math.Inf(1), nn2: math.Inf(1), best: -1}
		x0, y0, x1, y1 := nb.cells(b.x, b.y, r)
		gx, gy := nb.cellOf(b.x, b.y)
		for d := 0; ; d++ {
			more := false
			if row := gy + d; row <= y1 && (d == 0 || float64(row)*nb.cellY-b.y <= s.far) {
				k := row * nb.cols
				s.scan(nb.at, int(nb.start[k+x0]), int(nb.start[k+gx]), int(nb.start[k+x1+1]), places)
				more = true
			}
			if row := gy - d; d > 0 && row >= y0 && b.y-float64(row+1)*nb.cellY <= s.far {
				k := row * nb.cols
				s.scan(nb.at, int(nb.start[k+x0]), int(nb.start[k+gx]), int(nb.start[k+x1+1]), places)
				more = true
			}
			if !more {
				break
			}
		}
		b.nn, b.nnDX, b.nnDY = s.nn, s.dx, s.dy
	}
	sc.parent = grow(sc.parent, len(bs))
	parent := sc.parent
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
		// diagonal gap 2 pitches. Along a row of cells, from the blob's x
		// out each way, the blobs beyond r on x lie beyond it.
		x, y, size := b.x, b.y, b.size
		r := min(reach, 2.1*b.nn)
		rr, far := r*r, beyond(r)
		x0, y0, x1, y1 := nb.cells(x, y, r)
		gx, _ := nb.cellOf(x, y)
		// The root of i's group, the least index in it, kept as the
		// groups join.
		ri := root(i)
		for gy := y0; gy <= y1; gy++ {
			near := nb.within(gy, x0, gx, x1, x, far)
			for k := range near {
				c := &near[k]
				dx, dy := c.x-x, c.y-y
				if dx*dx+dy*dy > rr || dx == 0 && dy == 0 || !similar(size, c.size) {
					continue
				}
				if rj := root(c.i); ri != rj {
					parent[max(ri, rj)] = min(ri, rj)
					ri = min(ri, rj)
				}
			}
		}
	}
	// The groups in the order of their first blobs, each in index order
	// (slot: one more than a root's group's place, 0 before it has one),
	// one after another in one array: counted, then filled. (A blob's
	// group is kept in places, no longer needed.) Room for a group a blob,
	// made once: appended to, an array outgrown was let go with the sizes
	// so far.
	sizes := scrub.Room(sc.sizes, len(bs))
	sc.slot = grow(sc.slot, len(bs))
	slot := sc.slot
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
	sc.sizes = sizes
	sc.groups = grow(sc.groups, len(sizes))
	groups := sc.groups
	sc.all = grow(sc.all, grouped)
	all := sc.all[:0]
	for g, n := range sizes {
		groups[g] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for i := range bs {
		if !math.IsInf(bs[i].nn, 1) {
			groups[places[i]] = append(groups[places[i]], i)
		}
	}
	// Room for the groups kept, counted first: appended to, an array
	// outgrown was let go with the groups so far.
	kept := 0
	for _, n := range sizes {
		if n >= minDots {
			kept++
		}
	}
	out := scrub.Room(sc.out, kept)
	for _, g := range groups {
		if len(g) >= minDots {
			out = append(out, g)
		}
	}
	sc.out = out
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
// indexes in increasing order (as clusters gives them), in sc's arrays
// (not those of the groups clusters returned).
func (sc *latticeScratch) fitLattice(bs []blob, group []int) (*lattice, bool) {
	sc.heldBy(len(group), 0)
	// The pitch: the commonest nearest-neighbour distance (the median).
	sc.nns = grow(sc.nns, len(group))
	nns := sc.nns
	for k, i := range group {
		nns[k] = bs[i].nn
	}
	pitch := order.Select(nns, len(nns)/2)
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
	sc.coords, sc.placed = grow(sc.coords, len(group)), grow(sc.placed, len(group))
	coords, placed := sc.coords, sc.placed
	// Only the group's blobs are indexed, each by its place in group, in
	// cells as wide as the walk's searches reach.
	walk := min(reach, 3.2*pitch)
	nb := sc.walk.index(bs, group, walk, walk, &sc.fill)
	sc.heldBy(len(group), len(nb.start))
	nb.sortCells()
	far := beyond(walk) // on x beyond it, a blob lies beyond the walk's reach
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
	// Room for every blob of the group from the start: grown as the walk
	// places them, the map was rebuilt a few times over.
	if sc.taken == nil {
		sc.taken = make(map[[2]int]int, len(group))
	}
	taken := sc.taken
	clear(taken)
	taken[[2]int{0, 0}] = seed
	// The blobs in the order they were placed: the map is fitted through
	// them in that order, so that the same blobs give the same map to the
	// last bit (a map's iteration order varies from run to run).
	// Room for the group, made once (each blob is placed once at most):
	// appended to, an array outgrown was let go with the places so far.
	order := append(scrub.Room(sc.order, len(group)), seedAt) // places in group
	defer func() { sc.order = order }()
	// Where two blobs round to one lattice place, the first a step meets
	// takes it: in the order of cells of reach across, row by row, then
	// of index, whatever cells the neighbourhood keeps.
	step := sc.step[:0] // a step meets at most eight neighbours on the lattice, and some specks
	defer func() { sc.step = step }()
	for q := 0; q < len(order); q++ {
		i := group[order[q]]
		ci := coords[order[q]]
		step = step[:0]
		x, y := bs[i].x, bs[i].y
		x0, y0, x1, y1 := nb.cells(x, y, walk)
		gx, _ := nb.cellOf(x, y)
		for gy := y0; gy <= y1; gy++ {
			near := nb.within(gy, x0, gx, x1, x, far)
			// Room for every blob of the stretch, made once: an array
			// outgrown is cleared as it is let go.
			step = scrub.Grow(step, len(near))
			for k := range near {
				n := &near[k]
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
	pts := scrub.Room(sc.pts, len(order)) // an array outgrown is cleared as it is let go
	defer func() { sc.pts = pts }()
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
