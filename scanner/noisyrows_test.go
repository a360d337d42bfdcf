package scanner_test

import (
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// TestLinearInHeavyNoise: a linear symbol under sensor noise of about 58
// gray levels' deviation (a dim scene, the gain turned up) reads. Along one
// row the noise, doubled by the sharpening, splits bars and spaces into
// specks; the rows beside it, averaged along the bars, bring it down to a
// third, and the specks left join their neighbours.
func TestLinearInHeavyNoise(t *testing.T) {
	for _, c := range []struct {
		sym  scanner.Symbology
		text string
	}{
		{scanner.Code128, "LOT-4711-B"},
		{scanner.ITF, "12345670"},
		{scanner.Code93, "SHELF 12"},
		{scanner.Code39, "BIN-0427"},
	} {
		t.Run(c.sym.String(), func(t *testing.T) {
			canvas := symbols.NewCanvas(480, 300, 215)
			s, err := symbols.Encode(c.sym, c.text)
			if err != nil {
				t.Fatal(err)
			}
			canvas.Draw(s, symbols.Placement{CX: 240, CY: 150, Module: 3, Dark: 40, Light: 215})
			// Uniform noise of ±100 levels: a deviation of 58.
			canvas.Noise(rand.New(rand.NewPCG(5, 9)), 100)
			res := scanner.DecodeFrame(canvas.Frame(scanner.NewPlanePool(0)),
				scanner.Options{TryHarder: true, TryInverted: true})
			if len(res) != 1 || res[0].Symbology != c.sym || res[0].Text != c.text {
				t.Errorf("read %+v, want %v %q alone", res, c.sym, c.text)
			}
		})
	}
}
