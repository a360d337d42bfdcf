package databar

import (
	"math"
	"math/rand/v2"
	"testing"
)

// nearestWidthsPlain is nearestWidths solving for every module count the
// table holds.
func nearestWidthsPlain(x *[limitedChar]float64, parity, modules, widest int, narrow bool) ([7]int, float64) {
	const most = 26
	var cost [8][most + 1][2]float64
	var pick [7][most + 1][2]int8
	for m := range most + 1 {
		cost[7][m] = [2]float64{math.Inf(1), math.Inf(1)}
	}
	cost[7][0][0] = 0
	for j := 6; j >= 0; j-- {
		for m := range most + 1 {
			for n := range 2 {
				c, p := math.Inf(1), int8(0)
				for w := 1; w <= widest && w <= m; w++ {
					rest := n
					if w == 1 {
						rest = 0
					}
					d := x[2*j+parity] - float64(w)
					if t := cost[j+1][m-w][rest] + d*d; t < c {
						c, p = t, int8(w)
					}
				}
				cost[j][m][n], pick[j][m][n] = c, p
			}
		}
	}
	n := 0
	if narrow {
		n = 1
	}
	var w [7]int
	total := cost[0][modules][n]
	if math.IsInf(total, 1) {
		return w, total
	}
	m := modules
	for j := range 7 {
		w[j] = int(pick[j][m][n])
		m -= w[j]
		if w[j] == 1 {
			n = 0
		}
	}
	return w, total
}

// TestNearestWidthsAsPlain: nearestWidths, which solves only for the
// module counts its answer needs, gives the widths and cost of the
// solution over every count, for every group of DataBar Limited's
// characters, both halves, at widths near and far from a character's.
func TestNearestWidthsAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 300 {
		var x [limitedChar]float64
		for j := range x {
			x[j] = 1 + rng.Float64()*[]float64{2, 5, 9}[rng.IntN(3)]
		}
		for _, g := range limitedGroups {
			for _, half := range []struct {
				parity, modules, widest int
				narrow                  bool
			}{{0, g.oddModules, g.oddWidest, false}, {1, 26 - g.oddModules, 9 - g.oddWidest, true}} {
				w, c := nearestWidths(&x, half.parity, half.modules, half.widest, half.narrow)
				pw, pc := nearestWidthsPlain(&x, half.parity, half.modules, half.widest, half.narrow)
				if w != pw || c != pc && !(math.IsInf(c, 1) && math.IsInf(pc, 1)) {
					t.Fatalf("%v, half %+v: %v %v, plain %v %v", x, half, w, c, pw, pc)
				}
			}
		}
	}
}
