package scanner_test

import (
	"image"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// microPDFCases are MicroPDF417 symbols of each column count, with text,
// byte and numeric compaction.
var microPDFCases = []zintCase{
	{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--cols=1", "-d", "LOT 42A"}, text: "LOT 42A", anyAngle: true},
	{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--cols=2", "-d", "Expires 2027-03-31"}, text: "Expires 2027-03-31", anyAngle: true},
	{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--cols=3", "-d", "0123456789012345678901234567890123"}, text: "0123456789012345678901234567890123", anyAngle: true},
	{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--cols=4", "-d", "MicroPDF417: ISO/IEC 24728, four columns"}, text: "MicroPDF417: ISO/IEC 24728, four columns", anyAngle: true},
}

// TestZintMicroPDF417 reads MicroPDF417 symbols from zint's drawings at
// several sizes, quarter turns with tilts, and blurs.
func TestZintMicroPDF417(t *testing.T) {
	roundTrip(t, microPDFCases)
}

// TestMicroPDF417AtExactQuarterTurns reads MicroPDF417 symbols turned
// exactly a quarter and three quarters, as a portrait scan gives them:
// with modules of an even number of pixels every edge lies between the
// same two rows of a pixel pair, where counting the changes of every
// other pair of rows saw no bars at all.
func TestMicroPDF417AtExactQuarterTurns(t *testing.T) {
	for _, c := range microPDFCases[:2] {
		r := zint.Image(t, c.args...)
		for _, module := range []float64{3, 4} {
			for _, angle := range []float64{90, 270} {
				ok, got := readZint(t, r, c, zintScene{module: module, angle: angle}, 1)
				if !ok {
					t.Errorf("%q at %v px a module turned %v°: read %s", c.text, module, angle, got)
				}
			}
		}
	}
}

// TestMicroPDF417AboveEAN13: a MicroPDF417 symbol printed just above the
// bars of an EAN-13 symbol, or of its EAN-5 add-on (two modules of light
// between them), reads beside it: the MicroPDF417 search leaves out the
// bars of the 1D symbols read and of their add-ons, followed from the
// rows that read them to where they end (barsOf), and they end at that
// gap.
func TestMicroPDF417AboveEAN13(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const text = "LOT 42A EXP 2027"
	mpdf := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", text).Gray
	for _, tc := range []struct {
		data, addOn string
		right       bool // the MicroPDF417 symbol over the right end
	}{{"331234567890", "", false}, {"331234567890+52595", "52595", true}} {
		ean := zint.Image(t, "-b", "EANX", "-d", tc.data).Gray
		// Both at two pixels a module: the MicroPDF417 symbol over the
		// middle of the EAN-13 symbol, or over its add-on, four pixels
		// above it.
		const gap = 4
		w := max(mpdf.Rect.Dx(), ean.Rect.Dx())
		h := mpdf.Rect.Dy() + gap + ean.Rect.Dy()
		both := image.NewGray(image.Rect(0, 0, w, h))
		for i := range both.Pix {
			both.Pix[i] = 255
		}
		left := (w - mpdf.Rect.Dx()) / 2
		if tc.right {
			left = w - mpdf.Rect.Dx()
		}
		for y := 0; y < mpdf.Rect.Dy(); y++ {
			copy(both.Pix[y*both.Stride+left:], mpdf.Pix[y*mpdf.Stride:y*mpdf.Stride+mpdf.Rect.Dx()])
		}
		for y := 0; y < ean.Rect.Dy(); y++ {
			copy(both.Pix[(mpdf.Rect.Dy()+gap+y)*both.Stride:], ean.Pix[y*ean.Stride:y*ean.Stride+ean.Rect.Dx()])
		}
		r := &zint.Raster{Gray: both}
		for _, sc := range []zint.Scene{{Module: 3}, {Module: 2.5, Angle: 2, Blur: 0.5, Noise: 4}, {Module: 3, Angle: 178}} {
			img, _ := r.Render(sc)
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.MicroPDF417, scanner.EAN13), TryHarder: true, TryRotated: true})
			f.Purge()
			got := map[scanner.Symbology]string{}
			for _, r := range res {
				got[r.Symbology] = r.Text + "+" + r.AddOn
			}
			if got[scanner.MicroPDF417] != text+"+" || got[scanner.EAN13] != "3312345678903+"+tc.addOn {
				t.Errorf("%s, %+v: read %v, want the MicroPDF417 and the EAN-13 symbol", tc.data, sc, got)
			}
		}
	}
}
