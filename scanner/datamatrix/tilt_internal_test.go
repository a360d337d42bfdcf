package datamatrix

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// tiltedMatrix draws the symbol s, module pixels a module where the axis
// crosses it, with its plane turned deg degrees about its horizontal
// axis, the top towards a camera as far away as three times its larger
// side (the bottom edge, the finder's bar, looks narrower than the top
// one and its rows thinner): a pixel is dark where the symbol is under
// its centre.
func tiltedMatrix(s *gozxing.BitMatrix, deg, module float64) *gozxing.BitMatrix {
	cols, rows := float64(s.GetWidth()), float64(s.GetHeight())
	w, h := int(cols*module)+40, int(rows*module)+40
	sin, cos := math.Sincos(deg * math.Pi / 180)
	dist := 3 * max(cols, rows) * module
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			px, py := float64(x)+0.5-float64(w)/2, float64(y)+0.5-float64(h)/2
			// The plane point (X, Y) that the camera, focal length dist,
			// sees at (px, py); Y grows down the symbol.
			den := cos - py*sin/dist
			if den <= 0 {
				continue
			}
			Y := py / den
			X := px * (1 + Y*sin/dist)
			u, v := X/module+cols/2, Y/module+rows/2
			if u >= 0 && v >= 0 && u < cols && v < rows && s.Get(int(u), int(v)) {
				m.Set(x, y)
			}
		}
	}
	return m
}

// Seen at 50° to 60° of tilt, the top nearer than the finder's bottom
// bar, the right side runs well away from the direction of the left bar:
// the line a module out from the side drawn parallel to that bar crosses
// into the symbol's modules, and the quiet zone is looked for along the
// line towards the far corner instead. The symbols are read (none of them
// was with the parallel line alone).
func TestSteepTiltIsRead(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	for _, c := range []struct {
		text        string
		deg, module float64
	}{
		{"scannerd 0123456789 ABC", 55, 3},
		{"scannerd 0123456789 ABC", 60, 2.5},
		{"Data Matrix", 58, 4},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 50, 3},
	} {
		m := tiltedMatrix(encodeBare(t, c.text), c.deg, c.module)
		if got := readClutter(d, m); len(got) != 1 || got[0] != c.text {
			t.Errorf("%q at %v°: read %q", c.text, c.deg, got)
		}
	}
}
