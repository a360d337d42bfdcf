package postal

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/scannerd/scannerd/scanner/internal/order"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// A chain is a row of bars side by side: alike in thickness and direction,
// evenly spaced across that direction. Postal codes are chains.

// isBar tells a blob that may be a bar: longer than thick, not a speck.
// A tracker alone may stand little taller than wide once binarized.
func isBar(b *blob) bool {
	return b.thickness >= 0.8 && b.length >= 2.5 && b.length >= 1.15*b.thickness && b.length <= 60*b.thickness
}

// stubby tells a bar too short for its axis to say much.
func stubby(b *blob) bool { return b.length < 2*b.thickness }

// cellKey packs bar i of a search in the cell (gx, gy) of its grid in
// one number that sorts by gx, then gy, then i. Cells are at least 8
// pixels and bars fewer than maxBlobs, so the fields do not overlap in
// any image under 2^24 pixels a side.
func cellKey(gx, gy, i int) uint64 { return uint64(gx)<<42 | uint64(gy)<<21 | uint64(i) }

// cellIndexMask takes the bar's index out of a cellKey.
const cellIndexMask = 1<<21 - 1

// chains links the bar-like blobs into chains of at least minBars bars:
// from each bar not yet in a chain, it walks to the nearest bar across
// the bars' axis on either side, as long as there is one, carrying the
// axis of the last bar that is not stubby.
func chains(blobs []blob, minBars int) [][]*blob {
	var cs chainScratch
	return cs.chains(blobs, minBars)
}

// chainScratch keeps chains' slices from call to call: the bars, their
// lengths, the grid and the marks of the bars taken, and link's chains
// (each of a bar a frame's texture makes thousands). They hold the
// blobs' places and shapes; wipe clears them.
type chainScratch struct {
	bars    []*blob
	lengths []float64
	grid    []uint64
	used    []bool
	sides   [2][]*blob
	out     [][]*blob
	links   []*blob // the chains' bars, one after another
	ends    []int   // where each chain ends in links
	// like and pitches are postalLike's: the bars' thicknesses, lengths,
	// pitches and widths, and the pitches sorted.
	like    [4][]float64
	pitches []float64
}

// wipe clears what the scratch holds of the last image.
func (cs *chainScratch) wipe() {
	clear(cs.bars[:cap(cs.bars)])
	clear(cs.lengths[:cap(cs.lengths)])
	clear(cs.grid[:cap(cs.grid)])
	clear(cs.used[:cap(cs.used)])
	clear(cs.sides[0][:cap(cs.sides[0])])
	clear(cs.sides[1][:cap(cs.sides[1])])
	clear(cs.out[:cap(cs.out)])
	clear(cs.links[:cap(cs.links)])
	clear(cs.ends[:cap(cs.ends)])
	for i := range cs.like {
		clear(cs.like[i][:cap(cs.like[i])])
	}
	clear(cs.pitches[:cap(cs.pitches)])
}

// chains is the package's chains, in the scratch's slices: the chains it
// returns lie in them until the next call.
func (cs *chainScratch) chains(blobs []blob, minBars int) [][]*blob {
	bs, cell := cs.barsOf(blobs)
	if len(bs) < minBars {
		return nil
	}
	// Cells counted from the first column and row that hold a bar.
	x0, y0 := math.Inf(1), math.Inf(1)
	for _, b := range bs {
		x0, y0 = math.Min(x0, math.Floor(b.cx/cell)), math.Min(y0, math.Floor(b.cy/cell))
	}
	key := func(x, y float64) [2]int {
		return [2]int{int(math.Floor(x/cell) - x0), int(math.Floor(y/cell) - y0)}
	}
	// The bars by cell, column by column and down each, in their order
	// within a cell, as sorted keys (cellKey): the three cells of a
	// column round a bar's are one stretch, found by a binary search.
	grid := scrub.Grow(cs.grid[:0], len(bs))[:len(bs)]
	cs.grid = grid
	for i, b := range bs {
		k := key(b.cx, b.cy)
		grid[i] = cellKey(k[0], k[1], i)
	}
	slices.Sort(grid)
	used := scrub.Grow(cs.used[:0], len(bs))[:len(bs)]
	clear(used)
	cs.used = used
	// next returns the nearest bar beside bar i across its axis (ux, uy),
	// on the side sign gives, that may be its neighbour in a chain:
	// alike, 1.2 to 5 pitches away, the two overlapping along their axis
	// (all share the tracker); with both, the nearest on the other side
	// too (-1 where there is none), from the same cells. The places are
	// tested first, written out here: most bars of the cells round bar i
	// are too far from it, or on its other side, and alike costs more.
	next := func(i int, ux, uy, sign float64, both bool) (int, int) {
		b := bs[i]
		k := key(b.cx, b.cy)
		vx, vy := -uy*sign, ux*sign
		found, dist := -1, math.Inf(1)
		other, otherDist := -1, math.Inf(1)
		for gx := max(k[0]-1, 0); gx <= k[0]+1; gx++ {
			// From the first key at or after cell (gx, gy-1) to the
			// first past cell (gx, gy+1).
			from := firstKey(grid, cellKey(gx, max(k[1]-1, 0), 0))
			end := cellKey(gx, k[1]+2, 0)
			for _, gk := range grid[from:] {
				if gk >= end {
					break
				}
				j := int(gk & cellIndexMask)
				if used[j] {
					continue
				}
				c := bs[j]
				dx, dy := c.cx-b.cx, c.cy-b.cy
				dv := dx*vx + dy*vy // across the other way, -dv to the bit
				pitch := (b.thickness + c.thickness) / 2
				switch {
				case dv >= 1.2*pitch && dv <= 5*pitch:
					if math.Abs(dx*ux+dy*uy) < (b.length+c.length)/2 && alike(b, c) && dv < dist {
						found, dist = j, dv
					}
				case both && -dv >= 1.2*pitch && -dv <= 5*pitch:
					if math.Abs(dx*ux+dy*uy) < (b.length+c.length)/2 && alike(b, c) && -dv < otherDist {
						other, otherDist = j, -dv
					}
				}
			}
		}
		return found, other
	}
	return cs.link(bs, used, minBars, next)
}

