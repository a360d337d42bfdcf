package scanner

import (
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// Bars for the dense row scans. A 1D symbol's bars are read along lines
// that cross them: the first pass reads along the rows, the quarter-turned
// pass along the columns. Where nothing lies across its lines, a pass's
// dense scan cannot read a symbol, so it reads only the lines through the
// cells where marks change more along them than across them.
//
// barLook sums, for each cell of cellSize×cellSize pixels of a view, how
// much the gray levels change along the rows and down the columns (over
// barSpan pixels side by side). A step of any contrast adds its height
// once for each line crossing it, and blur spreads a step but keeps its
// height: upright bars add nothing down the columns, turned ones nothing
// along the rows, and texture, print and noise about as much both ways.
type barLook struct {
	cw, ch      int
	along, down []int
	// rows and cols are the bands of cell rows and cell columns where
	// marks lie across the rows and across the columns.
	rows, cols []bool
	// The last barSpan rows of the view, and sums of them: scratch,
	// cleared after each look.
	ring         [barSpan][]byte
	sums, before []int
}

// barSpan is how many pixels along a line's crossing of a cell each
// change is summed over: a change across the rows is the difference of
// barSpan pixels of a row and those above them, one across the columns
// that of barSpan pixels of a column and those beside them. Summed so,
// a step along the bars adds barSpan times its height, sensor noise about
// the square root of twice that times its deviation: in noise of 58 gray
// levels (σ) upright bars of three pixels a module measure 1.8 to 2.1
// (TestLinearInHeavyNoise), against 1.5 to 1.7 with the pixels taken two
// by two. It blurs bars turned by θ from square to the lines by
// barSpan·tan θ pixels, one at 15°.
const barSpan = 4

// look measures the view src.
func (b *barLook) look(src gozxing.LuminanceSource) {
	w, h := src.GetWidth(), src.GetHeight()
	b.cw, b.ch = (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
	n := b.cw * b.ch
	b.along = slices.Grow(b.along[:0], n)[:n]
	b.down = slices.Grow(b.down[:0], n)[:n]
	clear(b.along)
	clear(b.down)
	for i := range b.ring {
		b.ring[i] = slices.Grow(b.ring[i][:0], w)[:w]
	}
	b.sums = slices.Grow(b.sums[:0], 2*w)[:2*w]
	clear(b.sums)
	// cols[x] sums pixel x of the last barSpan rows, rows[x] pixels x to
	// x+barSpan-1 of the last row; before, those of the row before it.
	cols, rows := b.sums[:w], b.sums[w:]
	before := b.before[:0]
	for y := 0; y < h; y++ {
		row := b.ring[y%barSpan]
		if y >= barSpan {
			for x, v := range row {
				cols[x] -= int(v)
			}
		}
		row, _ = src.GetRow(y, row)
		b.ring[y%barSpan] = row
		for x, v := range row[:w] {
			cols[x] += int(v)
		}
		before = append(before[:0], rows...)
		sum := 0
		for x := 0; x < w; x++ {
			sum += int(row[x])
			if x >= barSpan {
				sum -= int(row[x-barSpan])
			}
			if x >= barSpan-1 {
				rows[x-barSpan+1] = sum
			}
		}
		along, down := b.along[y/cellSize*b.cw:], b.down[y/cellSize*b.cw:]
		if y >= 1 {
			for x := 0; x+barSpan <= w; x++ {
				d := rows[x] - before[x]
				down[x/cellSize] += max(d, -d)
			}
		}
		if y >= barSpan-1 {
			for x := 0; x+1 < w; x++ {
				a := cols[x+1] - cols[x]
				along[x/cellSize] += max(a, -a)
			}
		}
	}
	b.before = before
	for i := range b.ring {
		clear(b.ring[i])
	}
	clear(b.sums)
	clear(b.before)
	b.rows = slices.Grow(b.rows[:0], b.ch)[:b.ch]
	b.cols = slices.Grow(b.cols[:0], b.cw)[:b.cw]
	clear(b.rows)
	clear(b.cols)
	for i := range b.along {
		a, d := b.along[i], b.down[i]
		if 16*a > barRatio*d {
			b.rows[i/b.cw] = true
		}
		if 16*d > barRatio*a {
			b.cols[i%b.cw] = true
		}
	}
}

// barRatio is the least ratio, in 1/16ths, of a cell's changes along a
// scan's lines to those across them for the dense scan to read the lines
// through it: 1.5, as for bars 33.7° from square to the lines (the ratio
// is the cotangent of that angle), where the row readers read none turned
// further than 30°; sensor noise alone, whatever its deviation, measures
// about 1.
const barRatio = 24

// inBands returns whether line y of n lines, the lines counted from the
// end when reversed, goes through a band of bands or one beside it.
func inBands(bands []bool, n int, reversed bool) func(y int) bool {
	return func(y int) bool {
		if reversed {
			y = n - 1 - y
		}
		b := y / cellSize
		for i := max(0, b-1); i <= min(len(bands)-1, b+1); i++ {
			if bands[i] {
				return true
			}
		}
		return false
	}
}

// bars returns d.view's bands, looked at once per view.
func (d *decoder) bars() *barLook {
	if !d.barsLooked {
		d.barLook.look(d.view)
		d.barsLooked = true
	}
	return &d.barLook
}
