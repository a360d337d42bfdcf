package maxicode_test

import (
	"errors"
	"testing"

	"github.com/makiuchi-d/gozxing"

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
func TestReadsSmallSymbolsAtEveryRotation(t *testing.T) {
	rotation, _ := robust.AxisNamed("rotation")
	r := maxicode.NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	read, n := 0, 0
	for _, c := range robust.Cases(scanner.MaxiCode, rotation, 2, 1) {
		s, img, err := c.Image()
		if errors.Is(err, robust.ErrNoZint) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Decode(bmp, hints)
		if err != nil {
			t.Logf("%v degrees, sample %d: %v", c.Level, c.Index, err)
			continue
		}
		if !s.Matches(res.GetText()) {
			t.Errorf("%v degrees, sample %d: read %q", c.Level, c.Index, res.GetText())
			continue
		}
		read++
	}
	t.Logf("read %d of %d", read, n)
	if read < n-1 {
		t.Errorf("read %d of %d symbols at 24 rotations, want all but one at most", read, n)
	}
}
