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

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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

// Reader finds DX film edge barcodes in a binarized image. Its zero value
// is ready; it keeps scratch space and serves one goroutine.
type Reader struct {
	row     *gozxing.BitArray
	lengths []int
	bits    []bool
}

// clock is a clock track found on a row.
type clock struct {
	y        int
	x0, x1   float64 // its ends in pixels
	n        int     // modules
	reversed bool    // read right to left (the symbol turned half round)
}

// Read returns every DX film edge barcode found along the image's rows.
func (r *Reader) Read(m *gozxing.BitMatrix) []Symbol {
	w, h := m.GetWidth(), m.GetHeight()
	if r.row == nil || r.row.GetSize() != w {
		r.row = gozxing.NewBitArray(w)
	}
	var out []Symbol
	for y := 0; y < h; y += 2 {
		r.lengths = bitrow.Lengths(m.GetRow(y, r.row), w, r.lengths)
		for _, c := range findClocks(r.lengths, y) {
			if seen(out, c) {
				continue
			}
			if s, ok := r.readData(m, c); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// seen reports whether a clock lies inside a symbol already read.
func seen(have []Symbol, c clock) bool {
	mid := (c.x0 + c.x1) / 2
	for _, s := range have {
		minX, maxX := math.Min(s.Corners[0][0], s.Corners[2][0]), math.Max(s.Corners[0][0], s.Corners[2][0])
		minY, maxY := math.Min(s.Corners[0][1], s.Corners[2][1]), math.Max(s.Corners[0][1], s.Corners[2][1])
		if mid >= minX && mid <= maxX && float64(c.y) >= minY-2 && float64(c.y) <= maxY+2 {
			return true
		}
	}
	return false
}

// findClocks finds clock tracks in a row's runs (light first, as
// bitrow.Lengths gives them): 5, then 1-module runs, then 3, in either
// direction, with quiet zones of two modules on both sides.
func findClocks(l []int, y int) []clock {
	var out []clock
	x := 0
	for i := 0; i < len(l); i++ {
		if i%2 == 1 { // a dark run
			for _, n := range [2]int{shortLength, longLength} {
				runs := n - 6 // 5 and 3 modules, the rest one each
				if i+runs > len(l)-1 {
					continue
				}
				if c, ok := matchClock(l[i-1:i+runs+1], n); ok {
					c.y = y
					c.x0 = float64(x)
					c.x1 = float64(x)
					for _, v := range l[i : i+runs] {
						c.x1 += float64(v)
					}
					out = append(out, c)
				}
			}
		}
		x += l[i]
	}
	return out
}

// matchClock checks runs: a quiet zone, the clock's runs dark first, a
// quiet zone.
func matchClock(win []int, n int) (clock, bool) {
	quietBefore, runs, quietAfter := win[0], win[1:len(win)-1], win[len(win)-1]
	total := 0
	for _, v := range runs {
		total += v
	}
	u := float64(total) / float64(n)
	if u < 1 {
		return clock{}, false
	}
	fits := func(v int, want float64) bool { return math.Abs(float64(v)-want*u) <= 0.5*u+0.5 }
	var c clock
	first, last := runs[0], runs[len(runs)-1]
	switch {
	case fits(first, 5) && fits(last, 3):
	case fits(first, 3) && fits(last, 5):
		c.reversed = true
	default:
		return clock{}, false
	}
	for _, v := range runs[1 : len(runs)-1] {
		if !fits(v, 1) {
			return clock{}, false
		}
	}
	if float64(quietBefore) < 2*u || float64(quietAfter) < 2*u {
		return clock{}, false
	}
	c.n = n
	return c, true
}

// readData looks for the data track beside a clock track, on either side,
// sampling each row there at the clock's module centres; two rows must
// read alike.
func (r *Reader) readData(m *gozxing.BitMatrix, c clock) (Symbol, bool) {
	u := (c.x1 - c.x0) / float64(c.n)
	for _, dir := range [2]float64{1, -1} {
		var first string
		var firstY float64
		for d := 1.5 * u; d <= 7*u; d++ {
			y := float64(c.y) + dir*d
			if y < 0 || int(y) >= m.GetHeight() {
				break
			}
			text, ok := r.decodeRow(m, c, u, int(y))
			if !ok {
				continue
			}
			if first == "" {
				first, firstY = text, y
				continue
			}
			if text != first {
				continue
			}
			// The rows run downwards, so the first to cross the clock
			// track crosses its top; each track is about three modules.
			top, bottom := float64(c.y)-0.5*u, firstY+3*u
			if dir < 0 {
				top, bottom = firstY-3*u, float64(c.y)+3*u
			}
			corners := [4][2]float64{{c.x0, top}, {c.x1, top}, {c.x1, bottom}, {c.x0, bottom}}
			if c.reversed {
				corners = [4][2]float64{{c.x1, bottom}, {c.x0, bottom}, {c.x0, top}, {c.x1, top}}
			}
			return Symbol{Text: first, Corners: corners}, true
		}
	}
	return Symbol{}, false
}

// decodeRow samples a data track row at the clock's module centres and
// decodes it.
func (r *Reader) decodeRow(m *gozxing.BitMatrix, c clock, u float64, y int) (string, bool) {
	r.bits = r.bits[:0]
	for i := 0; i < c.n; i++ {
		k := i
		if c.reversed {
			k = c.n - 1 - i
		}
		x := int(c.x0 + (float64(k)+0.5)*u)
		r.bits = append(r.bits, m.Get(x, y))
	}
	// Light on both sides.
	for _, x := range [2]float64{c.x0 - u, c.x1 + u} {
		if x >= 0 && int(x) < m.GetWidth() && m.Get(int(x), y) {
			return "", false
		}
	}
	return Decode(r.bits)
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
