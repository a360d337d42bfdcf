package scanner_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// TestShadowAcrossLinear: a linear symbol half in a shadow, the shadow's
// edge crossing its bars, reads. Along a row its paper in the shadow is
// darker than its ink in the light, so no one black point for the row
// separates bars from spaces at both ends: the row is read again with a
// black point of its own for each stretch of it. The symbol is tilted, as
// a hand-held label is, and a second symbol lies in full light below it
// (the price code under a book's ISBN): both read, and nothing else.
func TestShadowAcrossLinear(t *testing.T) {
	for _, c := range []struct {
		name  string
		sym   scanner.Symbology
		text  string
		angle float64
		// The shadow covers what lies left of x (right of it when
		// right is set), keeping share of the light.
		x     float64
		right bool
		share float64
	}{
		{"EAN-13, left third in shadow", scanner.EAN13, "9784872348880", 8, 250, false, 0.3},
		{"EAN-13, right half in shadow", scanner.EAN13, "5901234123457", -6, 320, true, 0.25},
		{"Code 128, left half in shadow", scanner.Code128, "LOT-4711-B", 5, 320, false, 0.3},
	} {
		t.Run(c.name, func(t *testing.T) {
			canvas := symbols.NewCanvas(640, 400, 225)
			s, err := symbols.Encode(c.sym, c.text)
			if err != nil {
				t.Fatal(err)
			}
			canvas.Draw(s, symbols.Placement{CX: 320, CY: 130, Module: 3, Angle: c.angle, Dark: 25, Light: 225})
			below, err := symbols.Encode(scanner.EAN13, "1920081045006")
			if err != nil {
				t.Fatal(err)
			}
			canvas.Draw(below, symbols.Placement{CX: 320, CY: 310, Module: 2.5, Dark: 25, Light: 225})
			// The shadow spares the lower symbol: its edge runs across
			// the upper one, softened over a few pixels.
			for y := 0; y < 220; y++ {
				for x := range canvas.Width {
					d := float64(x) - c.x
					if c.right {
						d = -d
					}
					lit := 1 / (1 + math.Exp(-d/12)) // 0 deep in the shadow
					v := float64(canvas.Pix[y*canvas.Width+x])
					canvas.Pix[y*canvas.Width+x] = uint8(math.Round(v * (c.share + (1-c.share)*lit)))
				}
			}
			canvas.Noise(rand.New(rand.NewPCG(7, 11)), 3)
			res := scanner.DecodeFrame(canvas.Frame(scanner.NewPlanePool(0)),
				scanner.Options{Symbologies: scanner.DefaultSymbologies(), TryHarder: true, TryInverted: true})
			want := map[string]bool{c.text: false, "1920081045006": false}
			for _, r := range res {
				if _, ok := want[r.Text]; !ok {
					t.Errorf("read %v %q, not drawn", r.Symbology, r.Text)
					continue
				}
				want[r.Text] = true
			}
			for text, read := range want {
				if !read {
					t.Errorf("%q not read", text)
				}
			}
		})
	}
}
