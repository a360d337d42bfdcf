// Package dxfilmedge reads the DX film edge barcode that 35 mm film carries
// beside its perforations (Kodak's DX system; the layout is that of US
// patent 4,965,628 and of the readers and printers that follow it): two
// tracks of equal length, a clock track of a five-module bar, one-module
// bars and spaces and a three-module bar, and beside it a data track of a
// start pattern, the DX number in two parts (7 and 4 bits), optionally the
// frame number (6 bits and a half-frame flag), an even parity bit and a
// stop pattern. The clock track is 23 modules long without a frame number
// and 31 with one.
//
// The text is "DX1-DX2", or "DX1-DX2/FRAME" with "A" after a half frame,
// as zxing-cpp reports it: "115-10/11A".
package dxfilmedge

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Track lengths in modules: without and with the frame number.
const (
	shortLength = 23
	longLength  = 31
)

// Symbol is a DX film edge barcode read from an image.
type Symbol struct {
	Text string
	// Corners are the top-left, top-right, bottom-right and bottom-left
	// of the two tracks, as the reading direction has them.
	Corners [4][2]float64
}

// Gray is the gray image a binarized one was made from: the reader finds
// clock tracks on the binarized rows and reads the data track on the gray
// levels. At is the gray level of pixel (x, y), 255 outside the image.
type Gray interface {
	At(x, y int) uint8
}

// Reader finds DX film edge barcodes in a binarized image and its gray
// one. Its zero value is ready; it keeps scratch space (image data until
// Wipe) and serves one goroutine.
type Reader struct {
	rows    bitrow.Rows
	lengths []int
	// lengthsHeld is the most run lengths written in lengths since the
	// last Wipe: a noisy line's, say, before the last line's few.
	lengthsHeld int
	bits        []bool
	gray        grayView
	cols        bitrow.Columns
	used        bool // cols, since the last Wipe
	from        int  // the first symbol read along the lines being read
}

// clock is a clock track found on a row (or a column: a row of the
// mirrored image).
type clock struct {
	y        int
	x0, x1   float64 // its ends in pixels
	n        int     // modules
	reversed bool    // read right to left (the symbol turned half round)
	// centres are the x of each module's centre on row y, left to right:
	// a line fitted to the centres of the one-module runs, which blur and
	// the binarizer's threshold widen or narrow alike on both sides.
	centres [longLength]float64
}

// module returns the x of the centre of module i in reading order.
func (c *clock) module(i int) float64 {
	if c.reversed {
		return c.centres[c.n-1-i]
	}
	return c.centres[i]
}

// Read returns every DX film edge barcode found along the image's rows,
// and with hint.QuarterTurns along its columns too (symbols turned a
// quarter), those hints share (hint.Columns) when they are of m; g is the
// gray image m was binarized from.
func (r *Reader) Read(m *gozxing.BitMatrix, g Gray, hints map[gozxing.DecodeHintType]interface{}) []Symbol {
	w, h := m.GetWidth(), m.GetHeight()
	r.rows.Of(m, hints)
	defer r.rows.Done() // a row of the image
	r.gray = grayView{src: g}
	defer func() { r.gray = grayView{} }()
	var out []Symbol
	r.from = 0
	for y := 0; y < h; y += 2 {
		var l []int
		l, r.lengths = r.rows.Lengths(y, r.lengths)
		r.lengthsHeld = max(r.lengthsHeld, len(r.lengths)) // as it was where the rows are shared
		out = r.readLengths(l, y, out)
	}
	if !hint.Set(hints, hint.QuarterTurns) {
		return out
	}
	// The columns are the rows of the image mirrored about its diagonal:
	// a symbol there reads as one mirrored does, which the reader takes
	// as it takes one turned half round (the clock's five- and
	// three-module bars give the reading direction, and the data track is
	// looked for on both sides). Its corners, mirrored back, run the
	// other way round.
	r.gray.mirrored = true
	r.used = true
	r.from = len(out)
	cols := r.cols.OfShared(m, hints)
	for x := 0; x < w; x += 2 {
		out = r.readLine(cols[x], h, x, out)
	}
	for i := r.from; i < len(out); i++ {
		c := out[i].Corners
		for k, p := range c {
			out[i].Corners[3-k] = [2]float64{p[1], p[0]}
		}
	}
	return out
}

// readLine reads the symbols whose clock tracks cross line y (a row, or a
// column of the mirrored image), adding them to out.
func (r *Reader) readLine(line []uint32, width, y int, out []Symbol) []Symbol {
	if !hasRuns(line, width, minRuns) {
		return out // too few runs for a clock: not worth measuring
	}
	r.lengths = bitrow.Lengths(line, width, r.lengths)
	r.lengthsHeld = max(r.lengthsHeld, len(r.lengths))
	return r.readLengths(r.lengths, y, out)
}

