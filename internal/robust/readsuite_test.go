package robust_test

import (
	"errors"
	"image"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// readSuite reads with d, as scanctl decode --try-harder does, the first n
// samples of sym at each level of the named axis that keep accepts, and
// returns how many it read of how many. Under -race it skips t: make test
// runs the robustness suite without.
func readSuite(t *testing.T, d *scanner.Decoder, sym scanner.Symbology, axis string, n int, keep func(robust.Case) bool) (read, total int) {
	t.Helper()
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	a, ok := robust.AxisNamed(axis)
	if !ok {
		t.Fatalf("no axis %q", axis)
	}
	cases := slices.DeleteFunc(robust.Cases(sym, a, n, 1), func(c robust.Case) bool { return !keep(c) })
	if len(cases) == 0 {
		t.Fatalf("no sample of %v along %s kept", sym, axis)
	}
	return robust.ReadCases(t, cases, func(s *robust.Symbol, img *image.Gray) error {
		if !robust.ReadScannerd(d, s, img) {
			return errors.New("not read")
		}
		return nil
	})
}

// samplesAt keeps the samples of those indexes at one level.
func samplesAt(level float64, indexes []int) func(robust.Case) bool {
	return func(c robust.Case) bool { return c.Level == level && slices.Contains(indexes, c.Index) }
}
