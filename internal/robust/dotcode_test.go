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