// readLengths is readLine of the line whose run lengths (bitrow.Lengths)
// are l, which it only reads.
func (r *Reader) readLengths(l []int, y int, out []Symbol) []Symbol {
	for _, c := range r.findClocks(l, y) {
		if r.seen(out, c) {
			continue
		}
		if s, ok := r.readData(c); ok {
			out = append(out, s)
		}
	}
	return out
}

// Wipe zeroes what the reader keeps of the image: its columns, the run
// lengths of the lines it measured and the modules of the data track it
// sampled last.
func (r *Reader) Wipe() {
	if r.used {
		r.cols.Wipe()
		r.used = false
	}
	// Past lengthsHeld, lengths was cleared by the Wipes before; lengths
	// is cut to none, so that a Read of shared rows, which writes none in
	// it, counts none held. bits is a track's modules, 31 at most.
	clear(scrub.UpTo(r.lengths, r.lengthsHeld))
	r.lengths, r.lengthsHeld = r.lengths[:0], 0
	clear(r.bits[:cap(r.bits)])
}

// seen reports whether a clock lies inside a symbol already read along
// the same lines (rows, or columns).
func (r *Reader) seen(have []Symbol, c clock) bool {
	mid := (c.x0 + c.x1) / 2
	for _, s := range have[r.from:] {
		minX, maxX := math.Min(s.Corners[0][0], s.Corners[2][0]), math.Max(s.Corners[0][0], s.Corners[2][0])
		minY, maxY := math.Min(s.Corners[0][1], s.Corners[2][1]), math.Max(s.Corners[0][1], s.Corners[2][1])
		if mid >= minX && mid <= maxX && float64(c.y) >= minY-2 && float64(c.y) <= maxY+2 {
			return true
		}
	}
	return false
}

// minRuns is the fewest runs a line holds a clock on: the clock and its
// quiet zones span shortLength-4 runs at least.
const minRuns = shortLength - 4

// hasRuns reports whether the first width pixels of line hold n runs or
// more, as bitrow.Lengths counts them (a light one first, of no pixels
// where the line starts dark): a run more than the places where a pixel
// differs from the one before, the first pixel counting where dark. It
// stops counting at n.
func hasRuns(line []uint32, width, n int) bool {
	full := min(width/32, len(line))
	changes, need := 0, n-1
	// Two words at a time, as one of 64 pixels.
	var carry uint64
	k := 0
	for ; k+1 < full; k += 2 {
		w := uint64(line[k]) | uint64(line[k+1])<<32
		if changes += bits.OnesCount64(w ^ (w<<1 | carry)); changes >= need {
			return true
		}
		carry = w >> 63
	}
	c := uint32(carry)
	if k < full {
		w := line[k]
		changes += bits.OnesCount32(w ^ (w<<1 | c))
		c = w >> 31
	}
	if rest := width - 32*full; rest > 0 && full < len(line) {
		w := line[full]
		changes += bits.OnesCount32((w ^ (w<<1 | c)) & (1<<rest - 1))
	}
	return changes >= need
}

// findClocks finds clock tracks in a row's runs (light first, as
// bitrow.Lengths gives them): 5, then 1-module runs, then 3, in either
// direction, with quiet zones of two modules (at least 2·total/n pixels)
// on both sides.
func (r *Reader) findClocks(l []int, y int) []clock {
	if len(l) < minRuns {
		return nil
	}
	var out []clock
	for i := 1; i < len(l)-(shortLength-6); { // the dark runs
		// A bar at either end of the clock, of 5 modules or 3, is at
		// least 2.3u-0.5 pixels long (u a module's pixels, at least 1:
		// matchClock's bounds), so 2 or more, its quiet zone 2u or more,
		// and every one-module run after it at most 1.7u+0.5: 23 of one
		// at most 17 of the bar and 20 (21 here, a margin for rounding
		// in matchClock's floating point). The first bar is tested so
		// whatever the clock's length, against the shortLength-8
		// one-module runs of the shorter clock (the first of the
		// longer one's), which most runs of text and texture fail at
		// once, then the last.
		b := l[i]
		if b < 2 || l[i-1] < 2 {
			i += 2
			continue
		}
		j, most := i+1, 17*b+21
		for inner := l[:i+shortLength-7]; j < len(inner) && 23*inner[j] <= most; j++ {
		}
		if j < i+shortLength-7 {
			// Run j is too long for a clock starting at run i, and so
			// for one starting at any dark run between them: each is at
			// most 17/23 of b and 21/23 long, shorter than run j, and
			// run j one of its one-module runs, which 23 of at most 17
			// of a shorter run and 21 are not (17 of v-1 and 21 is less
			// than 23 of v for any length v of 1 or more). The next
			// clock starts at run j or after it.
			i = j | 1
			continue
		}
		total, from := 0, i // the pixels of runs i to from
		// Both lengths, the short one first, counted (a range over the
		// pair copied it at every run).
		for n := shortLength; n <= longLength; n += longLength - shortLength {
			end := i + n - 6 // 5 and 3 modules, the rest one each
			if end > len(l)-1 {
				break
			}
			if q := l[end-3 : end+1]; q[2] < 2 || q[3] < 2 || 17*q[2]+21 < 23*max(q[0], q[1]) {
				continue
			}
			for _, v := range l[from:end] {
				total += v
			}
			from = end
			// The quiet zones.
			if 2*total > n*l[i-1] || 2*total > n*l[end] {
				continue
			}
			if reversed, ok := matchClock(l[i:end], total, n); ok {
				c := clock{y: y, n: n, reversed: reversed}
				// The pixels before run i, summed only here: most
				// dark runs start no clock.
				at := 0
				for _, v := range l[:i] {
					at += v
				}
				if c.fit(l[i:end], at) {
					out = append(out, c)
				}
			}
		}
		i += 2
	}
	return out
}

