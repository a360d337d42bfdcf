package hanxin

import (
	"math"
	"testing"
)

// A finder not found (predicted) is placed by fit where the other three
// put its model point, wherever the parallelogram's fourth corner put it:
// under a turn and scale (an affine map), the fit is the four finders'.
func TestFitPlacesPredicted(t *testing.T) {
	const size, turn, module = 31, 0.3, 3.0
	m := squareCentres(size)
	sin, cos := math.Sincos(turn)
	var q [4]candidate
	for i, p := range m {
		q[i] = candidate{x: 40 + module*(cos*p[0]-sin*p[1]), y: 60 + module*(sin*p[0]+cos*p[1]), module: module}
	}
	order := [4]int{0, 1, 2, 3}
	want, ok := fit(q, order, size)
	if !ok {
		t.Fatal("no fit of the four finders")
	}
	for missing := range 4 {
		g := q
		g[missing] = candidate{x: g[missing].x + 4*module, y: g[missing].y - 4*module, module: module, predicted: true}
		h, ok := fit(g, order, size)
		if !ok {
			t.Fatalf("finder %d predicted: no fit", missing)
		}
		for _, p := range [][2]float64{{0, 0}, {size, 0}, {size, size}, {0, size}, {size / 2, size / 2}} {
			x, y := h.Apply(p[0], p[1])
			wx, wy := want.Apply(p[0], p[1])
			if math.Hypot(x-wx, y-wy) > 1e-6 {
				t.Errorf("finder %d predicted: module (%v, %v) at (%.3f, %.3f), want (%.3f, %.3f)", missing, p[0], p[1], x, y, wx, wy)
			}
		}
	}
}
