package scanner_test

import (
	"testing"

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
