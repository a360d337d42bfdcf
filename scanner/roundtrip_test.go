package scanner_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

// samples holds a valid text for every symbology the test encoders write:
// gozxing's writers and scannerd's own for Aztec and DataBar.
var samples = []struct {
	sym  scanner.Symbology
	text string
}{
	{scanner.QRCode, "https://example.com/ticket/4711?seat=12C"},
	{scanner.DataMatrix, "LOT 20261129-A 0042"},
	{scanner.EAN13, "5901234123457"},
	{scanner.EAN8, "96385074"},
	{scanner.UPCA, "036000291452"},
	{scanner.UPCE, "01234565"},
	{scanner.Code39, "SCANNERD-39"},
	{scanner.Code93, "CODE93 TEST"},
	{scanner.Code128, "Code128/scannerd"},
	{scanner.Codabar, "A40156B"},
	{scanner.ITF, "30712345000010"},
	{scanner.Aztec, "Aztec boarding pass 1234"},
	{scanner.DataBar, "0441234567890"},
}

// wantText is the text a reader reports for an encoded sample: Codabar
// start and stop characters are not part of the data.
func wantText(sym scanner.Symbology, text string) string {
	switch sym {
	case scanner.Codabar:
		return text[1 : len(text)-1]
	case scanner.DataBar: // the reader adds the GTIN's check digit
		return text + "9"
	}
	return text
}

func render(t testing.TB, sym scanner.Symbology, text string, angle, module float64, noise int) (*scanner.Frame, [4]scanner.Point) {
	t.Helper()
	s, err := symboltest.Encode(sym, text)
	if err != nil {
		t.Fatal(err)
	}
	c := symbols.NewCanvas(1280, 720, 235)
	corners := c.Draw(s, symbols.Placement{CX: 640, CY: 360, Module: module, Angle: angle, Dark: 30, Light: 235})
	c.Noise(rand.New(rand.NewPCG(1, uint64(angle))), noise)
	return c.Frame(scanner.NewPlanePool(0)), corners
}

// TestRoundTripEverySymbologyAndOrientationSweep reads every sample at
// every angle (under -race a sample of them: see internal/sweep).
func TestRoundTripEverySymbologyAndOrientationSweep(t *testing.T) {
	cases := sweep.New(t)
	for _, s := range samples {
		// Each quarter turn, and a slight tilt as from a hand-held label.
		// (Row scanning reads 1D codes tilted up to the angle at which one
		// row still crosses every bar; larger tilts are for the tilted
		// scan lines of a later engine.)
		for _, angle := range []float64{0, 90, 180, 270, 3} {
			if !cases.Next() {
				continue
			}
			t.Run(fmt.Sprintf("%v/%v", s.sym, angle), func(t *testing.T) {
				const module = 3
				f, corners := render(t, s.sym, s.text, angle, module, 8)
				defer f.Purge()
				opts := scanner.Options{TryRotated: true}
				res := scanner.DecodeFrame(f, opts)
				if len(res) != 1 {
					t.Fatalf("got %d results %v, want 1", len(res), res)
				}
				r := res[0]
				if r.Symbology != s.sym || r.Text != wantText(s.sym, s.text) {
					t.Fatalf("read %v %q, want %v %q", r.Symbology, r.Text, s.sym, wantText(s.sym, s.text))
				}
				checkCorners(t, s.sym, r.Points, corners, module)
			})
		}
	}
}

// checkCorners compares reported corners with the drawn ones. 2D codes must
// be within two modules. For 1D codes the reported box runs between the
// start and stop patterns over the rows that read, so only its centre and
// orientation are checked.
func checkCorners(t *testing.T, sym scanner.Symbology, got, want [4]scanner.Point, module float64) {
	t.Helper()
	dist := func(a, b scanner.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }
	if sym.Is2D() {
		for i := range got {
			if d := dist(got[i], want[i]); d > 2*module {
				t.Errorf("corner %d at (%.0f,%.0f), drawn at (%.0f,%.0f): %.1f px off", i, got[i].X, got[i].Y, want[i].X, want[i].Y, d)
			}
		}
		return
	}
	var gc, wc scanner.Point
	for i := range got {
		gc.X, gc.Y = gc.X+got[i].X/4, gc.Y+got[i].Y/4
		wc.X, wc.Y = wc.X+want[i].X/4, wc.Y+want[i].Y/4
	}
	width := dist(want[0], want[1])
	if d := dist(gc, wc); d > width/4 {
		t.Errorf("centre at (%.0f,%.0f), drawn at (%.0f,%.0f)", gc.X, gc.Y, wc.X, wc.Y)
	}
	// The first corner must lie on the same side as the drawn one: the
	// result says which way the code was read.
	if dist(got[0], want[0]) > dist(got[0], want[2]) {
		t.Errorf("corners run the wrong way: %v, drawn %v", got, want)
	}
}

// TestRowCodesOffCentre reads each 1D symbology drawn away from the middle
// of the frame, upright and upside down: one result each, where it was
// drawn. (A code in the middle reads at the same place whichever way its
// rows are taken, which would hide a result placed in the wrong row
// direction's coordinates.)
func TestRowCodesOffCentre(t *testing.T) {
	for _, s := range samples {
		if s.sym.Is2D() {
			continue
		}
		for _, angle := range []float64{0, 180} {
			t.Run(fmt.Sprintf("%v/%v", s.sym, angle), func(t *testing.T) {
				sym, err := symboltest.Encode(s.sym, s.text)
				if err != nil {
					t.Fatal(err)
				}
				const module = 2
				c := symbols.NewCanvas(1280, 720, 235)
				corners := c.Draw(sym, symbols.Placement{CX: 360, CY: 200, Module: module, Angle: angle, Dark: 30, Light: 235})
				f := c.Frame(scanner.NewPlanePool(0))
				defer f.Purge()
				res := scanner.DecodeFrame(f, scanner.Options{})
				if len(res) != 1 || res[0].Text != wantText(s.sym, s.text) {
					t.Fatalf("got %v, want one %v %q", res, s.sym, wantText(s.sym, s.text))
				}
				checkCorners(t, s.sym, res[0].Points, corners, module)
				// The rows that read it lie within the symbol's height.
				top, bottom := math.Min(corners[0].Y, corners[2].Y), math.Max(corners[0].Y, corners[2].Y)
				for _, p := range res[0].Points {
					if p.Y < top-2*module || p.Y > bottom+2*module {
						t.Errorf("corner %v outside the rows %.0f to %.0f the symbol covers", p, top, bottom)
					}
				}
			})
		}
	}
}

// TestUpscaledPassCorners reads a symbol in the double-size pass alone and
// checks that its corners come back in frame coordinates.
func TestUpscaledPassCorners(t *testing.T) {
	for _, sym := range []scanner.Symbology{scanner.DataMatrix, scanner.QRCode} {
		t.Run(sym.String(), func(t *testing.T) {
			s, err := symboltest.Encode(sym, "LOT 20261129-A 0042")
			if err != nil {
				t.Fatal(err)
			}
			const module = 2
			c := symbols.NewCanvas(400, 300, 220)
			corners := c.Draw(s, symbols.Placement{CX: 150, CY: 170, Module: module, Angle: 20, Dark: 40, Light: 220})
			f := c.Frame(scanner.NewPlanePool(0))
			defer f.Purge()
			res := scanner.DecodeUpscaled(f, scanner.NewSymbologySet(sym))
			if len(res) != 1 || res[0].Strategy != "upscaled" {
				t.Fatalf("got %v, want one result of the upscaled pass", res)
			}
			checkCorners(t, sym, res[0].Points, corners, module)
		})
	}
}