// firstKey returns the index of the first of the sorted keys at or past
// key (len(keys) when none is): slices.BinarySearch's, written for the
// keys (the generic one, not inlined, cost a sixth of the chaining).
func firstKey(keys []uint64, key uint64) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keys[mid] < key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// barsOf returns the bar-like blobs and the size of the cells that find
// their neighbours: as long as most bars, as a chain's bars stand side by
// side, as long as each other. (Cells as long as the longest bar of all,
// an object's outline or a 1D barcode's bar, would put most of a busy
// image's bars in the cells around each.)
func barsOf(blobs []blob) ([]*blob, float64) {
	var cs chainScratch
	return cs.barsOf(blobs)
}

// barsOf is the package's barsOf, in the scratch's slices.
func (cs *chainScratch) barsOf(blobs []blob) ([]*blob, float64) {
	bs, lengths := cs.bars[:0], cs.lengths[:0]
	defer func() { cs.bars, cs.lengths = bs, lengths }()
	for i := range blobs {
		if isBar(&blobs[i]) {
			bs = append(scrub.Grow(bs, 1), &blobs[i])
			lengths = append(scrub.Grow(lengths, 1), blobs[i].length)
		}
	}
	if len(bs) == 0 {
		return nil, 0
	}
	slices.Sort(lengths)
	return bs, math.Max(8, lengths[len(lengths)*9/10])
}

// link makes the chains of bars bs, used marking those taken: next finds
// the nearest unused bar beside bar i across the axis (ux, uy), on the
// side sign gives, or -1, and with both the nearest on the other side.
// A seed's cells are searched once for its two sides: the nearest on the
// second, when the walk along the first has not taken it, is still the
// nearest (bars are only ever taken), and where there was none there is
// none.
func link(bs []*blob, used []bool, minBars int, next func(i int, ux, uy, sign float64, both bool) (int, int)) [][]*blob {
	var cs chainScratch
	return cs.link(bs, used, minBars, next)
}

// link is the package's link, in the scratch's slices.
func (cs *chainScratch) link(bs []*blob, used []bool, minBars int, next func(i int, ux, uy, sign float64, both bool) (int, int)) [][]*blob {
	out := cs.out[:0]
	// The bars walked to on either side of a seed, kept from seed to seed:
	// most seeds make no chain, and a chain is copied out of them.
	sides := cs.sides
	// The chains' bars, one after another in links; ends[k] is where
	// chain k's end there, the chains cut out once all are made (links
	// may move as it grows).
	links, ends := cs.links[:0], cs.ends[:0]
	defer func() { cs.sides, cs.links, cs.ends = sides, links, ends }()
	for seed := range bs {
		if used[seed] || stubby(bs[seed]) {
			continue
		}
		used[seed] = true
		back := -1 // the seed's nearest on the second side
		for s, sign := range [2]float64{1, -1} {
			side := sides[s][:0]
			ux, uy := bs[seed].ux, bs[seed].uy
			for i := seed; len(side) < 2*maxBars; {
				var j int
				switch {
				case i == seed && sign > 0:
					j, back = next(i, ux, uy, sign, true)
				case i == seed && (back < 0 || !used[back]):
					j = back
				default:
					j, _ = next(i, ux, uy, sign, false)
				}
				if j < 0 {
					break
				}
				used[j] = true
				side = append(scrub.Grow(side, 1), bs[j])
				if !stubby(bs[j]) {
					// Follow the bars' axis, the same way round.
					if bs[j].ux*ux+bs[j].uy*uy >= 0 {
						ux, uy = bs[j].ux, bs[j].uy
					} else {
						ux, uy = -bs[j].ux, -bs[j].uy
					}
				}
				i = j
			}
			sides[s] = side
		}
		// The second side's bars, last first, the seed, the first side's.
		if n := len(sides[1]) + 1 + len(sides[0]); n >= minBars {
			links = scrub.Grow(links, n)
			for k := len(sides[1]) - 1; k >= 0; k-- {
				links = append(links, sides[1][k])
			}
			links = append(links, bs[seed])
			links = append(links, sides[0]...)
			ends = append(scrub.Grow(ends, 1), len(links))
		}
	}
	out = scrub.Grow(out, len(ends))
	start := 0
	for _, end := range ends {
		out = append(out, links[start:end:end])
		start = end
	}
	cs.out = out
	return out
}

