package readback_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/maxicode"
)

// MaxiCode symbols drawn by zint at three pixels a module (the
// robustness suite's plain scene, rings two and a half pixels wide) are
// read at every rotation of the circle, 30 degrees among them. At that
// size the binarizer's threshold widens or narrows every ring by a pixel
// and one diagonal through the rings can close up; the finder allows for
// both, and the ellipse fit, not the run counts, rejects what is not
// round.
func TestMaxiCodeReadsSmallSymbolsAtEveryRotation(t *testing.T) {
	rotation, _ := robust.AxisNamed("rotation")
	cases := robust.Cases(scanner.MaxiCode, rotation, 2, 1)
	read, n := robust.ReadCases(t, cases, robust.RawReader(maxicode.NewReader()))
	if read < n-1 {
		t.Errorf("read %d of %d symbols at 24 rotations, want all but one at most", read, n)
	}
}
