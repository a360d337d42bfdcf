package hanxin

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// candidate is a possible finder pattern: the centre of its 3 x 3 dark
// square (which a light ring isolates) and the module size.
type candidate struct {
	x, y, module float64
	hits         int
	unit         float64
	// arms holds the sides of the square (armsLeft ...) on which its
	// hits saw the pattern's angles: a window's 1:1:1:1 runs before its
	// square's run lie left of it along a row, above it along a column.
	arms uint8
	// angles is set once a line from the square's centre beside one of
	// those sides has crossed the nested angles (anglesBeside).
	angles bool
	// predicted marks the fourth finder of a group of three (see
	// Reader.tryTriples): no candidate seen, its place is fitted from
	// the other three's once a size and orientation are tried.
	predicted bool
}

// hit counts another hit on the candidate, which saw the angles on the
// side arms, and looks for them beside that side when none of the sides
// looked beside before showed them.
func (c *candidate) hit(bm *gozxing.BitMatrix, arms uint8) {
	c.hits++
	if !c.angles && c.arms&arms == 0 {
		c.angles = anglesBeside(bm, c.x, c.y, c.module, arms)
	}
	c.arms |= arms
}

// The sides of a candidate's square its angles were seen on, in image
// coordinates (y down).
const (
	armsLeft uint8 = 1 << iota
	armsRight
	armsUp
	armsDown
)

// armsOf returns the side a window's angles lie on: before its square
// (sq 4) or after it (sq 0), along a row or, when vertical, a column.
func armsOf(sq int, vertical bool) uint8 {
	switch {
	case vertical && sq == 4:
		return armsUp
	case vertical:
		return armsDown
	case sq == 4:
		return armsLeft
	}
	return armsRight
}

// finderWindows calls visit with every window of five runs of the row's
// first width pixels, dark first, that matches the finder's proportions
// (finderProportions), the pixel its first run starts at and the index
// of its square's run: the windows of bitrow.Windows that match, the
// others skipped before any call. It returns buf for reuse.
func finderWindows(row []uint32, width int, buf []int, visit func(win []int, start, square int)) []int {
	l := bitrow.Lengths(row, width, buf)
	finderWindowsOf(l, visit)
	return l
}

// finderWindowsOf is finderWindows of the row whose lengths, as
// bitrow.Lengths gives them, are l; it only reads l. The window's runs
// slide along in registers, two read a window; endRunLongest and the
// whole-number bounds are tested as the windows are walked (half of the
// windows endRunLongest passes on a textured frame fail them), and the
// proportions of those within them are measured in whole numbers
// (finderSquare): of the windows within the bounds, close to half fail
// the proportions on a textured frame, and the calls that measured them
// in floats only to find so cost more than the measuring.
func finderWindowsOf(l []int, visit func(win []int, start, square int)) {
	pos, runs := bitrow.RunsOf(l)
	if len(runs) < 5 {
		return
	}
	a, b, c, d, e := runs[0], runs[1], runs[2], runs[3], runs[4]
	for i := 0; ; {
		// endRunLongest, then finderProportions' bounds.
		if end, inner := max(a, e), max(b, c, d); end > inner {
			total := a + b + c + d + e
			if total >= 7 && 700*end >= 189*total && 700*inner <= 156*total && 700*min(b, c, d) >= 44*total {
				if sq, ok := finderSquare(a, b, c, d, e, total); ok {
					visit(runs[i:i+5:i+5], pos, sq)
				}
			}
		}
		pos += a + b
		if i += 2; i+5 > len(runs) {
			return
		}
		a, b, c, d, e = c, d, e, runs[i+3], runs[i+4]
	}
}

// finderSquare is finderMeasure (the tests' reference, in floats) of a
// window of five runs, a to e, total pixels long, in whole numbers: the
// index of the square's run, and whether the window matches. A run r is
// within tol units of want·unit (unit total/7) exactly when 7r lies
// within tol·total of want·total: for a unit, 20·|7r − total| against
// 11·total; for the square's 3 units, 10·|7r − 3·total|. Off that bound
// the two sides differ by a whole number, so the run's distance from
// what it should be differs from the tolerance by 1/140 of a pixel at
// least, far past the rounding of finderMeasure's floats (under 10⁻⁹ of
// a pixel for any total under 2³⁰); on it, the run is measured as
// finderMeasure measures it.
func finderSquare(a, b, c, d, e, total int) (square int, ok bool) {
	if !unitFits(b, total) || !unitFits(c, total) || !unitFits(d, total) {
		return 0, false
	}
	switch {
	case unitFits(a, total) && squareFits(e, total):
		return 4, true
	case squareFits(a, total) && unitFits(e, total):
		return 0, true
	}
	return 0, false
}

