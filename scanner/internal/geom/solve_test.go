package geom

import (
	"math"
	"testing"
)

func TestSolve(t *testing.T) {
	// 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3: x = 2, y = 3, z = −1.
	m := [][3]float64{{2, 1, -1}, {-3, -1, 2}, {-2, 1, 2}}
	b := []float64{8, -11, -3}
	if !Solve(m, b, 1e-12) {
		t.Fatal("a regular system reported singular")
	}
	for i, want := range []float64{2, 3, -1} {
		if math.Abs(b[i]-want) > 1e-9 {
			t.Errorf("x[%d] = %v, want %v", i, b[i], want)
		}
	}
	singular := [][3]float64{{1, 2, 3}, {2, 4, 6}, {0, 1, 1}}
	if Solve(singular, []float64{1, 2, 3}, 1e-9) {
		t.Error("a singular system was solved")
	}
}
