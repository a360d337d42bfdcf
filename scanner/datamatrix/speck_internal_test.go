package datamatrix

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// speckedMatrix draws the symbol s, module pixels a module, turned deg
// degrees about its centre, with one dark pixel out in the quiet zone
// above it: along from its top left corner and out above its top edge
// (the timing pattern's), in pixels.
func speckedMatrix(s *gozxing.BitMatrix, deg, module float64, along, out int) *gozxing.BitMatrix {
	cols, rows := float64(s.GetWidth()), float64(s.GetHeight())
	w, h := int(cols*module)+60, int(rows*module)+60
	sin, cos := math.Sincos(deg * math.Pi / 180)
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			dx, dy := float64(x)+0.5-float64(w)/2, float64(y)+0.5-float64(h)/2
			u, v := (dx*cos+dy*sin)/module+cols/2, (-dx*sin+dy*cos)/module+rows/2
			if u >= 0 && v >= 0 && u < cols && v < rows && s.Get(int(u), int(v)) {
				m.Set(x, y)
			}
		}
	}
	dx, dy := float64(along)-cols/2*module, -float64(out)-rows/2*module
	m.Set(int(dx*cos-dy*sin+float64(w)/2), int(dx*sin+dy*cos+float64(h)/2))
	return m
}

// A speck of noise (one pixel) a module or two out from the top timing
// pattern: as the outermost hit of its stretch the trace fitted the edge
// out to it (none of these symbols was read). Lying more than a module
// out, it now counts only with hits about as far out beside it, which it
// has not.
func TestSpeckBesideTimingIsRead(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	const text = "scannerd 0123456789 ABC"
	s := encodeBare(t, text)
	for _, c := range []struct {
		deg, module float64
		along, out  int
	}{
		{0, 3, 10, 6},
		{10, 3, 4, 8},
		{0, 4, 12, 7},
		{10, 4, 13, 5},
	} {
		if got := readClutter(d, speckedMatrix(s, c.deg, c.module, c.along, c.out)); len(got) != 1 || got[0] != text {
			t.Errorf("%v° %v px a module, speck %d along, %d out: read %q", c.deg, c.module, c.along, c.out, got)
		}
	}
}