// unitFits reports whether run r of a window total pixels long is
// within finderMeasure's tolerance of a unit (see finderSquare).
func unitFits(r, total int) bool {
	dev, bound := 20*(7*r-total), 11*total
	if dev != bound && dev != -bound {
		return -bound < dev && dev < bound
	}
	return measuredFits(r, total, 1, 0.55)
}

// squareFits reports whether run r of a window total pixels long is
// within finderMeasure's tolerance of the square's 3 units.
func squareFits(r, total int) bool {
	dev, bound := 10*(7*r-3*total), 11*total
	if dev != bound && dev != -bound {
		return -bound < dev && dev < bound
	}
	return measuredFits(r, total, 3, 1.1)
}

// measuredFits is finderMeasure's test of one run r of a window total
// pixels long: within tol units of want.
func measuredFits(r, total int, want, tol float64) bool {
	unit := float64(total) / 7
	return math.Abs(float64(r)-want*unit) <= tol*unit
}

// findCandidates scans every step-th row and column for the finder's
// runs. A row crosses two of a symbol's finders through their angles
// whatever its turn, a column the other two. The columns are those hints
// share (hint.Columns) when they are of bm.
func (r *Reader) findCandidates(bm *gozxing.BitMatrix, step int, hints map[gozxing.DecodeHintType]interface{}) []candidate {
	w, h := bm.GetWidth(), bm.GetHeight()
	r.cands = r.cands[:0]
	r.near.reset(w, h)
	var line int
	var vertical bool
	visit := func(win []int, start, sq int) {
		unit := float64(win[0]+win[1]+win[2]+win[3]+win[4]) / 7 // finderMeasure's
		// The middle run starts at start2; find the square's centre.
		start2 := float64(start + win[0] + win[1])
		c := start2 + float64(win[2]+win[3]) + float64(win[4])/2
		if sq == 0 {
			c = start2 - float64(win[1]) - float64(win[0])/2
		}
		x, y := c, float64(line)+0.5
		if vertical {
			x, y = y, c
		}
		r.confirm(bm, x, y, unit, armsOf(sq, vertical))
	}
	// The columns, read by the search along them, serve the walks
	// along columns of both searches; the rows it reads, the walks along
	// rows.
	r.searched = true
	cols := r.cols.OfShared(bm, hints)
	r.lines.bind(bm, cols, hints)
	for line = step / 2; line < h; line += step {
		var l []int
		l, r.runs = r.lines.lengths(line, r.runs)
		r.runsHeld = max(r.runsHeld, len(r.runs))
		finderWindowsOf(l, visit)
	}
	vertical = true
	for line = step / 2; line < w; line += step {
		r.runs = finderWindows(cols[line], h, r.runs, visit)
		r.runsHeld = max(r.runsHeld, len(r.runs))
	}
	return r.cands
}

