package datamatrix

import (
	"math/bits"
	"unsafe"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// bitImage reads the binarized image; everything outside it is light. It
// holds a copy of the image's rows as words with a light margin round
// them (a word before and after each row, a row above and below), so that
// a pixel's eight neighbours are read from three rows without bounds
// checks.
type bitImage struct {
	m      *gozxing.BitMatrix
	w, h   int
	stride int      // words per row, margins included
	words  []uint32 // row y's pixel x is bit 32+x of row y+1
	rows   bitrow.Rows
	// rowBits is stride in bits; origin, the bit of pixel 0, 0.
	rowBits, origin uint
	// bitStep[d] moves a bit index one pixel towards ring8[d].
	bitStep [8]uint
}

// load copies m, reusing the buffers of the image before; its rows read
// from shared when they are of m (shared may be nil).
func (b *bitImage) load(m *gozxing.BitMatrix, shared *bitrow.SharedRows) {
	b.m, b.w, b.h = m, m.GetWidth(), m.GetHeight()
	rowSize := (b.w + 31) / 32
	b.stride = rowSize + 2
	b.rowBits = uint(b.stride) * 32
	b.origin = b.rowBits + 32
	for d, o := range ring8 {
		b.bitStep[d] = uint(o[1])*b.rowBits + uint(o[0])
	}
	n := b.stride * (b.h + 2)
	if cap(b.words) < n {
		b.words = make([]uint32, n)
	} else {
		b.words = b.words[:n]
		clear(b.words[:b.stride])
		clear(b.words[n-b.stride:])
	}
	b.rows.OfShared(m, shared)
	// Bits past the width may be set (a flipped matrix): they read light.
	var last uint32 = 1<<(b.w%32) - 1
	if b.w%32 == 0 {
		last = ^uint32(0)
	}
	for y := range b.h {
		r := b.words[(y+1)*b.stride : (y+2)*b.stride]
		r[0] = 0
		copy(r[1:1+rowSize], b.rows.Row(y))
		if rowSize > 0 {
			r[rowSize] &= last
		}
		r[rowSize+1] = 0
	}
}

// wipe clears the copy of the image and lets go of the image.
func (b *bitImage) wipe() {
	clear(b.words)
	b.rows.Done()
	b.m = nil
}

// rowWords returns the words of row y, bit x of the slice being pixel x.
func (b *bitImage) rowWords(y int) []uint32 {
	o := (y+1)*b.stride + 1
	return b.words[o : o+b.stride-2]
}

// darkAt samples the pixel under p, from the copy: the finder samples
// the image point by point, millions of times in a busy frame, and the
// copy's margins leave one bounds check where the matrix makes four.
func (b *bitImage) darkAt(p point) bool {
	if p.x < 0 || p.y < 0 {
		return false
	}
	// Past the range of int, or NaN, the conversion gives the least int,
	// out of range as a uint.
	x, y := uint(int(p.x)), uint(int(p.y))
	if x >= uint(b.w) || y >= uint(b.h) {
		return false
	}
	i := b.origin + y*b.rowBits + x
	return b.words[i>>5]>>(i&31)&1 != 0
}

// holds tells whether every point within r (along x and along y) of the
// segment a–c lies inside the image, with a pixel to spare for the
// rounding of points computed along it: darkIn may read them.
func (b *bitImage) holds(a, c point, r float64) bool {
	r++
	return min(a.x, c.x)-r >= 0 && min(a.y, c.y)-r >= 0 &&
		max(a.x, c.x)+r < float64(b.w) && max(a.y, c.y)+r < float64(b.h)
}

// darkIn is darkAt for a point that holds has found inside the image,
// without darkAt's range tests: the finders' probes read millions.
func (b *bitImage) darkIn(p point) bool {
	i := b.origin + uint(int(p.y))*b.rowBits + uint(int(p.x))
	return b.words[i>>5]>>(i&31)&1 != 0
}

// darkWhere reads p as darkIn does where in says that holds has found p
// inside the image, else as darkAt does: for the loops that read both
// ways, one read at a call.
func (b *bitImage) darkWhere(p point, in bool) bool {
	x, y := uint(int(p.x)), uint(int(p.y))
	if !in && (p.x < 0 || p.y < 0 || x >= uint(b.w) || y >= uint(b.h)) {
		return false
	}
	i := b.origin + y*b.rowBits + x
	return b.words[i>>5]>>(i&31)&1 != 0
}

// probe returns the first dark point of base + dir·s for s = band, band −
// 0.5, … down to above −band (dir a unit vector), as darkAt reads them.
func (b *bitImage) probe(base, dir point, band float64) (point, bool) {
	if p, ok, done := b.probeWide(base, dir, band); done {
		return p, ok
	}
	if !b.holds(base.add(dir.scale(band)), base.add(dir.scale(-band)), 0) {
		for s := band; s > -band; s -= 0.5 {
			if p := base.add(dir.scale(s)); b.darkAt(p) {
				return p, true
			}
		}
		return point{}, false
	}
	// darkIn written out, the image's fields in locals: the compiler
	// would load them again at every point.
	words, rowBits, origin := b.words, b.rowBits, b.origin
	for s := band; s > -band; s -= 0.5 {
		x, y := base.x+dir.x*s, base.y+dir.y*s // base.add(dir.scale(s))
		if i := origin + uint(int(y))*rowBits + uint(int(x)); words[i>>5]>>(i&31)&1 != 0 {
			return point{x, y}, true
		}
	}
	return point{}, false
}

// firstRead returns the first k below n for which the point p + dir·s_k,
// s_k = from + k·step, reads want (darkWhere reads it, in saying how), or
// n: in vector registers four points at a time where it can
// (firstReadWide, which reads them as darkAt does, as darkIn does where
// holds has found them inside the image). Each s_k must be exact, as
// from, step and the s_k are when they are multiples of a quarter below
// 2⁵⁰: then s_k is also the sum of k steps that a loop adding step to s
// would have.
func (b *bitImage) firstRead(p, dir point, from, step float64, n int, in, want bool) int {
	k, found := b.firstReadWide(p, dir, from, step, n, want)
	if found {
		return k
	}
	for ; k < n; k++ {
		if b.darkWhere(p.add(dir.scale(from+float64(k)*step)), in) == want {
			return k
		}
	}
	return n
}

// stepsBelow returns how many of from, from + step, from + 2·step, …
// (step > 0, each exact as firstRead takes them) lie below bound: the
// points of a loop that adds step to s from from while s < bound.
func stepsBelow(from, step, bound float64) int {
	n := 0
	if d := (bound - from) / step; d > 0 && d < 1<<40 {
		n = int(d)
	}
	for n > 0 && !(from+float64(n-1)*step < bound) {
		n--
	}
	for from+float64(n)*step < bound {
		n++
	}
	return n
}

// ring8 holds the eight neighbours of a pixel, clockwise on screen from
// east.
var ring8 = [8][2]int{{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}}

// ringIndex[dy+1][dx+1] is the index in ring8 of the offset (dx, dy).
var ringIndex = [3][3]int{{5, 6, 7}, {4, -1, 0}, {3, 2, 1}}

// backDir[d] is the direction, from the pixel entered by a step towards
// ring8[d], of the light pixel checked just before it.
var backDir = func() (t [8]int) {
	for d := range t {
		pd := (d + 7) & 7
		t[d] = ringIndex[ring8[pd][1]-ring8[d][1]+1][ring8[pd][0]-ring8[d][0]+1]
	}
	return t
}()

// nextStep[dir<<9 | n] is the step traceContour takes from a pixel whose
// 3×3 block is n (bit 3*row+column, rows and columns from the top left)
// when its light neighbour last checked lies towards ring8[dir]: the
// first dark neighbour clockwise after dir, or noStep when the pixel has
// none.
var nextStep = func() (t [8 << 9]uint8) {
	for dir := range 8 {
		for n := range 512 {
			t[dir<<9|n] = noStep
			for k := 1; k <= 8; k++ {
				d := (dir + k) & 7
				o := ring8[d]
				if n>>(3*(o[1]+1)+o[0]+1)&1 != 0 {
					t[dir<<9|n] = uint8(d)
					break
				}
			}
		}
	}
	return t
}()

// noStep is nextStep's entry for a pixel without dark neighbours.
const noStep = 8

// pixel is a pixel position. coords reads a contour's pixels as their
// coordinates in memory, x and y in turn.
type pixel struct{ x, y int32 }

// visited marks pixels that a traced contour went through, so that a seed
// on a contour already followed is not followed again. Pixel x, y is its
// bit y*rowBits + x + seenOrigin (rowBits as in the image copy): the
// bit in the image copy of the top left of the pixel's 3×3 block.
type visited struct {
	bits    []uint64
	rowBits int
	// The marks made since they were last cleared lie in words
	// markedFrom to markedTo−1 of bits, and every word outside is clear:
	// reset and wipe clear those, so that the marks, a picture of the
	// edges traced, are cleared once, by whichever comes first, a search
	// that traced nothing leaves nothing to clear, and one that traced
	// a few rows of a large image leaves those rows' words, not the
	// image's.
	markedFrom, markedTo int
	// marking is set while areaAndMark marks a contour, whose words are
	// noted once it is done: a panic that cut it short (guard.Recover
	// catches it) leaves marks outside the words noted, and the next
	// clear takes every word.
	marking bool
}

// seenOrigin is the bit of pixel 0, 0 in visited.
const seenOrigin = 31

// reset clears the marks and takes the layout of img.
func (v *visited) reset(img *bitImage) {
	n := (int(img.rowBits)*(img.h+2) + 63) / 64
	v.wipe()
	if cap(v.bits) < n {
		v.bits = make([]uint64, n)
	} else {
		v.bits = v.bits[:n]
	}
	v.rowBits = int(img.rowBits)
}

// wipe clears the marks.
func (v *visited) wipe() {
	if v.marking {
		v.markedFrom, v.markedTo, v.marking = 0, len(v.bits), false
	}
	clear(v.bits[v.markedFrom:v.markedTo])
	v.markedFrom, v.markedTo = 0, 0
}

// marked notes marks made in words from to to−1 of bits.
func (v *visited) marked(from, to int) {
	if v.markedTo == 0 {
		v.markedFrom = from
	}
	v.markedFrom, v.markedTo = min(v.markedFrom, from), max(v.markedTo, to)
}

func (v *visited) has(x, y int) bool {
	i := uint(seenOrigin + y*v.rowBits + x)
	return v.bits[i>>6]&(1<<(i&63)) != 0
}

// traceContour follows the boundary of the dark 8-connected region that
// contains the dark pixel (x, y), whose west neighbour is light (Moore
// neighbour tracing, stopping when the start pixel is entered again from
// the same side). It appends the boundary pixels to out, marks them in
// seen (which must have been reset for img), and returns them with the
// signed area the boundary encloses: positive for the outer boundary of a
// dark region, negative for the boundary of a hole. It gives up after
// limit steps and reports false.
//
// A busy frame takes millions of steps, so each does little: the bit of
// the top left of the pixel's 3×3 block in the image copy moves with the
// step, the block's three rows index nextStep, which gives the step, the
// position moves as one word, x in its low half and y in its high half,
// and the steps run in a function that calls nothing (tracer.steps), so
// that the loop's values stay in registers. The area is summed and the
// pixels are marked in seen afterwards.
func traceContour(img *bitImage, seen *visited, x, y, limit int, out []pixel) ([]pixel, int, bool) {
	t := tracer{
		words: img.words, stride: uint32(img.stride), bitStep: &img.bitStep,
		at:  uint(seenOrigin + y*int(img.rowBits) + x),
		xy:  uint(y<<32 + x),
		dir: 4 << 9, // towards the light west neighbour
	}
	t.start = t.at
	from := len(out)
	end := from + 1 + limit
	out = append(out, pixel{int32(x), int32(y)})
	closed := false
	// returns counts the times the contour came back to its start pixel
	// and went on: the steps never store the start pixel, so these are
	// the copies of it in the contour past its first pixel.
	returns := 0
	for len(out) < end {
		if len(out) == cap(out) {
			out = scrub.Grow(out, min(end-len(out), max(len(out), 256)))
		}
		k, stop := t.steps(out[len(out):min(cap(out), end)])
		out = out[:len(out)+k]
		if stop == stopLone {
			closed = true
			break
		}
		if stop == stopStart {
			if t.dir == 4<<9 || returns >= 2 {
				closed = true
				break
			}
			out = append(out, out[from])
			returns++
		}
	}
	c := out[from:]
	area2 := areaAndMark(c, seen)
	if closed && len(c) > 1 {
		p, q := c[len(c)-1], c[0]
		area2 += int(p.x)*int(q.y) - int(q.x)*int(p.y)
	}
	return out, area2, closed
}

// areaAndMark returns twice the signed area of contour c taken as an open
// path (traceContour closes it), and marks its pixels in seen, noting
// the words the marks lie in: one pass over the pixels, in a function of
// its own so that its few values stay in registers.
//
//go:noinline
func areaAndMark(c []pixel, seen *visited) int {
	bits, rowBits := seen.bits, seen.rowBits
	seen.marking = true
	area2 := 0
	px, py := int(c[0].x), int(c[0].y)
	i := uint(seenOrigin + py*rowBits + px)
	bits[i>>6] |= 1 << (i & 63)
	lo, hi := i, i
	for _, q := range c[1:] {
		qx, qy := int(q.x), int(q.y)
		area2 += px*qy - qx*py
		i := uint(seenOrigin + qy*rowBits + qx)
		bits[i>>6] |= 1 << (i & 63)
		lo, hi = min(lo, i), max(hi, i)
		px, py = qx, qy
	}
	seen.marked(int(lo>>6), int(hi>>6)+1)
	seen.marking = false
	return area2
}

// tracer is traceContour's position: the bit in the image copy of the top
// left of the current pixel's 3×3 block, the pixel (y<<32 + x), and the
// direction of the light neighbour last checked (as it indexes nextStep).
type tracer struct {
	words     []uint32
	stride    uint32
	bitStep   *[8]uint
	at, start uint
	xy, dir   uint
}

// How tracer.steps stops, when not for want of room.
const (
	stopRoom  = iota
	stopLone  // the pixel has no dark neighbour
	stopStart // the step came back to the start pixel
)

// steps takes steps until room is full or the contour comes back to its
// start, and stores the pixels it enters in room. It calls nothing, so
// that the loop's values stay in registers.
func (t *tracer) steps(room []pixel) (int, int) {
	words, bitStep := t.words, t.bitStep
	stride := uint(t.stride)
	at, start, xy, dir := t.at, t.start, t.xy, t.dir
	stop := stopRoom
	k := 0
	base := unsafe.Pointer(unsafe.SliceData(words))
	for ; k < len(room); k++ {
		// The block's rows: bits sh to sh+2 of words o and o+1 of
		// each, read as one 64-bit word a row (pairOf), which the
		// compiler does not test against the copy's length: the last
		// word read, o+1 of the row below, is tested here for all six.
		o, sh := at>>5, at&31
		_ = words[o+2*stride+1]
		row := unsafe.Add(base, o*4)
		up := uint(pairOf(row) >> sh)
		mid := uint(pairOf(unsafe.Add(row, stride*4)) >> sh)
		down := uint(pairOf(unsafe.Add(row, stride*8)) >> sh)
		// dir is a multiple of 512 below 4096: the mask changes nothing
		// but spares a bounds check.
		d := nextStep[(dir|up&7|(mid&7)<<3|(down&7)<<6)&uint(len(nextStep)-1)]
		if d == noStep {
			stop = stopLone
			break
		}
		d &= 7
		at += bitStep[d]
		xy += xyStep[d]
		dir = backStep[d]
		if at == start {
			stop = stopStart
			break
		}
		room[k] = pixel{int32(xy), int32(xy >> 32)}
	}
	t.at, t.xy, t.dir = at, xy, dir
	return k, stop
}

// pairOf returns the image copy's word at w and the word after it as one
// 64-bit word, the first in its low half: where the processor is little-
// endian, one load.
func pairOf(w unsafe.Pointer) uint64 {
	return uint64(*(*uint32)(w)) | uint64(*(*uint32)(unsafe.Add(w, 4)))<<32
}

// xyStep[d] moves traceContour's position, y<<32 + x, one step towards
// ring8[d]; backStep[d] is backDir[d] as it indexes nextStep.
var xyStep, backStep = func() (xy, back [8]uint) {
	for d, o := range ring8 {
		xy[d] = uint(o[1]<<32 + o[0])
		back[d] = uint(backDir[d]) << 9
	}
	return xy, back
}()

// rowSeeds appends to out the x of every dark pixel in a row (bit x of
// words is pixel x) that follows at least two light pixels (or the image's
// left edge): where the outer boundary of a dark region may be met.
func rowSeeds(words []uint32, width int, out []int) []int {
	var prev uint32 // the word before, all light at the left edge
	for i, w := range words {
		base := i * 32
		if base >= width {
			break
		}
		// Bit j of p1 (p2) is the pixel one (two) to the left of bit j.
		p1 := w<<1 | prev>>31
		p2 := w<<2 | prev>>30
		s := w &^ p1 &^ p2
		for s != 0 {
			j := bits.TrailingZeros32(s)
			s &= s - 1
			if base+j < width {
				out = append(out, base+j)
			}
		}
		prev = w
	}
	return out
}
