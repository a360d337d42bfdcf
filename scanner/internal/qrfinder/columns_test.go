package qrfinder

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// A finder whose light ring is closed right of its centre, as a smear
// along the rows closes it, dark modules past its separator there, is
// not found along the rows but is down the columns, its centre within a
// module of the square's, and its outline's corners within one of the
// ring's: not where the rays right of the centre leave those modules.
func TestFindColumnsFindsSmearedFinder(t *testing.T) {
	const m, x0, y0 = 4, 40, 40 // pixels a module; the square's top-left
	bm, err := gozxing.NewBitMatrix(120, 120)
	if err != nil {
		t.Fatal(err)
	}
	for my := range 7 {
		for mx := range 9 {
			ring := mx == 0 || my == 0 || mx == 6 || my == 6
			centre := mx >= 2 && mx <= 4 && my >= 2 && my <= 4
			closed := (mx == 5 || mx == 8) && my >= 2 && my <= 4 || mx == 7 && my == 3
			if ring && mx < 7 || centre || closed {
				bm.SetRegion(x0+mx*m, y0+my*m, m, m)
			}
		}
	}
	var s Scanner
	if fs := s.Find(bm, 2); len(fs) != 0 {
		t.Fatalf("Find found %+v: the rows show the pattern, so the test shows nothing", fs)
	}
	fs := s.FindColumns(bm, 2, nil)
	if len(fs) != 1 {
		t.Fatalf("FindColumns found %d finders (%+v), want 1", len(fs), fs)
	}
	f := fs[0]
	const cx, cy = x0 + 3.5*m, y0 + 3.5*m
	if math.Abs(f.X-cx) > m || math.Abs(f.Y-cy) > m || math.Abs(f.Module-m) > m/4 {
		t.Errorf("found %+v, want the centre (%v, %v) and a module of %d", f, float64(cx), float64(cy), m)
	}
	c, ok := Corners(bm, f)
	if !ok {
		t.Fatal("no corners")
	}
	for _, p := range c {
		near := false
		for _, q := range [4][2]float64{{x0, y0}, {x0 + 7*m, y0}, {x0 + 7*m, y0 + 7*m}, {x0, y0 + 7*m}} {
			near = near || math.Hypot(p[0]-q[0], p[1]-q[1]) <= m
		}
		if !near {
			t.Errorf("corner %v is no corner of the ring (corners %v)", p, c)
		}
	}
}