// postalLike tells a chain whose bars stand as a postal code's: about as
// thick as each other, evenly spaced, short for their spacing (at most
// eight times it; a 1D barcode's bars are tall, unlike in thickness and
// spacing, and chains too), and the longest of them long for their
// thickness (see minFullBar); measured in the scratch's slices.
func (cs *chainScratch) postalLike(c []*blob) bool {
	// Spacing along the chain, from its first bar to its last: bars of
	// unlike height stand off the line through their centres.
	dx, dy := c[len(c)-1].cx-c[0].cx, c[len(c)-1].cy-c[0].cy
	n := math.Hypot(dx, dy)
	if n == 0 {
		return false
	}
	dx, dy = dx/n, dy/n
	thick, length, pitch, widths := scrub.Grow(cs.like[0][:0], len(c)), scrub.Grow(cs.like[1][:0], len(c)), scrub.Grow(cs.like[2][:0], len(c)), scrub.Grow(cs.like[3][:0], len(c))
	defer func() { cs.like = [4][]float64{thick, length, pitch, widths} }()
	longest := 0.0
	for i, b := range c {
		widths = append(widths, b.thickness)
		longest = math.Max(longest, b.length)
		if !stubby(b) {
			thick = append(thick, b.thickness)
		}
		length = append(length, b.length)
		if i > 0 {
			pitch = append(pitch, (b.cx-c[i-1].cx)*dx+(b.cy-c[i-1].cy)*dy)
		}
	}
	if len(thick) < 3 || longest < minFullBar*median(widths) {
		return false
	}
	sort.Float64s(thick)
	// The thickest but a few, against the thinnest but a few.
	if thick[len(thick)*9/10] > 1.8*thick[len(thick)/10]+1 {
		return false
	}
	cs.pitches = append(scrub.Grow(cs.pitches[:0], len(pitch)), pitch...)
	p := median(cs.pitches)
	even := 0
	for _, d := range pitch {
		if math.Abs(d-p) < 0.3*p {
			even++
		}
	}
	return 4*even >= 3*len(pitch) && median(length) <= 8*p
}

// minFullBar is the least length of a chain's longest bar, in bar
// widths (the median thickness of its bars). Every postal code has full
// bars (ascender, tracker and descender) or tall ones, several widths
// long: USPS's least, POSTNET's, is 4.6 (0.115 in. by 0.025). Blur
// thickens bars and tilt may shorten them, and of the chains the
// synthetic curves read (every family and axis) none has its longest
// under 3.9 widths; texture's chains (thick strokes of print side by
// side), measured but never read, stand at 2 to 3.
const minFullBar = 3

// alike tells bars of one symbol: about as thick, and parallel. The axis
// of a short bar (a tracker is about twice as long as thick) is known to
// a dozen degrees only, that of a stubby one not at all.
func alike(a, b *blob) bool {
	if a.thickness > 2*b.thickness+1 || b.thickness > 2*a.thickness+1 {
		return false
	}
	if stubby(a) || stubby(b) {
		return true
	}
	cos := 0.978 // 12°
	if min(a.length/a.thickness, b.length/b.thickness) < 3 {
		cos = 0.906 // 25°
	}
	return math.Abs(a.ux*b.ux+a.uy*b.uy) > cos
}

// reading is a chain measured: each bar's place along the chain and its
// ends across it, in a frame where the chain runs left to right.
type reading struct {
	ux, uy   float64 // the bars' mean axis, pointing down the symbol as read
	vx, vy   float64 // along the chain
	v        []float64
	top, bot []float64  // bar ends along u, the line through the bars' middles subtracted
	line     [2]float64 // u of that line: line[0] + line[1]·v
	img      Image
	// gray, when set, is the image before binarization: bars are measured
	// on it, against a threshold each (blur breaks and joins thin bars in
	// the binarized image).
	gray Gray
	// plane is gray's pixels row by row, pw by ph, when gray lends them
	// (see Plane).
	plane  []byte
	pw, ph int
	// thresholds of the bars measured on gray, and their median for the
	// probes.
	thresholds []float64
	threshold  float64
	// contrasts of the bars so measured, and their median.
	contrasts []float64
	contrast  float64
	// levels holds a bar's profile, and scratch its levels while they
	// are ordered.
	levels, scratch []float64
	// gaps, adds and idx are complete's scratch, and spare the slices it
	// sorts the bars into; splits is that of split.
	gaps, adds, splits []float64
	idx                []int
	spare              [3][]float64
	// class, order, values and classSums are fit's scratch.
	class, order []int
	values       []float64
	classSums    [][5]float64
}