// fit places the clock's modules from its runs, the first starting at x:
// on the least-squares line through the centres of its one-module runs
// (module k's centre at a + u·(k+½), left to right). Where a binarized
// edge falls puts each run's centre up to a pixel off, a third of a module
// or more at two to three pixels a module; the line through all of them
// is much closer.
func (c *clock) fit(runs []int, x int) bool {
	first := 5 // modules of the leftmost bar
	if c.reversed {
		first = 3
	}
	var n, sk, sx, skk, skx float64
	at := float64(x + runs[0])
	for j, v := range runs[1 : len(runs)-1] {
		k := float64(first + j)
		mid := at + float64(v)/2
		n++
		sk += k
		sx += mid
		skk += k * k
		skx += k * mid
		at += float64(v)
	}
	u := (n*skx - sk*sx) / (n*skk - sk*sk)
	total := at + float64(runs[len(runs)-1]) - float64(x)
	if u < 1 || math.Abs(u*float64(c.n)-total) > 0.15*total {
		return false
	}
	a := (sx-u*sk)/n - u/2 // the left edge
	for k := 0; k < c.n; k++ {
		c.centres[k] = a + (float64(k)+0.5)*u
	}
	c.x0, c.x1 = a, a+float64(c.n)*u
	return true
}

// matchClock checks a clock's runs, dark first, total pixels long, whose
// quiet zones findClocks checked, and tells which way it reads: reversed
// when its three-module bar comes first.
func matchClock(runs []int, total, n int) (reversed, ok bool) {
	u := float64(total) / float64(n)
	if u < 1 {
		return false, false
	}
	fits := func(v int, want float64) bool { return math.Abs(float64(v)-want*u) <= 0.7*u+0.5 }
	first, last := runs[0], runs[len(runs)-1]
	switch {
	case fits(first, 5) && fits(last, 3):
	case fits(first, 3) && fits(last, 5):
		reversed = true
	default:
		return false, false
	}
	for _, v := range runs[1 : len(runs)-1] {
		if !fits(v, 1) {
			return false, false
		}
	}
	return reversed, true
}

// Decode reads the modules of a data track (true for a bar), left to
// right, and returns its text.
func Decode(bits []bool) (string, bool) {
	n := len(bits)
	if n != shortLength && n != longLength {
		return "", false
	}
	is := func(from int, pattern string) bool {
		for i, p := range pattern {
			if bits[from+i] != (p == '1') {
				return false
			}
		}
		return true
	}
	// Start 10101 and the space after it; the space between the two DX
	// parts; stop 0101.
	if !is(0, "101010") || bits[13] || !is(n-4, "0101") {
		return "", false
	}
	if n == longLength && bits[25] { // the space before the parity bit
		return "", false
	}
	parity := false
	for _, b := range bits[6 : n-5] {
		parity = parity != b
	}
	if parity != bits[n-5] {
		return "", false
	}
	num := func(from, k int) int {
		v := 0
		for _, b := range bits[from : from+k] {
			v <<= 1
			if b {
				v |= 1
			}
		}
		return v
	}
	dx1, dx2 := num(6, 7), num(14, 4)
	if dx1 == 0 {
		return "", false
	}
	text := fmt.Sprintf("%d-%d", dx1, dx2)
	if n == longLength {
		text += fmt.Sprintf("/%d", num(18, 6))
		if bits[24] {
			text += "A"
		}
	}
	return text, true
}