// confirm centres a hit on its dark square and keeps it when the square
// is about 3 x 3 modules of the unit and ringed by light; arms is the
// side the hit saw the pattern's angles on.
func (r *Reader) confirm(bm *gozxing.BitMatrix, x, y, unit float64, arms uint8) {
	if i := r.near.first(r.cands, x, y); i >= 0 {
		r.cands[i].hit(bm, arms)
		return
	}
	if !dark(bm, x, y) {
		return
	}
	// Chord midpoints of a centrally symmetric shape close in on its
	// centre. The chords along rows and columns are walkChord's, their
	// reach worked out once.
	reach := reachOf(6 * unit)
	var ch [4]chord
	for range 2 {
		var ok bool
		if ch[0], ok = r.lines.walkAxis(x, y, false, reach, chord{dx: 1}); !ok {
			return
		}
		x += ch[0].shift()
		if ch[1], ok = r.lines.walkAxis(y, x, true, reach, chord{dy: 1}); !ok {
			return
		}
		y += ch[1].shift()
	}
	// The side is at most every chord through the centre: a column
	// chord too short for the least module fails the test below whatever
	// the row's.
	least := 0.6 * unit / math.Sqrt2
	if ch[1].length()/3 < least {
		return
	}
	d := math.Sqrt2 / 2
	var ok bool
	if ch[0], ok = r.lines.walkAxis(x, y, false, reach, chord{dx: 1}); !ok {
		return
	}
	// The shortest chord through a square's centre is its side; the
	// longest, a diagonal, is at most √2 sides. The side is at most the
	// shortest of the chords walked so far and the longest at least
	// their longest, so chords too unlike, or one too short, already
	// fail the test below: the diagonals are walked only where they
	// could pass it, and only as far: a diagonal reaching 1.7 sides of
	// those walked before it in all fails it too (a pixel more leaves
	// room for rounding).
	side, long := min(ch[0].length(), ch[1].length()), max(ch[0].length(), ch[1].length())
	if long > 1.7*side || side/3 < least {
		return
	}
	if ch[2], ok = stepChordWithin(bm, x, y, d, d, 6*unit, 1.7*side+1); !ok {
		return
	}
	side, long = min(side, ch[2].length()), max(long, ch[2].length())
	if long > 1.7*side || side/3 < least {
		return
	}
	if ch[3], ok = stepChordWithin(bm, x, y, d, -d, 6*unit, 1.7*side+1); !ok {
		return
	}
	side, long = min(side, ch[3].length()), max(long, ch[3].length())
	module := side / 3
	if long > 1.7*side || module < least || module > 1.5*unit {
		return
	}
	if !lightRing(bm, x, y, module, &ch) {
		return
	}
	if i := r.near.first(r.cands, x, y); i >= 0 {
		r.cands[i].hit(bm, arms)
		return
	}
	// An array outgrown holds the candidates so far: cleared as it is
	// let go.
	r.cands = append(scrub.Grow(r.cands, 1), candidate{x: x, y: y, module: module, hits: 1, unit: unit, arms: arms,
		angles: anglesBeside(bm, x, y, module, arms)})
	r.candsHeld = max(r.candsHeld, len(r.cands))
	r.near.add(r.cands)
}

// lightRing reports whether a finder's square, its centre (x, y) and
// chords ch, stands in its light ring: past each end of every chord,
// light for a third of a module at least (a binarizer thins light modules
// next to dark), at all but two of the eight ends.
func lightRing(bm *gozxing.BitMatrix, x, y, module float64, ch *[4]chord) bool {
	dark8 := 0
	for _, c := range ch {
		for _, s := range [2]float64{c.pos, -c.neg} {
			t := s + math.Copysign(module/3, s)
			if dark(bm, x+c.dx*t, y+c.dy*t) {
				dark8++
			}
		}
	}
	return dark8 <= 2
}

// anglesBeside reports whether a line from a square's centre (x, y),
// turned an eighth of a right angle either way from the side arms names,
// crosses past the square the finder's nested angles (ISO/IEC 20830
// §5.3.1; anglesAlong). Every line from the centre within half a right
// angle of the diagonal from the square to the finder's corner crosses
// them, each run a module over the cosine of the line's angle to the
// angle's arm it crosses; the row or column that saw the finder's runs
// (arms) lies within that half right angle, so one of the two turned
// lines lies within a quarter right angle of the diagonal, clear of the
// arms' ends, where the row or column may pass them by a pixel. Texture
// that imitates the square and one line's runs seldom shows them along
// another.
func anglesBeside(bm *gozxing.BitMatrix, x, y, module float64, arms uint8) bool {
	ax, ay := 0.0, 0.0
	switch arms {
	case armsLeft:
		ax = -1
	case armsRight:
		ax = 1
	case armsUp:
		ay = -1
	default:
		ay = 1
	}
	const c, sin = 0.9238795325112867, 0.3826834323650898 // cos and sin of π/8
	for _, s := range [2]float64{sin, -sin} {
		// (ax, ay) turned by ±π/8.
		if anglesAlong(bm, x, y, ax*c-ay*s, ax*s+ay*c, module) {
			return true
		}
	}
	return false
}