// Gray gives the gray level (0 black, 255 white) of the image a
// binarized one came from, at whole pixels; outside it, white.
type Gray interface {
	At(x, y int) uint8
}

// Plane is a Gray that lends its pixels, row by row, w by h, the levels
// At gives (white outside them): the bars' profiles read them without a
// call for each.
type Plane interface {
	Gray
	Plane() (pix []byte, w, h int)
}

// grayAt interpolates the gray level at (x, y) in pixels, pixel centres
// at half pixels.
func (rd *reading) grayAt(x, y float64) float64 {
	x, y = x-0.5, y-0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	if rd.plane == nil {
		g := func(px, py int) float64 { return float64(rd.gray.At(px, py)) }
		return (g(ix, iy)*(1-fx)+g(ix+1, iy)*fx)*(1-fy) + (g(ix, iy+1)*(1-fx)+g(ix+1, iy+1)*fx)*fy
	}
	if ix >= 0 && iy >= 0 && ix+1 < rd.pw && iy+1 < rd.ph {
		i := iy*rd.pw + ix
		a, b := float64(rd.plane[i]), float64(rd.plane[i+1])
		c, d := float64(rd.plane[i+rd.pw]), float64(rd.plane[i+rd.pw+1])
		return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
	}
	// Across the plane's edge: white beyond it, as At gives it, without
	// a call for each pixel.
	a, b := rd.planeAt(ix, iy), rd.planeAt(ix+1, iy)
	c, d := rd.planeAt(ix, iy+1), rd.planeAt(ix+1, iy+1)
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}

// planeAt returns the plane's level at pixel (x, y), white outside it.
func (rd *reading) planeAt(x, y int) float64 {
	if x < 0 || y < 0 || x >= rd.pw || y >= rd.ph {
		return 255
	}
	return float64(rd.plane[y*rd.pw+x])
}

