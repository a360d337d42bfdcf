package scanner_test

import (
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