// anglesAlong reports whether the line from (x, y), dark, along the unit
// vector (dx, dy) leaves the dark within 3 modules and then crosses
// light, dark, light and dark runs (two nested angles) each under 2.4
// modules, 2.5 to 7 modules in all, in half-pixel steps. A finder's runs
// are a module each over a cosine of 0.7 to 1, in all 4 to 5.7 modules;
// the bounds leave room for a binarizer's thick dark modules and their
// thin light ones, for blur and for noise at modules of 1.5 pixels.
func anglesAlong(bm *gozxing.BitMatrix, x, y, dx, dy, module float64) bool {
	t, limit := 0.0, 3*module
	for ; t < limit && dark(bm, x+dx*t, y+dy*t); t += 0.5 {
	}
	if t >= limit {
		return false
	}
	sum := 0.0
	for i := range 4 {
		want := i%2 == 1 // dark after light
		start, limit := t, t+2.4*module
		for ; t < limit && dark(bm, x+dx*t, y+dy*t) == want; t += 0.5 {
		}
		if t >= limit {
			return false
		}
		sum += t - start
	}
	return sum >= 2.5*module && sum <= 7*module
}

// candidateCells indexes a search's candidates by cells of the image,
// for the test of each hit against those found before.
type candidateCells struct {
	cols, rows int
	head       []int32 // per cell, its last candidate (-1: none)
	next       []int32 // per candidate, the one before it in its cell
	maxModule  float64
	// headHeld and nextHeld are the most of head and next written
	// since the last wipe: where candidates lie is image data.
	headHeld, nextHeld int
}

// candidateCell is the side of the cells, in pixels.
const candidateCell = 32

// reset empties the index for a w by h image.
func (n *candidateCells) reset(w, h int) {
	n.cols, n.rows = w/candidateCell+1, h/candidateCell+1
	n.head = grow(n.head, n.cols*n.rows) // a smaller image's, outgrown, cleared
	for i := range n.head {
		n.head[i] = -1
	}
	n.next, n.maxModule = n.next[:0], 0
	n.headHeld = max(n.headHeld, len(n.head))
}

// wipe zeroes what the index holds of the candidates indexed since the
// last wipe: which cells they lie in and their largest module. Cells
// that no candidate was indexed in hold -1, as reset left them, which
// tells nothing of the image; reset marks every cell empty again before
// a search looks in one.
func (n *candidateCells) wipe() {
	if n.nextHeld > 0 {
		clear(n.head[:n.headHeld])
		clear(n.next[:n.nextHeld])
	}
	n.maxModule, n.headHeld, n.nextHeld = 0, 0, 0
}

// cell returns the cell coordinate of v, clamped to [0, count).
func cell(v float64, count int) int {
	return min(max(int(math.Floor(v/candidateCell)), 0), count-1)
}

// add indexes the last of cands.
func (n *candidateCells) add(cands []candidate) {
	i := len(cands) - 1
	c := &cands[i]
	k := cell(c.y, n.rows)*n.cols + cell(c.x, n.cols)
	n.next = append(scrub.Grow(n.next, 1), n.head[k]) // an array outgrown is cleared as it is let go
	n.nextHeld = max(n.nextHeld, len(n.next))
	n.head[k] = int32(i)
	n.maxModule = max(n.maxModule, c.module)
}

// first returns the first of cands (the least index) whose centre lies
// within 1.5 of its modules of (x, y) along both axes, or -1: as a scan
// of every candidate in order finds it, looking only at the cells within
// 1.5 of the largest module.
func (n *candidateCells) first(cands []candidate, x, y float64) int {
	if len(cands) == 0 {
		return -1
	}
	r := 1.5 * n.maxModule
	x0, x1 := cell(x-r, n.cols), cell(x+r, n.cols)
	y0, y1 := cell(y-r, n.rows), cell(y+r, n.rows)
	found := -1
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			for i := n.head[cy*n.cols+cx]; i >= 0; i = n.next[i] {
				c := &cands[i]
				if (found < 0 || int(i) < found) && math.Abs(c.x-x) < 1.5*c.module && math.Abs(c.y-y) < 1.5*c.module {
					found = int(i)
				}
			}
		}
	}
	return found
}

// chord is a dark run through a point along (dx, dy): it reaches pos
// pixels forward and neg back, where the first light samples lie.
type chord struct{ dx, dy, pos, neg float64 }