// profile fills levels with the gray levels along the bars' axis round
// (x, y), step apart, the middle one at (x, y): grayAt's at each, its
// levels read from the plane here where it lends them (a call for each
// was most of a chain's measuring).
func (rd *reading) profile(levels []float64, x, y, step float64) []float64 {
	n := len(levels) / 2
	if rd.plane == nil {
		for i := range levels {
			t := float64(i-n) * step
			levels[i] = rd.grayAt(x+t*rd.ux, y+t*rd.uy)
		}
		return levels
	}
	// The axis in locals (the stores to levels would have it read again
	// at every sample), and the places whose four pixels are all in the
	// plane, below these as unsigned numbers: none where the plane is
	// not two pixels wide and high.
	plane, pw, ux, uy := rd.plane, rd.pw, rd.ux, rd.uy
	var xs, ys uint
	if rd.pw > 1 && rd.ph > 1 {
		xs, ys = uint(rd.pw-1), uint(rd.ph-1)
	}
	for i := range levels {
		t := float64(i-n) * step
		px, py := x+t*ux, y+t*uy
		cx, cy := px-0.5, py-0.5
		x0, y0 := math.Floor(cx), math.Floor(cy)
		ix, iy := int(x0), int(y0)
		fx, fy := cx-x0, cy-y0
		var a, b, c, d float64
		if uint(ix) < xs && uint(iy) < ys {
			k := iy*pw + ix
			a, b = float64(plane[k]), float64(plane[k+1])
			c, d = float64(plane[k+pw]), float64(plane[k+pw+1])
		} else {
			// Across the plane's edge or beyond it, as grayAt reads it
			// (a long bar's profile may reach far past the image).
			a, b = rd.planeAt(ix, iy), rd.planeAt(ix+1, iy)
			c, d = rd.planeAt(ix, iy+1), rd.planeAt(ix+1, iy+1)
		}
		levels[i] = (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
	}
	return levels
}

// trimsMeasured keeps the bars of a chain measured on the gray image,
// for the other trims of the chain (see Read): a trim that lets go only
// stubby bars, and not the longest, has the axis and the bars' height of
// the whole, to the bit, and measures each of its bars on the same line
// as the whole did, to the same ends and threshold. Each axis and height
// met is a frame, its bars by their place in the chain.
type trimsMeasured struct {
	frames []measuredFrame
	held   int // the most frames made since the last wipe
}

// measuredFrame is the bars of a chain as measured across axis (ux, uy)
// within limit of their centres.
type measuredFrame struct {
	ux, uy, limit float64
	bars          []measuredBar
}

// measuredBar is a bar as add measured it before the chain's contrast
// was known: its ends, threshold and contrast.
type measuredBar struct {
	done                          bool
	top, bot, threshold, contrast float64
}

// reset makes ms ready for another chain, keeping its buffers.
func (ms *trimsMeasured) reset() { ms.frames = ms.frames[:0] }

// wipe clears the frames made since the last wipe, their axes and their
// bars' ends, thresholds and contrasts, keeping their buffers (of
// maxBars at most each) for the next image.
func (ms *trimsMeasured) wipe() {
	frames := ms.frames[:ms.held]
	for i := range frames {
		f := &frames[i]
		clear(f.bars[:cap(f.bars)])
		f.ux, f.uy, f.limit = 0, 0, 0
	}
	ms.frames, ms.held = ms.frames[:0], 0
}

// frame returns the bars of the chain, of n, measured across (ux, uy)
// within limit, making a frame of none measured where none is.
func (ms *trimsMeasured) frame(ux, uy, limit float64, n int) []measuredBar {
	for _, f := range ms.frames {
		if f.ux == ux && f.uy == uy && f.limit == limit {
			return f.bars
		}
	}
	k := len(ms.frames)
	if k < cap(ms.frames) {
		ms.frames = ms.frames[:k+1]
	} else {
		ms.frames = append(scrub.Grow(ms.frames, 1), measuredFrame{})
	}
	ms.held = max(ms.held, k+1)
	f := &ms.frames[k]
	f.ux, f.uy, f.limit = ux, uy, limit
	f.bars = scrub.Room(f.bars, n)[:n]
	clear(f.bars)
	return f.bars
}

// measure finds each bar's ends by walking along its axis in the image,
// and the line through the bars' middles. Bars the chain missed (a bar
// merged with its neighbour, or broken in two, by blur) are probed for
// where the chain's spacing says they stand, between its bars and beyond
// its ends. c is bars from to from+len(c) of a chain of whole bars, whose
// trims share their measuring in ms when ms is not nil.
func measure(img Image, gray Gray, c []*blob, ms *trimsMeasured, from, whole int) *reading {
	return measureInto(&reading{}, img, gray, c, ms, from, whole)
}

// measureInto is measure, made in rd: its slices are kept, emptied,
// and all else set anew.
func measureInto(rd *reading, img Image, gray Gray, c []*blob, ms *trimsMeasured, from, whole int) *reading {
	// The mean axis of the bars that are not stubby, all turned the way
	// of the first such.
	var ux, uy float64
	var ref *blob
	for _, b := range c {
		if stubby(b) {
			continue
		}
		if ref == nil {
			ref = b
		}
		s := 1.0
		if b.ux*ref.ux+b.uy*ref.uy < 0 {
			s = -1
		}
		ux, uy = ux+s*b.ux, uy+s*b.uy
	}
	if ref == nil {
		ux, uy = c[0].ux, c[0].uy
	}
	n := math.Hypot(ux, uy)
	ux, uy = ux/n, uy/n
	// v along the chain, from its first bar to its last, and u a quarter
	// turn clockwise from it: with v pointing right, u points down.
	vx, vy := -uy, ux
	if (c[len(c)-1].cx-c[0].cx)*vx+(c[len(c)-1].cy-c[0].cy)*vy < 0 {
		vx, vy = -vx, -vy
	}
	ux, uy = -vy, vx
	*rd = reading{ux: ux, uy: uy, vx: vx, vy: vy, img: img, gray: gray,
		v: rd.v[:0], top: rd.top[:0], bot: rd.bot[:0], thresholds: rd.thresholds[:0], contrasts: rd.contrasts[:0],
		levels: rd.levels, scratch: rd.scratch[:0], class: rd.class[:0], order: rd.order[:0], values: rd.values[:0],
		classSums: rd.classSums[:0], gaps: rd.gaps[:0], adds: rd.adds[:0], splits: rd.splits[:0], idx: rd.idx[:0],
		spare: rd.spare}
	if p, ok := gray.(Plane); ok {
		rd.plane, rd.pw, rd.ph = p.Plane()
		if len(rd.plane) < rd.pw*rd.ph {
			rd.plane = nil // not the whole image: ask At
		}
	}
	// A bar's ends are within the longest blob's length of its centre
	// (its blob may be a piece of it).
	height := 0.0
	for _, b := range c {
		height = math.Max(height, b.length)
	}
	var known []measuredBar
	if ms != nil && gray != nil {
		known = ms.frame(ux, uy, 1.2*height, whole)[from : from+len(c)]
	}
	for i, b := range c {
		v, u := b.cx*vx+b.cy*vy, b.cx*ux+b.cy*uy
		if known == nil {
			rd.add(v, u, 1.2*height)
			continue
		}
		// Before the contrast is known, add keeps every bar it
		// measures on gray, and its threshold.
		k := &known[i]
		if !k.done {
			rd.add(v, u, 1.2*height)
			last := len(rd.v) - 1
			*k = measuredBar{true, rd.top[last], rd.bot[last], rd.thresholds[last], rd.contrasts[last]}
			continue
		}
		rd.v, rd.top, rd.bot = append(scrub.Grow(rd.v, 1), v), append(scrub.Grow(rd.top, 1), k.top), append(scrub.Grow(rd.bot, 1), k.bot)
		rd.thresholds, rd.contrasts = append(scrub.Grow(rd.thresholds, 1), k.threshold), append(scrub.Grow(rd.contrasts, 1), k.contrast)
	}
	rd.fit()
	if len(rd.thresholds) > 0 {
		rd.threshold, rd.contrast = median(rd.thresholds), median(rd.contrasts)
	}
	rd.complete(height)
	rd.fit()
	for i, v := range rd.v {
		l := rd.line[0] + rd.line[1]*v
		rd.top[i] -= l
		rd.bot[i] -= l
	}
	return rd
}

// wipe clears the reading's slices, which hold the bars' places and the
// gray levels along them, and lets go of the images.
func (rd *reading) wipe() {
	for _, f := range [...][]float64{rd.v, rd.top, rd.bot, rd.thresholds, rd.contrasts, rd.levels, rd.scratch, rd.values,
		rd.gaps, rd.adds, rd.splits, rd.spare[0], rd.spare[1], rd.spare[2]} {
		clear(f[:cap(f)])
	}
	clear(rd.idx[:cap(rd.idx)])
	clear(rd.class[:cap(rd.class)])
	clear(rd.order[:cap(rd.order)])
	clear(rd.classSums[:cap(rd.classSums)])
	rd.img, rd.gray, rd.plane = nil, nil, nil
	// The bars' axis, their middle line, threshold and contrast.
	rd.ux, rd.uy, rd.vx, rd.vy, rd.line = 0, 0, 0, 0, [2]float64{}
	rd.threshold, rd.contrast, rd.pw, rd.ph = 0, 0, 0, 0
}

// add measures the bar through the point (v, u) and appends it.
func (rd *reading) add(v, u, limit float64) {
	x, y := v*rd.vx+u*rd.ux, v*rd.vy+u*rd.uy
	var up, down float64
	if rd.gray != nil {
		up, down = rd.grayExtent(x, y, limit)
	} else {
		up = extent(rd.img, x, y, -rd.ux, -rd.uy, limit)
		down = extent(rd.img, x, y, rd.ux, rd.uy, limit)
	}
	rd.v = append(scrub.Grow(rd.v, 1), v)
	rd.top = append(scrub.Grow(rd.top, 1), u-up)
	rd.bot = append(scrub.Grow(rd.bot, 1), u+down)
}

// grayExtent measures the bar through (x, y) along its axis on the gray
// image: the gray profile from limit before to limit after gives the
// bar's darkness (its darkest but for noise) and the paper's (its
// lightest tenth); the bar reaches either way while the profile stays
// darker than halfway between them, but for a sample or two.
func (rd *reading) grayExtent(x, y, limit float64) (up, down float64) {
	const step = 0.5
	n := int(limit / step)
	rd.levels = scrub.Room(rd.levels, 2*n+1)
	profile := rd.profile(rd.levels[:2*n+1], x, y, step)
	// The bar may fill a small part of the profile (a tracker): its
	// darkness is the profile's darkest but for noise. Both levels are
	// order statistics of the profile, selected without sorting it.
	sorted := append(scrub.Grow(rd.scratch[:0], len(profile)), profile...)
	rd.scratch = sorted
	di, li := min(2, len(sorted)-1), len(sorted)*9/10
	dark := order.Select(sorted, di)
	light := dark
	if li > di {
		light = order.Select(sorted[di+1:], li-di-1)
	}
	if rd.contrast > 0 && light-dark < rd.contrast/2 {
		return 0, 0 // a blur between bars, no bar
	}
	thr := (dark + light) / 2
	rd.thresholds = append(scrub.Grow(rd.thresholds, 1), thr)
	rd.contrasts = append(scrub.Grow(rd.contrasts, 1), light-dark)
	reach := func(dir int) float64 {
		i, lightRun := n, 0
		last := n
		for i+dir >= 0 && i+dir < len(profile) {
			i += dir
			if profile[i] < thr {
				lightRun, last = 0, i
				continue
			}
			if lightRun++; lightRun > 2 {
				break
			}
		}
		return math.Abs(float64(last-n)) * step
	}
	if profile[n] >= thr {
		return 0, 0
	}
	return reach(-1), reach(1)
}

// addProbed measures a bar that probe found and keeps it when it is as
// tall as a tracker at least (a fifth of tallest, the tallest bar
// measured) and not much taller than the bars' blobs (height).
func (rd *reading) addProbed(v, u, height, tallest float64) bool {
	rd.add(v, u, 1.2*height)
	n := len(rd.v) - 1
	if h := rd.bot[n] - rd.top[n]; h < tallest/5 || h > 1.5*height {
		rd.v, rd.top, rd.bot = rd.v[:n], rd.top[:n], rd.bot[:n]
		return false
	}
	return true
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// fit sets the line through the bars' middles: its slope fitted within
// classes of bars alike in their ends, its place through their mean.
// Bars of unlike ends have unlike middles (a tall bar's stands above a
// short one's on their common baseline; an ascender's above a
// descender's), so one least squares line through all of them leans
// after the order of the kinds of bar over a few bars, and probing beyond
// the ends along it leaves the symbol; bars alike in their ends share
// their middles' line. The classes are the bars alike both in their tops
// and in their bottoms, first as measured (the frame is the bars' own:
// their middles' line runs nearly level in it), then off the line so
// fitted.
func (rd *reading) fit() {
	n := len(rd.v)
	var sv, su, svv, svu float64
	spread := 0.0
	for i, v := range rd.v {
		mid := (rd.top[i] + rd.bot[i]) / 2
		sv, su, svv, svu = sv+v, su+mid, svv+v*v, svu+v*mid
		spread = math.Max(spread, rd.bot[i]-rd.top[i])
	}
	m := float64(n)
	slope := 0.0 // all bars as one class, where no class has two
	if d := m*svv - sv*sv; d > 0 {
		slope = (m*svu - sv*su) / d
	}
	gap := 0.15 * spread // as split's
	rd.class = scrub.Grow(rd.class[:0], 2*n)[:2*n]
	byTop, byBot := rd.class[:n], rd.class[n:]
	level := 0.0
	for range 2 {
		tops := rd.classify(byTop, func(i int) float64 { return rd.top[i] - level*rd.v[i] }, gap)
		bots := rd.classify(byBot, func(i int) float64 { return rd.bot[i] - level*rd.v[i] }, gap)
		for i := range byTop {
			byTop[i] = byTop[i]*bots + byBot[i]
		}
		level = rd.slopeWithin(byTop, tops*bots, slope)
	}
	slope = level
	rd.line = [2]float64{(su - slope*sv) / m, slope}
}

// classify sets class[i] to the class of bar i by value(i): classes are
// parted where the values, in order, leap by gap or more, and numbered
// from the least. It returns how many there are.
func (rd *reading) classify(class []int, value func(int) float64, gap float64) int {
	order := scrub.Grow(rd.order[:0], len(class))
	for i := range class {
		order = append(order, i)
	}
	rd.order = order
	vals := scrub.Grow(rd.values[:0], len(class))[:len(class)]
	rd.values = vals
	for i := range vals {
		vals[i] = value(i)
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(vals[a], vals[b]) })
	k := 0
	for j, i := range order {
		if j > 0 && vals[i]-vals[order[j-1]] >= gap {
			k++
		}
		class[i] = k
	}
	return k + 1
}

// slopeWithin returns the least squares slope of the bars' middles over
// v with an offset for each of the classes (class[i] of n): their
// deviations from their class's means, pooled. Where no class has two
// bars apart along the chain, it returns otherwise.
func (rd *reading) slopeWithin(class []int, n int, otherwise float64) float64 {
	sums := scrub.Grow(rd.classSums[:0], n)[:n]
	rd.classSums = sums
	clear(sums)
	for i, v := range rd.v {
		c := &sums[class[i]]
		mid := (rd.top[i] + rd.bot[i]) / 2
		c[0], c[1], c[2], c[3], c[4] = c[0]+1, c[1]+v, c[2]+mid, c[3]+v*v, c[4]+v*mid
	}
	var num, den float64
	for _, c := range sums {
		if c[0] < 2 {
			continue
		}
		num += c[4] - c[1]*c[2]/c[0]
		den += c[3] - c[1]*c[1]/c[0]
	}
	if den <= 0 {
		return otherwise
	}
	return num / den
}

// complete probes for the bars the chain missed, and sorts the bars along
// the chain: the bars are a pitch apart, the median spacing of the chain.
func (rd *reading) complete(height float64) {
	gaps := scrub.Grow(rd.gaps[:0], len(rd.v))
	defer func() { rd.gaps = gaps }()
	for i := 1; i < len(rd.v); i++ {
		gaps = append(gaps, rd.v[i]-rd.v[i-1])
	}
	sort.Float64s(gaps)
	pitch := gaps[len(gaps)/2]
	if pitch < 1 {
		return
	}
	add := rd.adds[:0]
	defer func() { rd.adds = add }()
	for i := 1; i < len(rd.v); i++ {
		if k := math.Round((rd.v[i] - rd.v[i-1]) / pitch); k >= 2 && k <= 4 {
			for j := 1.0; j < k; j++ {
				add = append(scrub.Grow(add, 1), rd.v[i-1]+j*(rd.v[i]-rd.v[i-1])/k)
			}
		}
	}
	// The bars' height as measured, for the least a probed bar's may be:
	// the blobs' longest may be longer, a bar and the specks of noise
	// joined to it, and the measured trackers under a fifth of it.
	tallest := 0.0
	for i := range rd.v {
		tallest = math.Max(tallest, rd.bot[i]-rd.top[i])
	}
	tallest = math.Min(tallest, height)
	first, last := rd.v[0], rd.v[len(rd.v)-1]
	for _, v := range add {
		if v, u, ok := rd.probe(v, pitch, height); ok {
			rd.addProbed(v, u, height, tallest)
		}
	}
	// Beyond the ends, while bars stand there.
	for _, dir := range []float64{-1, 1} {
		v := first
		if dir > 0 {
			v = last
		}
		for range maxBars {
			at, u, ok := rd.probe(v+dir*pitch, pitch, height)
			if !ok || !rd.addProbed(at, u, height, tallest) {
				break
			}
			v = at
		}
	}
	// Sort by place along the chain.
	idx := scrub.Grow(rd.idx[:0], len(rd.v))[:len(rd.v)]
	rd.idx = idx
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return rd.v[idx[a]] < rd.v[idx[b]] })
	// Into the spare slices, which then swap with the bars'.
	n := len(idx)
	v, top, bot := scrub.Grow(rd.spare[0][:0], n)[:n], scrub.Grow(rd.spare[1][:0], n)[:n], scrub.Grow(rd.spare[2][:0], n)[:n]
	for i, j := range idx {
		v[i], top[i], bot[i] = rd.v[j], rd.top[j], rd.bot[j]
	}
	rd.v, rd.top, rd.bot, rd.spare = v, top, bot, [3][]float64{rd.v, rd.top, rd.bot}
}

