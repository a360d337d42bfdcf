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
	// Scratch, cleared after each look: the last barSpan rows of the view
	// and a buffer for the next; each column's sum over those rows; each
	// run of barSpan pixels' sum in the last row.
	ring    [barSpan][]byte
	next    []byte
	colSums []int32
	runSums []int32
	// The same in 16-bit lanes, and each cell's lanes of changes over a
	// band of rows, along and down (sumsWide).
	cols16, runs16, acc16 []uint16
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

// look measures the view src. It reads each row once and makes one pass
// over it for the changes down the columns, one for those along the row,
// summing a cell's share of a line before adding it to the cell.
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
	b.next = slices.Grow(b.next[:0], w)[:w]
	b.colSums = slices.Grow(b.colSums[:0], w)[:w]
	b.runSums = slices.Grow(b.runSums[:0], w)[:w]
	cols, runs := b.colSums, b.runSums
	clear(cols)
	// runs counts the runs of barSpan pixels in a row.
	nruns := max(0, w-barSpan+1)
	wide := b.sumsWide(src, w, h)
	for y := 0; y < h && !wide; y++ {
		// cols[x] sums pixel x of rows y-barSpan+1 to y (of those there
		// are, above row barSpan-1).
		old := b.ring[y%barSpan]
		row, _ := src.GetRow(y, b.next)
		row = row[:w]
		if y >= barSpan {
			for x, v := range row {
				cols[x] += int32(v) - int32(old[x])
			}
		} else {
			for x, v := range row {
				cols[x] += int32(v)
			}
		}
		b.ring[y%barSpan], b.next = row, old
		along, down := b.along[y/cellSize*b.cw:][:b.cw], b.down[y/cellSize*b.cw:][:b.cw]
		if y >= barSpan-1 {
			// Changes along the row: between the column sums of
			// neighbouring pixels.
			for c := range along {
				x0, x1 := c*cellSize, min(c*cellSize+cellSize, w-1)
				sum := int32(0)
				for x := x0; x < x1; x++ {
					a := cols[x+1] - cols[x]
					sum += max(a, -a)
				}
				along[c] += int(sum)
			}
		}
		if nruns == 0 {
			continue
		}
		// Changes down the columns: between each run's sum in this row
		// and in the row above.
		run := int32(0)
		for _, v := range row[:barSpan] {
			run += int32(v)
		}
		for c := range down {
			x0, x1 := c*cellSize, min(c*cellSize+cellSize, nruns)
			sum := int32(0)
			for x := x0; x < x1; x++ {
				d := run - runs[x]
				sum += max(d, -d)
				runs[x] = run
				if x+barSpan < w {
					run += int32(row[x+barSpan]) - int32(row[x])
				}
			}
			if y >= 1 {
				down[c] += int(sum)
			}
		}
	}
	for i := range b.ring {
		clear(b.ring[i])
	}
	clear(b.next)
	clear(cols)
	clear(runs)
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

// forget zeroes what the looks found, a coarse picture of the view: each
// cell's changes and the bands of bars.
func (b *barLook) forget() {
	clear(b.along[:cap(b.along)])
	clear(b.down[:cap(b.down)])
	clear(b.rows[:cap(b.rows)])
	clear(b.cols[:cap(b.cols)])
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