func (c chord) shift() float64  { return (c.pos - c.neg) / 2 * (c.dx + c.dy) }
func (c chord) length() float64 { return c.pos + c.neg }

// stepChordWithin is stepChord (the tests' reference: half-pixel steps
// both ways, in any direction), failing too where the chord reaches
// most pixels in all: the back side's walk stops there. A step that
// samples the pixel the one before it did (dark) does not look at it
// again.
func stepChordWithin(bm *gozxing.BitMatrix, x, y, dx, dy, limit, most float64) (chord, bool) {
	c := chord{dx: dx, dy: dy}
	for side, s := range [2]float64{1, -1} {
		sdx, sdy := s*dx, s*dy        // as dark(bm, x+s*dx*t, y+s*dy*t) multiplies
		lim := min(limit, most-c.pos) // c.pos 0 on the front side
		t := 0.0
		px, py := -1, -1 // the pixel sampled last, dark
		for ; t < lim; t += 0.5 {
			fx, fy := x+sdx*t, y+sdy*t
			if !(fx >= 0 && fy >= 0) {
				break // light, as dark has it
			}
			if ix, iy := int(fx), int(fy); ix != px || iy != py {
				if !bm.Get(ix, iy) {
					break
				}
				px, py = ix, iy
			}
		}
		if t >= lim {
			return c, false
		}
		if side == 0 {
			c.pos = t
		} else {
			c.neg = t
		}
	}
	return c, true
}

// lines gives the words of a binarized image's rows and columns (a
// pixel a bit, set when dark) to the walks along them: the columns the
// finder search reads, and the rows the engine shares (hint.Rows) or,
// when it shares none of the image, the rows copied from it the first
// time a walk asks for one. They are image data: Wipe clears them.
type lines struct {
	bm      *gozxing.BitMatrix
	w, h    int
	cols    [][]uint32 // the columns' words
	src     bitrow.Rows
	rowSize int
	rows    []uint32 // row y at rows[y*rowSize:], once copied
	copied  []uint32 // copied[y] == stamp: row y is
	stamp   uint32
	anyRows bool // rows hold pixels since the last wipe
}

// bind makes l serve bm, whose columns cols are, its rows read from
// those hints share when they are of bm.
func (l *lines) bind(bm *gozxing.BitMatrix, cols [][]uint32, hints map[gozxing.DecodeHintType]interface{}) {
	l.bm, l.cols = bm, cols
	l.src.Of(bm, hints)
	l.w, l.h = bm.GetWidth(), bm.GetHeight()
	l.rowSize = (l.w + 31) / 32
	l.rows = grow(l.rows, l.rowSize*l.h) // a smaller image's rows, outgrown, cleared
	if cap(l.copied) < l.h {
		l.copied = make([]uint32, l.h)
		l.stamp = 0
	}
	l.copied = l.copied[:l.h]
	l.stamp++
	if l.stamp == 0 { // wrapped: no stamp may match a row of before
		clear(l.copied)
		l.stamp = 1
	}
}

// lengths returns the run lengths of row y (0 <= y < h), as
// bitrow.Lengths gives them, to be only read: the shared rows' when l
// reads those, else measured into buf; spare is the buffer to keep for
// the next call.
func (l *lines) lengths(y int, buf []int) (lengths, spare []int) {
	if l.src.Shared() {
		return l.src.Lengths(y, buf)
	}
	lengths = bitrow.Lengths(l.row(y), l.w, buf)
	return lengths, lengths
}

// row returns the words of row y (0 <= y < h).
func (l *lines) row(y int) []uint32 {
	if l.src.Shared() {
		return l.src.Row(y)
	}
	words := l.rows[y*l.rowSize : (y+1)*l.rowSize]
	if l.copied[y] != l.stamp {
		copy(words, l.src.Row(y))
		l.copied[y] = l.stamp
		l.anyRows = true
	}
	return words
}

// wipe zeroes the rows copied and forgets the image.
func (l *lines) wipe() {
	if l.anyRows {
		clear(l.rows[:cap(l.rows)])
		clear(l.copied[:cap(l.copied)])
		l.anyRows = false
	}
	l.src.Done()
	l.bm, l.cols = nil, nil
}