// probe looks for a bar crossing the line through the bars' middles near
// v: a dark pixel within a third of a pitch along the chain and an eighth
// of the bars' height across it. It returns the middle of the dark run
// there along the chain, and where across.
func (rd *reading) probe(v, pitch, height float64) (float64, float64, bool) {
	mid := rd.line[0] + rd.line[1]*v
	for du := 0.0; du <= height/8; du += 1 {
		for _, u := range [2]float64{mid - du, mid + du} {
			for dv := -pitch / 3; dv <= pitch/3; dv += 0.5 {
				if !rd.dark(v+dv, u) {
					continue
				}
				if rd.gray != nil {
					return rd.darkest(v, u, pitch/3), u, true
				}
				// The run's ends along the chain.
				a, b := v+dv, v+dv
				for a > v-pitch && rd.dark(a-0.5, u) {
					a -= 0.5
				}
				for b < v+pitch && rd.dark(b+0.5, u) {
					b += 0.5
				}
				return (a + b) / 2, u, true
			}
		}
	}
	return 0, 0, false
}

// darkest returns the place within reach of v, along the chain at u,
// where the gray image is darkest: a bar's middle, where blur has joined
// it to its neighbours.
func (rd *reading) darkest(v, u, reach float64) float64 {
	best, at := math.Inf(1), v
	for dv := -reach; dv <= reach; dv += 0.25 {
		x, y := (v+dv)*rd.vx+u*rd.ux, (v+dv)*rd.vy+u*rd.uy
		if g := rd.grayAt(x, y); g < best {
			best, at = g, v+dv
		}
	}
	return at
}

