package scanner_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// TestSlantedLinear: a linear symbol four times as long as its bars are
// tall, turned 15° to 45° from an axis, reads, and its corners are where
// it was drawn. No row or column of the image crosses all its bars: it
// reads along lines across them (the regions resampled turned). The
// direction across the bars is measured alike at every angle: the EAN-13
// symbols at 45° and 135°, and a faint one at 40°, read none before it
// was measured from the region's edges (barAngle); the one in sensor
// noise has no region proposed round it (its ground's speckle is one busy
// cluster over the frame), and its frame is measured whole.
func TestSlantedLinear(t *testing.T) {
	for _, c := range []struct {
		sym         scanner.Symbology
		text        string
		angle       int
		dark, light uint8
		noise       int
	}{
		{scanner.Code128, "LOT-4711-B", 15, 40, 215, 0},
		{scanner.Code39, "BIN-0427", 300, 40, 215, 0},
		{scanner.EAN13, "4006381333931", 45, 40, 215, 0},
		{scanner.EAN13, "9780201379624", 135, 40, 215, 0},
		{scanner.EAN13, "5901234123457", 40, 128, 153, 0},
		{scanner.Code128, "LOT-4711-B", 225, 40, 215, 20},
	} {
		t.Run(c.sym.String()+"/"+strconv.Itoa(c.angle), func(t *testing.T) {
			s, err := symbols.Encode(c.sym, c.text)
			if err != nil {
				t.Fatal(err)
			}
			const side = 520
			canvas := symbols.NewCanvas(side, side, c.light)
			corners := canvas.Draw(s, symbols.Placement{CX: side / 2, CY: side / 2, Module: 3, Angle: float64(c.angle), Dark: c.dark, Light: c.light})
			canvas.Noise(rand.New(rand.NewPCG(uint64(c.angle), 1)), c.noise)
			res := scanner.DecodeFrame(canvas.Frame(scanner.NewPlanePool(0)),
				scanner.Options{TryHarder: true, TryInverted: true, TryRotated: true})
			if len(res) != 1 || res[0].Symbology != c.sym || res[0].Text != c.text {
				t.Fatalf("read %+v, want %v %q alone", res, c.sym, c.text)
			}
			// The ends of the bars read lie on the symbol's long sides,
			// within a module and a half of them.
			for _, p := range res[0].Points {
				if d := min(distToLine(p, corners[0], corners[1]), distToLine(p, corners[2], corners[3]),
					distToLine(p, corners[1], corners[2]), distToLine(p, corners[3], corners[0])); d > 3*1.5 {
					t.Errorf("corner %v is %.1f pixels off the symbol's outline %v", p, d, corners)
				}
			}
		})
	}
}

// distToLine returns the distance of p from the segment a–b.
func distToLine(p, a, b scanner.Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	t := max(0, min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/(dx*dx+dy*dy)))
	return math.Hypot(p.X-a.X-t*dx, p.Y-a.Y-t*dy)
}
