package microqr_test

import (
	"errors"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/microqr"
)

// Micro QR symbols (drawn by zint) seen from 45 to 60 degrees off square
// are read: the far corner, which nothing near the finder shows, is found
// by tracing the symbol's far edges against the quiet zone.
func TestReadsSteeplyTiltedSymbols(t *testing.T) {
	tilt, _ := robust.AxisNamed("tilt")
	r := microqr.NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	read, n := 0, 0
	for _, c := range robust.Cases(scanner.MicroQR, tilt, 4, 1) {
		if c.Level < 45 {
			continue
		}
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
	if read < n/2 {
		t.Errorf("read %d of %d symbols tilted 45 to 60 degrees", read, n)
	}
}
