package readback_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/microqr"
)

// Micro QR symbols (drawn by zint) seen from 45 to 60 degrees off square
// are read: the far corner, which nothing near the finder shows, is found
// by tracing the symbol's far edges against the quiet zone.
func TestMicroQRReadsSteeplyTiltedSymbols(t *testing.T) {
	tilt, _ := robust.AxisNamed("tilt")
	cases := slices.DeleteFunc(robust.Cases(scanner.MicroQR, tilt, 4, 1), func(c robust.Case) bool { return c.Level < 45 })
	read, n := robust.ReadCases(t, cases, robust.RawReader(microqr.NewReader()))
	if read < n/2 {
		t.Errorf("read %d of %d symbols tilted 45 to 60 degrees", read, n)
	}
}