// dark reports whether the image is dark at (v, u): on the gray image,
// darker than the bars' median threshold.
func (rd *reading) dark(v, u float64) bool {
	x, y := v*rd.vx+u*rd.ux, v*rd.vy+u*rd.uy
	if rd.gray != nil && len(rd.thresholds) > 0 {
		return rd.grayAt(x, y) < rd.threshold
	}
	px, py := int(math.Floor(x)), int(math.Floor(y))
	return px >= 0 && py >= 0 && px < rd.img.GetWidth() && py < rd.img.GetHeight() && rd.img.Get(px, py)
}

// extent walks from (x, y) along (dx, dy) while the image is dark, and
// returns how far (up to limit); a light pixel or two in a dark stretch
// (a bar that blur broke) are stepped over.
func extent(img Image, x, y, dx, dy, limit float64) float64 {
	w, h := img.GetWidth(), img.GetHeight()
	dark := func(t float64) bool {
		px, py := int(math.Floor(x+t*dx)), int(math.Floor(y+t*dy))
		return px >= 0 && py >= 0 && px < w && py < h && img.Get(px, py)
	}
	t := 0.0
	for t < limit {
		if !dark(t+0.5) && !dark(t+1.5) && !dark(t+2.5) {
			break
		}
		t += 0.5
	}
	return t
}

// split parts values into a high and a low group at the widest gap
// between them, when that gap is wide for spread (the bars' full height):
// it returns the value that parts them, or false when there is one group.
func split(values []float64, spread float64, buf *[]float64) (float64, bool) {
	s := append(scrub.Grow((*buf)[:0], len(values)), values...)
	*buf = s
	sort.Float64s(s)
	gap, at := 0.0, 0
	for i := 1; i < len(s); i++ {
		if d := s[i] - s[i-1]; d > gap {
			gap, at = d, i
		}
	}
	if gap < 0.15*spread {
		return 0, false
	}
	return (s[at-1] + s[at]) / 2, true
}
