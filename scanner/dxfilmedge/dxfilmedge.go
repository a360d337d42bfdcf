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
	// centres are the x of each module's centre, left to right, from the
	// clock's own edges: every module of its middle is a run of its own.
	centres [longLength]float64
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
					c.x1 = c.x0
					// The first and last runs hold several modules each,
					// spread evenly; the others one.
					k := 0
					for j, v := range l[i : i+runs] {
						mods := 1
						if j == 0 || j == runs-1 {
							mods = 5
							if (j == 0) == c.reversed {
								mods = 3
							}
						}
						for m := 0; m < mods; m++ {
							c.centres[k] = c.x1 + (float64(m)+0.5)*float64(v)/float64(mods)
							k++
						}
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
	fits := func(v int, want float64) bool { return math.Abs(float64(v)-want*u) <= 0.7*u+0.5 }
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

// readData looks for the data track beside a clock track, on either side.
// The clock track's end bars give its centre line and height, so the data
// track is read along a line parallel to it, a track's height away,
// whatever the tilt; two such lines a third of a track apart must read
// alike.
func (r *Reader) readData(m *gozxing.BitMatrix, c clock) (Symbol, bool) {
	u := (c.x1 - c.x0) / float64(c.n)
	// Measure the clock's bars where the data track beside them is light
	// (modules 1 and n-2, either way round), so the two tracks' bars do
	// not run together.
	xl, xr := c.centres[1], c.centres[c.n-2]
	tl, bl, okL := barExtent(m, xl, c.y)
	tr, br, okR := barExtent(m, xr, c.y)
	if !okL || !okR {
		return Symbol{}, false
	}
	height := ((bl - tl) + (br - tr)) / 2
	if height < u {
		return Symbol{}, false
	}
	centre := func(x float64) float64 { // the clock track's centre line
		return (tl+bl)/2 + ((tr+br)/2-(tl+bl)/2)*(x-xl)/(xr-xl)
	}
	for _, dir := range [2]float64{1, -1} {
		var texts [3]string
		for i, off := range [3]float64{0.75, 1, 1.25} {
			line := func(x float64) int { return int(centre(x) + dir*off*height) }
			texts[i], _ = r.decodeLine(m, c, u, line)
		}
		text := ""
		switch {
		case texts[0] != "" && (texts[0] == texts[1] || texts[0] == texts[2]):
			text = texts[0]
		case texts[1] != "" && texts[1] == texts[2]:
			text = texts[1]
		}
		if text == "" {
			continue
		}
		// Corners from the clock track's outer edge to the data track's.
		outer := func(x float64) float64 { return centre(x) - dir*height/2 }
		far := func(x float64) float64 { return centre(x) + dir*1.5*height }
		a, b := [2]float64{c.x0, outer(c.x0)}, [2]float64{c.x1, outer(c.x1)}
		cc, d := [2]float64{c.x1, far(c.x1)}, [2]float64{c.x0, far(c.x0)}
		corners := [4][2]float64{a, b, cc, d} // data below the clock
		if dir < 0 {
			corners = [4][2]float64{d, cc, b, a}
		}
		if c.reversed {
			corners = [4][2]float64{corners[2], corners[3], corners[0], corners[1]}
		}
		return Symbol{Text: text, Corners: corners}, true
	}
	return Symbol{}, false
}

// barExtent walks up and down from a dark pixel of a bar to its ends.
func barExtent(m *gozxing.BitMatrix, x float64, y int) (top, bottom float64, ok bool) {
	ix := int(x)
	if ix < 0 || ix >= m.GetWidth() || !m.Get(ix, y) {
		return 0, 0, false
	}
	t, b := y, y
	for t > 0 && m.Get(ix, t-1) {
		t--
	}
	for b < m.GetHeight()-1 && m.Get(ix, b+1) {
		b++
	}
	return float64(t), float64(b + 1), true
}

// decodeLine samples a data track along a line (its row at each x) at the
// clock's module centres and decodes it, checking the samples against the
// runs along the line.
func (r *Reader) decodeLine(m *gozxing.BitMatrix, c clock, u float64, line func(x float64) int) (string, bool) {
	get := func(x int) bool {
		y := line(float64(x))
		return x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y)
	}
	r.bits = r.bits[:0]
	for i := 0; i < c.n; i++ {
		k := i
		if c.reversed {
			k = c.n - 1 - i
		}
		r.bits = append(r.bits, get(int(c.centres[k])))
	}
	// Light on both sides.
	if get(int(c.x0-u)) || get(int(c.x1+u)) {
		return "", false
	}
	text, ok := Decode(r.bits)
	if !ok || !r.runsAgree(get, c, u) {
		return "", false
	}
	return text, true
}

// runsAgree checks the sampled modules against the runs along the line:
// each run must be about as many modules long as the samples have of its
// colour there, so a bar that blur thinned away or a space it closed does
// not pass as data.
func (r *Reader) runsAgree(get func(x int) bool, c clock, u float64) bool {
	x0, x1 := int(c.x0-0.5*u), int(c.x1+0.5*u)
	k := 0 // modules matched so far, left to right
	at := func(i int) bool {
		if c.reversed {
			return r.bits[c.n-1-i]
		}
		return r.bits[i]
	}
	for x := x0; x < x1; {
		d := get(x)
		start := x
		for x < x1 && get(x) == d {
			x++
		}
		if !d && (start == x0 || x == x1) {
			continue // the quiet zones
		}
		// As many modules of this colour as the samples have here, give
		// or take most of a module for blur.
		mods := 0
		for k+mods < c.n && at(k+mods) == d {
			mods++
		}
		if mods == 0 || math.Abs(float64(x-start)/u-float64(mods)) > 0.8 {
			return false
		}
		k += mods
	}
	return k == c.n
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
