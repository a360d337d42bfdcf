package aztec

import (
	"math/bits"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The bull's-eye search reads rows and columns of pixels round each
// candidate, thousands of them an image, most of them down columns. A
// column read pixel by pixel takes a word of the image per pixel; read
// from the image turned, the runs come a word of 32 pixels at a time, as
// along a row. The image is turned a block of 32×32 pixels at a time as
// the lines down it are read, so that an image pays only for the parts
// the search looks at, and the blocks are kept in a few slots, which
// serve the crossings near each other (of the rows of one bull's-eye, of
// one stretch of texture) and bound the memory they take.

// column returns the words of column x (pixel (x, y) is bit y%32 of word
// y/32) from the row y0 to y1; the others are left as they were.
func (b *bitImage) column(x, y0, y1 int) []uint32 {
	bx := x >> 5
	for by := y0 >> 5; by <= y1>>5; by++ {
		s := uint(bx*37+by) % blockSlots // a column's blocks in consecutive slots
		if id := int32(by*b.rowSize + bx + 1); b.tags[s] != id {
			b.transposeBlock(bx, by, &b.blocks[s])
			b.tags[s] = id
		}
		b.col[by] = b.blocks[s][x&31]
	}
	return b.col
}

// transposeBlock turns block (bx, by) of the rows into columns: out[j] is
// column 32bx+j's, its bit i the pixel of row 32by+i.
func (b *bitImage) transposeBlock(bx, by int, out *[32]uint32) {
	var blk [16]uint64 // rows (then columns) 2i and 2i+1 in word i
	var any uint64
	for i := range blk {
		var lo, hi uint32
		if y := by<<5 + 2*i; y < b.h {
			lo = b.words[y*b.rowSize+bx]
			if y+1 < b.h {
				hi = b.words[(y+1)*b.rowSize+bx]
			}
		}
		blk[i] = uint64(lo) | uint64(hi)<<32
		any |= blk[i]
	}
	if any != 0 {
		bitrow.Transpose32(&blk)
	}
	for j := range out {
		out[j] = uint32(blk[j>>1] >> (32 * (j & 1)))
	}
}

// axisRuns returns the runs of whole pixels along the row (alongRow) or
// the column through pixel (x, y), from reach pixels before it to reach
// after, starting light (a first run of 0 when the first pixel is dark),
// and where each starts, relative to (x, y). Everything outside the image
// is light: only the part of the line inside it is read, a word of 32
// pixels at a time.
func (d *detector) axisRuns(x, y int, alongRow bool, reach int) (runs, starts []int) {
	b := &d.img
	runs, starts = d.colRuns[:0], d.colStarts[:0]
	runStart := -reach
	// The line's words, the pixels a…b of them inside the image, and
	// the pixel (x, y) is at off.
	var line []uint32
	var a, e, off int
	switch {
	case alongRow && y >= 0 && y < b.h:
		line, off = b.words[y*b.rowSize:(y+1)*b.rowSize], x
		a, e = max(x-reach, 0), min(x+reach, b.w-1)
	case !alongRow && x >= 0 && x < b.w:
		off = y
		a, e = max(y-reach, 0), min(y+reach, b.h-1)
		if a <= e {
			line = b.column(x, a, e)
		}
	}
	// Room for the most runs there can be, a change of colour at every
	// pixel from a to e and two more: an array the appends outgrew would
	// be dropped with a line's runs in it, which nothing clears.
	n := max(e-a, 0) + 3
	runs, starts = scrub.Grow(runs, n), scrub.Grow(starts, n)
	if a <= e && line != nil {
		// Bit j of t is set where pixel j differs from the one before,
		// light before a; past e the line leaves the image (or ends).
		var carry uint32
		for wi := a >> 5; wi <= e>>5; wi++ {
			v, base := line[wi], wi<<5
			if base < a {
				v &^= 1<<(a-base) - 1
			}
			t := v ^ (v<<1 | carry)
			carry = v >> 31
			if base+31 > e {
				t &= 1<<(e-base+1) - 1
			}
			for t != 0 {
				p := base + bits.TrailingZeros32(t) - off
				t &= t - 1
				runs, starts = append(runs, p-runStart), append(starts, runStart)
				runStart = p
			}
		}
		if hi := e - off; line[e>>5]>>(e&31)&1 != 0 && hi < reach { // light again past the image's edge
			runs, starts = append(runs, hi+1-runStart), append(starts, runStart)
			runStart = hi + 1
		}
	}
	runs, starts = append(runs, reach+1-runStart), append(starts, runStart)
	d.colRuns, d.colStarts = runs, starts
	d.colHeld = max(d.colHeld, len(runs))
	return runs, starts
}
