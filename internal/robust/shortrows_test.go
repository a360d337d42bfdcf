package robust_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// Short linear symbols blurred by two thirds of a module are read: at the
// row's one black point their narrow bars and spaces merge into a few
// wide runs, too few changes for any symbol, and only the looks at the
// row again (at the mid-range and the local black points) part them. (The
// samples are ones that read only so.)
func TestRobustnessBlurredShortLinear(t *testing.T) {
	d := scanner.NewDecoder()
	for _, c := range []struct {
		sym     scanner.Symbology
		samples []int
	}{
		{scanner.EAN8, []int{0, 2}},
		{scanner.UPCE, []int{2, 3}},
		{scanner.ITF, []int{1}},
	} {
		t.Run(c.sym.String(), func(t *testing.T) {
			ok, n := readSuite(t, d, c.sym, "blur", slices.Max(c.samples)+1, samplesAt(0.65, c.samples))
			if ok < n {
				t.Errorf("read %d of %d samples blurred by 0.65 modules", ok, n)
			}
		})
	}
}
