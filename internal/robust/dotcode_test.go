package robust_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// DotCode symbols under sensor noise of σ 16 and 24 are read: the dots'
// binarization takes a pixel for ink only where it lies further below its
// window's mean than the noise reaches, where at 12 levels fixed the
// noise's specks round the symbol joined its dots' cluster. (The samples
// are ones that read only so.)
func TestRobustnessNoisyDotCode(t *testing.T) {
	ok, n := readSuite(t, scanner.NewDecoder(), scanner.DotCode, "noise", 2, func(c robust.Case) bool {
		return c.Level == 16 || c.Level == 24
	})
	if ok < n {
		t.Errorf("read %d of %d samples under noise of σ 16 and 24", ok, n)
	}
}

// DotCode symbols of 1.75 and 1.5 pixels a module are read: in the dark image
// their neighbouring dots touch at corners, and only found edgewise do
// they come apart. (The samples are ones that read only so.)
func TestRobustnessSmallDotCode(t *testing.T) {
	small, smaller := samplesAt(1.75, []int{0, 2, 4, 5}), samplesAt(1.5, []int{2, 4})
	ok, n := readSuite(t, scanner.NewDecoder(), scanner.DotCode, "module", 6, func(c robust.Case) bool {
		return small(c) || smaller(c)
	})
	if ok < n {
		t.Errorf("read %d of %d samples of 1.75 and 1.5 pixels a module", ok, n)
	}
}
