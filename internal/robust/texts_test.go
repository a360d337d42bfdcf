package robust_test

import (
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// The suite's Data Matrix symbols include the smallest size, 10×10, which
// holds only a few characters: a detector test that small symbols fail
// (few modules along the finder bars, one data region) shows in the
// curves.
func TestDataMatrixSuiteHasSmallestSize(t *testing.T) {
	zint.Need(t)
	rng := rand.New(rand.NewPCG(1, 1))
	n := 0
	for range 200 {
		s, err := robust.NewSymbol(scanner.DataMatrix, rng)
		if err != nil {
			t.Fatal(err)
		}
		w, h := s.Raster.Modules()
		if w < 10 || h < 8 {
			t.Fatalf("a symbol of %v×%v modules, smaller than any Data Matrix size", w, h)
		}
		if w == 10 && h == 10 {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no 10×10 symbol among 200 of the suite's Data Matrix symbols")
	}
	t.Logf("%d of 200 symbols 10×10", n)
}
