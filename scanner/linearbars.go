package scanner

import (
	"image"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// A 1D symbol read along a pass's rows is painted out of its binarized
// image only over the rows that read it (eraseQuad); its bars go on above
// and below them. The MicroPDF417 search, which looks everywhere for the
// left edges of rows, finds candidates among those bars (a RAP is three
// bars and three spaces), and lines across them read as rows of codewords
// often enough to cost it most of its lines on the development set's
// EAN/UPC and Code 128 images. No other symbol is printed on a symbol's
// bars: barsOf follows them, in the binarized image, to where they end,
// and the MicroPDF417 reader leaves out what they cover (hint.Erase).

// Following the bars from one row of pixels to the next: a row of the
// bars has barsEdges colour changes or more across the symbol (every 1D
// symbology has more than ten bars), and differs from the row before it
// in at most a barsDiffer share of its changes, the row shifted by up to
// a pixel either way for the bars' lean. The quiet zone above or below
// the bars, text, or the rows of another symbol (which change every few
// modules) end them.
const (
	barsEdges  = 20
	barsDiffer = 0.25
)

// An EAN-2 add-on has seven bars, fourteen changes across it: its bars
// are followed from addOnEdges up.
const addOnEdges = 12

// barsOf returns the rectangle of m the bars of the 1D symbol read on
// rows y0 to y1 (included), from x0 to x1, cover: those rows, and the
// rows above and below them whose bars run on from them (see barsEdges;
// minEdges changes or more across), at most as many again as the
// symbol is long each way.
func barsOf(m *gozxing.BitMatrix, x0, x1 float64, y0, y1, minEdges int, row *gozxing.BitArray, spans *[3][]uint32) (image.Rectangle, *gozxing.BitArray) {
	w, h := m.GetWidth(), m.GetHeight()
	from, to := max(1, int(x0)), min(w-1, int(x1)+1)
	y0, y1 = max(0, y0), min(h-1, y1)
	if to-from < minEdges || y0 > y1 {
		return image.Rectangle{}, row
	}
	n := to - from
	words := (n + 31) / 32
	for i := range spans {
		if cap(spans[i]) < words {
			spans[i] = make([]uint32, words)
		}
		spans[i] = spans[i][:words]
	}
	reach := n
	top, bottom := y0, y1
	for _, dir := range [...]int{-1, 1} {
		y := y0
		if dir > 0 {
			y = y1
		}
		// spans[0] holds the last row of the bars, at [from, to).
		row = m.GetRow(y, row)
		copyBits(spans[0], row.GetBitArray(), from, n)
		for k := 1; k <= reach; k++ {
			next := y + dir*k
			if next < 0 || next >= h {
				break
			}
			row = m.GetRow(next, row)
			copyBits(spans[1], row.GetBitArray(), from, n)
			edges := changes(spans[1], n)
			if edges < minEdges {
				break
			}
			best := n
			for shift := -1; shift <= 1; shift++ {
				copyBits(spans[2], row.GetBitArray(), from+shift, n)
				best = min(best, differ(spans[0], spans[2]))
			}
			if float64(best) > barsDiffer*float64(edges) {
				break
			}
			if dir < 0 {
				top = next
			} else {
				bottom = next
			}
			spans[0], spans[1] = spans[1], spans[0]
		}
	}
	for i := range spans {
		clear(spans[i]) // image data, as the frame is
	}
	row.Clear()
	return image.Rect(from, top, to, bottom+1), row
}

// changes returns the colour changes between neighbouring bits of the n
// bits of span.
func changes(span []uint32, n int) int {
	c := 0
	for i, v := range span {
		next := uint32(0)
		if i+1 < len(span) {
			next = span[i+1] & 1
		}
		d := v ^ (v>>1 | next<<31)
		if i == len(span)-1 {
			// Only the changes between bits below n.
			d &= 1<<uint((n-1)%32) - 1
		}
		c += bits.OnesCount32(d)
	}
	return c
}

// differ returns how many bits a and b differ in.
func differ(a, b []uint32) int {
	d := 0
	for i := range a {
		d += bits.OnesCount32(a[i] ^ b[i])
	}
	return d
}

// addOnSpan returns where along the rows the bars of the EAN-2 or EAN-5
// add-on (add-on digits long) of the EAN/UPC symbol read from x0 to x1
// lie: after its right guard, in its own orientation (before x0 where
// it was read right to left), 7 to 12 modules from it (ISO/IEC 15420),
// 20 or 47 modules wide; false for other symbologies.
func addOnSpan(sym Symbology, x0, x1 float64, reversed bool, digits int) (float64, float64, bool) {
	modules, ok := eanModules[sym]
	if !ok || x1 <= x0 {
		return 0, 0, false
	}
	module := (x1 - x0) / modules
	width := 47.0
	if digits == 2 {
		width = 20
	}
	// A module of slack either way for the module's measure.
	near, far := 6*module, (13+width)*module
	if reversed {
		return x0 - far, x0 - near, true
	}
	return x1 + near, x1 + far, true
}
