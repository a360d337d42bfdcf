package robust_test

import (
	"errors"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// MaxiCode symbols of two pixels a module or less are read: their rings,
// a pixel and a half wide, merge in the frame's binarization and part in
// the doubled view's, which the MaxiCode reader searches too.
func TestReadsSmallMaxiCode(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	module, _ := robust.AxisNamed("module")
	d := scanner.NewDecoder()
	read, n := 0, 0
	for _, c := range robust.Cases(scanner.MaxiCode, module, 4, 1) {
		if c.Level > 2 {
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
		if robust.ReadScannerd(d, s, img) {
			read++
		} else {
			t.Logf("%v px a module, sample %d: not read", c.Level, c.Index)
		}
	}
	// 10 of the 12 read when this was written (2 before the doubled view).
	const floor = 9
	t.Logf("read %d of %d", read, n)
	if read < floor {
		t.Errorf("read %d of %d symbols of 1.5 to 2 pixels a module, below the floor of %d", read, n, floor)
	}
}
