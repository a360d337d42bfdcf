package datamatrix

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// The corners of a solid shape and of a box, all dark or all light between
// their sides, are finder candidates that the detector leaves before it
// measures their bars; a symbol's corner is measured, and the symbol read.
func TestUniformCornersAreNotMeasured(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	shapes := []struct {
		name   string
		x0, y0 int
		side   int
		wall   int // 0 for a solid square
	}{
		{"solid", 20, 30, 60, 0},
		{"box", 120, 30, 70, 4},
	}
	for _, s := range shapes {
		m, _ := gozxing.NewBitMatrix(240, 140)
		for y := s.y0; y < s.y0+s.side; y++ {
			for x := s.x0; x < s.x0+s.side; x++ {
				in := x - s.x0
				up := y - s.y0
				if s.wall == 0 || in < s.wall || up < s.wall || in >= s.side-s.wall || up >= s.side-s.wall {
					m.Set(x, y)
				}
			}
		}
		// The shape's outer boundary, traced from its left side.
		d.img.load(m, nil)
		d.seen.reset(&d.img)
		d.measured = 0
		var closed bool
		d.contour, _, closed = traceContour(&d.img, &d.seen, s.x0, s.y0+s.side/2, 1<<16, d.contour[:0])
		if !closed {
			t.Fatalf("%s: boundary not closed", s.name)
		}
		if dec := d.tryContour(clutterParams); dec != nil {
			t.Fatalf("%s: read %q", s.name, dec.result.GetText())
		}
		if len(d.corners) == 0 {
			t.Fatalf("%s: no finder candidates", s.name)
		}
		if d.measured != 0 {
			t.Errorf("%s: %d of %d finder candidates measured, want none", s.name, d.measured, len(d.corners))
		}
	}
	if got := readClutter(d, clutterMatrix(t, 0, 0, true, 4)); len(got) != 1 || got[0] != clutterText {
		t.Fatalf("symbol: read %q, want %q", got, clutterText)
	}
	if d.measured == 0 {
		t.Error("symbol: no finder candidate measured")
	}
}
