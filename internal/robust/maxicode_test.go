package robust_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// MaxiCode symbols of two pixels a module or less are read: their rings,
// a pixel and a half wide, merge in the frame's binarization and part in
// the doubled view's, which the MaxiCode reader searches too.
func TestRobustnessSmallMaxiCode(t *testing.T) {
	read, n := readSuite(t, scanner.NewDecoder(), scanner.MaxiCode, "module", 4, func(c robust.Case) bool { return c.Level <= 2 })
	// 10 of the 12 read when this was written (2 before the doubled view).
	const floor = 9
	if read < floor {
		t.Errorf("read %d of %d symbols of 1.5 to 2 pixels a module, below the floor of %d", read, n, floor)
	}
}