// walkAxis is walkChord along a row (or, with column, a column): from p
// along it, at q across it, in the image l serves. Its half-pixel steps
// sample each pixel twice, so it looks at each pixel once, at the first
// step that samples it: from p's pixel i0 = ⌊p⌋, pixel i0+m (m ≥ 1) is
// first sampled m pixels on, or m−½ when p's fraction is ½ or more; back,
// pixel i0−m is first sampled m pixels back, or m−½ when the fraction is
// under ½. The pixels are looked at 32 at a time, in the words of the row
// or column. reach is reachOf the walk's limit.
func (l *lines) walkAxis(p, q float64, column bool, reach axisReach, c chord) (chord, bool) {
	i0, j := floorInt(p), floorInt(q)
	n, across := l.w, l.h
	if column {
		n, across = across, n
	}
	upper := floorInt(p+0.5) > i0 // the fraction is ½ or more
	var words []uint32
	if j >= 0 && j < across {
		if column {
			words = l.cols[j]
		} else {
			words = l.row(j)
		}
	}
	for side := range 2 {
		// Pixel m on is first sampled at step stepAt(m, half): half a
		// pixel early on the side the fraction leans to.
		half, most := 0.0, reach.on
		if upper == (side == 0) {
			half, most = 0.5, reach.early
		}
		var m int
		switch {
		case words == nil || i0 < 0 || i0 >= n:
			m = 0 // outside the image: light
		case side == 0:
			m = lightAfter(words, n, i0, most)
		default:
			m = lightBefore(words, i0, most)
		}
		if m >= most {
			return c, false
		}
		if side == 0 {
			c.pos = stepAt(m, half)
		} else {
			c.neg = stepAt(m, half)
		}
	}
	return c, true
}

// axisReach holds the first pixel, counted from a walk's start, that
// walkAxis samples at its limit or beyond: on the side that samples
// half a pixel early and on the other. The walk fails unless a pixel
// before it is light.
type axisReach struct{ early, on int }

// reachOf returns the reach of a walk to limit.
func reachOf(limit float64) axisReach {
	return axisReach{early: mostSampled(limit, 0.5), on: mostSampled(limit, 0)}
}

// floorInt returns ⌊v⌋, as int(math.Floor(v)) gives it: the
// conversion alone truncates, which is the floor from 0 up.
func floorInt(v float64) int {
	if v >= 0 {
		return int(v)
	}
	return int(math.Floor(v))
}

// stepAt is the step at which a walk first samples the pixel m on from
// its start's, half a pixel early (half 0.5) or not (half 0).
func stepAt(m int, half float64) float64 {
	if m == 0 {
		return 0
	}
	return float64(m) - half
}

// mostSampled returns the least m with stepAt(m, half) >= limit, half
// 0 or 0.5: m = ⌈limit⌉ is the least with m >= limit, and m − ½ >= limit
// holds for it unless limit is within half a pixel under it.
func mostSampled(limit, half float64) int {
	if limit <= 0 {
		return 0 // stepAt(0, half) = 0
	}
	m := math.Ceil(limit)
	if m-half < limit {
		m++
	}
	return int(m)
}

// lightAfter returns the least m with pixel i0+m of words light, looking
// at m < most only (most if none is); the pixels from n on are light.
func lightAfter(words []uint32, n, i0, most int) int {
	end := min(n, i0+most) // pixel end is light or m = most
	for i := i0; i < end; i = i&^31 + 32 {
		if light := ^words[i>>5] >> (i & 31); light != 0 {
			return min(i+bits.TrailingZeros32(light), end) - i0
		}
	}
	return end - i0
}

// lightBefore returns the least m with pixel i0−m of words light, looking
// at m < most only (most if none is); the pixels before 0 are light.
func lightBefore(words []uint32, i0, most int) int {
	end := max(-1, i0-most) // pixel end is light or m = most
	for i := i0; i > end; i = i&^31 - 1 {
		if light := ^words[i>>5] << (31 - i&31); light != 0 {
			return i0 - max(i-bits.LeadingZeros32(light), end)
		}
	}
	return i0 - end
}

// dark samples the bit matrix at a point, outside counting as light. A
// point left of or above the image is outside; at or right of and below
// its corner, the pixel's indexes are the coordinates truncated (their
// floor), which Get tests against the image's size.
func dark(bm *gozxing.BitMatrix, x, y float64) bool {
	return x >= 0 && y >= 0 && bm.Get(int(x), int(y))
}
