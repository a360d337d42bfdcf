package databar

import (
	"math"
	"math/rand/v2"
	"testing"
)

// nearestHalfPlain is nearestHalf trying every pattern.
func nearestHalfPlain(patterns [][4]uint8, x *[8]float64, parity int, bound float64) (int, float64) {
	index, cost := 0, math.Inf(1)
	limit := bound
	for i, p := range patterns {
		c := 0.0
		for j := range 4 {
			d := x[2*j+parity] - float64(p[j])
			c += d * d
		}
		if c < limit {
			index, cost, limit = i, c, c
		}
	}
	return index, cost
}

// TestNearestHalfAsPlain: nearestHalf, which skips the patterns sharing
// the widths it gave one up on, finds the pattern and cost the plain
// search over every pattern does, for the halves of every group of the
// Expanded and the Omnidirectional characters, at widths near and far
// from theirs and at bounds tight and open.
func TestNearestHalfAsPlain(t *testing.T) {
	type half struct {
		patterns [][4]uint8
		skips    []halfSkip
	}
	var halves []half
	for _, g := range charGroups {
		halves = append(halves, half{g.odd, g.oddSkip}, half{g.even, g.evenSkip})
	}
	for _, gs := range [][5]omniGroup{omniOutside, omniInside} {
		for _, g := range gs {
			if len(g.odd) > 0 {
				halves = append(halves, half{g.odd, g.oddSkip}, half{g.even, g.evenSkip})
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for hi, h := range halves {
		for range 300 {
			var x [8]float64
			p := h.patterns[rng.IntN(len(h.patterns))]
			for j := range x {
				x[j] = float64(p[j/2]) + rng.NormFloat64()*[]float64{0.1, 0.5, 2}[rng.IntN(3)]
			}
			for _, bound := range []float64{math.Inf(1), 2.5, 1, 0.2} {
				for parity := range 2 {
					wi, wc := nearestHalfPlain(h.patterns, &x, parity, bound)
					gi, gc := nearestHalf(h.patterns, h.skips, &x, parity, bound)
					if wi != gi || wc != gc && !(math.IsInf(wc, 1) && math.IsInf(gc, 1)) {
						t.Fatalf("half %d, %v, parity %d, bound %v: nearestHalf %d %v, plain %d %v", hi, x, parity, bound, gi, gc, wi, wc)
					}
				}
			}
		}
	}
}
