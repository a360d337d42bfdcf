package robust_test

import (
	"errors"
	"image"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// Short linear symbols blurred by two thirds of a module are read: at the
// row's one black point their narrow bars and spaces merge into a few
// wide runs, too few changes for any symbol, and only the looks at the
// row again (at the mid-range and the local black points) part them. (The
// samples are ones that read only so.)
func TestRobustnessBlurredShortLinear(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	blur, _ := robust.AxisNamed("blur")
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
			cases := slices.DeleteFunc(robust.Cases(c.sym, blur, slices.Max(c.samples)+1, 1), func(k robust.Case) bool {
				return k.Level != 0.65 || !slices.Contains(c.samples, k.Index)
			})
			ok, n := robust.ReadCases(t, cases, func(s *robust.Symbol, img *image.Gray) error {
				if !robust.ReadScannerd(d, s, img) {
					return errors.New("not read")
				}
				return nil
			})
			if ok < n {
				t.Errorf("read %d of %d samples blurred by 0.65 modules", ok, n)
			}
		})
	}
}
