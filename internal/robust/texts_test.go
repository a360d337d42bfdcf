package robust_test

import (
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// The suite's 2D symbols include each symbology's smallest size (Data
// Matrix 10×10, Aztec compact 15×15, Micro QR M1, 11×11), which hold only
// a few characters: a detector test that small symbols fail (few modules
// along a finder, one data region) shows in the curves.
func TestSuiteHasSmallestSizes(t *testing.T) {
	zint.Need(t)
	for _, c := range []struct {
		sym      scanner.Symbology
		smallest float64 // modules a side
	}{{scanner.DataMatrix, 10}, {scanner.Aztec, 15}, {scanner.MicroQR, 11}} {
		rng := rand.New(rand.NewPCG(1, 1))
		n := 0
		for range 200 {
			s, err := robust.NewSymbol(c.sym, rng)
			if err != nil {
				t.Fatal(err)
			}
			w, h := s.Raster.Modules()
			if min(w, h) < min(c.smallest, 8) {
				t.Fatalf("%v: a symbol of %v×%v modules, smaller than any size", c.sym, w, h)
			}
			if w == c.smallest && h == c.smallest {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%v: no %v×%v symbol among 200 of the suite's", c.sym, c.smallest, c.smallest)
		}
		t.Logf("%v: %d of 200 symbols %v×%v", c.sym, n, c.smallest, c.smallest)
	}
}

// The suite's EAN-13 symbols are EAN-13's own: none begins with 0, which
// would make it a UPC-A symbol that every reader reports as UPC-A, and
// the sample a miss for all of them.
func TestSuiteEAN13IsNotUPCA(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		s, err := robust.NewSymbol(scanner.EAN13, rng)
		if err != nil {
			t.Fatal(err)
		}
		if w := s.Want[0]; len(w) != 13 || w[0] == '0' {
			t.Fatalf("EAN-13 text %q", w)
		}
	}
}
