package hanxin

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// TestFinderScoreStopsEarly: stopped once it cannot reach the least
// score asked, the finder score keeps and drops the same fits as the
// score of every module, and gives the same score to those it keeps, on
// finder patterns drawn with pixels flipped at random (from none to half
// of them), at sizes and offsets of every kind.
func TestFinderScoreStopsEarly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	kept := 0
	for k := range 400 {
		size, module := sizeOf(1+rng.IntN(6)), 2+rng.IntN(3)
		side := (size + 4) * module
		bm, _ := gozxing.NewBitMatrix(side, side)
		for i := range 4 {
			r0, c0 := finderOrigin(i, size)
			for row := range 7 {
				for col := range 7 {
					if finderRows[i][row]&(0x40>>col) == 0 {
						continue
					}
					for y := range module {
						for x := range module {
							bm.Set((c0+col+2)*module+x, (r0+row+2)*module+y)
						}
					}
				}
			}
		}
		flip := float64(k%8) / 16
		for y := range side {
			for x := range side {
				if rng.Float64() < flip {
					bm.Flip(x, y)
				}
			}
		}
		// The fit, off by up to a module.
		var pts [4]geom.Correspondence
		for i, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
			x, y := c[0]*float64(size), c[1]*float64(size)
			pts[i] = geom.Correspondence{X: x, Y: y,
				U: (x+2)*float64(module) + (rng.Float64()-0.5)*float64(module),
				V: (y+2)*float64(module) + (rng.Float64()-0.5)*float64(module)}
		}
		h, ok := geom.FitHomography(pts[:])
		if !ok {
			continue
		}
		all := finderScore(bm, &h, size, 0)
		early := finderScore(bm, &h, size, minFinderScore)
		if (all >= minFinderScore) != (early >= minFinderScore) || all >= minFinderScore && early != all {
			t.Fatalf("size %d, module %d, flipped %v: score %v, stopping early %v", size, module, flip, all, early)
		}
		if all >= minFinderScore {
			kept++
		}
	}
	if kept < 100 || kept > 300 {
		t.Fatalf("%d of 400 fits kept: the drawings test too few of one kind", kept)
	}
}
