package robust_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// Linear symbols smeared along their rows over a module and a half are
// read: their narrow bars and spaces, between wider ones, swing round the
// level halfway between ink and paper without reaching either, above the
// black point of the row's histogram, and read at the mid-range one
// (DataBar Expanded's lines too, by its own reader). (The samples are ones
// that read only so.)
func TestRobustnessMotionBlurredLinear(t *testing.T) {
	d := scanner.NewDecoder()
	for _, c := range []struct {
		sym     scanner.Symbology
		samples []int
	}{
		{scanner.Code39, []int{0, 2}},
		{scanner.DataBarExpanded, []int{1, 6}},
	} {
		t.Run(c.sym.String(), func(t *testing.T) {
			ok, n := readSuite(t, d, c.sym, "motion", slices.Max(c.samples)+1, samplesAt(1.5, c.samples))
			if ok < n {
				t.Errorf("read %d of %d samples blurred over 1.5 modules", ok, n)
			}
		})
	}
}
