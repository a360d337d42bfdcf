package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// TestGS1DataStartsWithItsFirstAI: GS1 data reads alike from every 2D
// symbology: the element strings with a group separator after each
// variable-length field, and the symbology identifier saying it is GS1;
// the FNC1 in first position that marks it is not part of the text.
func TestGS1DataStartsWithItsFirstAI(t *testing.T) {
	zint.Need(t)
	const want = "010952123454321310AB1\x1d21X"
	for _, c := range []struct {
		sym  scanner.Symbology
		code string
		id   string
	}{
		{scanner.DataMatrix, "DATAMATRIX", "]d2"},
		{scanner.Aztec, "AZTEC", "]z1"},
		{scanner.QRCode, "QRCODE", "]Q3"},
		{scanner.Code128, "GS1_128", "]C1"},
	} {
		r := zint.Image(t, "-b", c.code, "--gs1", "-d", "[01]09521234543213[10]AB1[21]X")
		img, _ := r.Render(zint.Scene{Module: 4})
		f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
		res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(c.sym)})
		f.Purge()
		if len(res) != 1 || res[0].Text != want || res[0].SymbologyID != c.id {
			t.Errorf("%v: got %+v; want %q with identifier %s", c.sym, res, want, c.id)
		}
	}
}
