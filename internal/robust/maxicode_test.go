package robust_test

import (
	"errors"
	"image"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// MaxiCode symbols of two pixels a module or less are read: their rings,
// a pixel and a half wide, merge in the frame's binarization and part in
// the doubled view's, which the MaxiCode reader searches too.
func TestRobustnessSmallMaxiCode(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	module, _ := robust.AxisNamed("module")
	d := scanner.NewDecoder()
	cases := slices.DeleteFunc(robust.Cases(scanner.MaxiCode, module, 4, 1), func(c robust.Case) bool { return c.Level > 2 })
	read, n := robust.ReadCases(t, cases, func(s *robust.Symbol, img *image.Gray) error {
		if !robust.ReadScannerd(d, s, img) {
			return errors.New("not read")
		}
		return nil
	})
	// 10 of the 12 read when this was written (2 before the doubled view).
	const floor = 9
	if read < floor {
		t.Errorf("read %d of %d symbols of 1.5 to 2 pixels a module, below the floor of %d", read, n, floor)
	}
}
