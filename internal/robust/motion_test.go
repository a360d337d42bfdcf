package robust_test

import (
	"errors"
	"image"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// Linear symbols smeared along their rows over a module and a half are
// read: their narrow bars and spaces, between wider ones, swing round the
// level halfway between ink and paper without reaching either, above the
// black point of the row's histogram, and read at the mid-range one
// (DataBar Expanded's lines too, by its own reader). (The samples are ones
// that read only so.)
func TestRobustnessMotionBlurredLinear(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	motion, _ := robust.AxisNamed("motion")
	d := scanner.NewDecoder()
	for _, c := range []struct {
		sym     scanner.Symbology
		samples []int
	}{
		{scanner.Code39, []int{0, 2}},
		{scanner.DataBarExpanded, []int{1, 6}},
	} {
		t.Run(c.sym.String(), func(t *testing.T) {
			cases := slices.DeleteFunc(robust.Cases(c.sym, motion, slices.Max(c.samples)+1, 1), func(k robust.Case) bool {
				return k.Level != 1.5 || !slices.Contains(c.samples, k.Index)
			})
			ok, n := robust.ReadCases(t, cases, func(s *robust.Symbol, img *image.Gray) error {
				if !robust.ReadScannerd(d, s, img) {
					return errors.New("not read")
				}
				return nil
			})
			if ok < n {
				t.Errorf("read %d of %d samples blurred over 1.5 modules", ok, n)
			}
		})
	}
}
