package dotcode

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestNoiseOffsetFollowsTheNoise: the ink offset is three times the
// sensor noise on paper, 12 levels where that is more, and dots' edges
// (a checkerboard of three-pixel dots over a third of the image) raise
// it by a σ and a half at most.
func TestNoiseOffsetFollowsTheNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 16))
	var g grayView
	for _, sigma := range []float64{0, 2, 4, 8, 16, 24} {
		for _, dots := range []bool{false, true} {
			img := image.NewGray(image.Rect(0, 0, 240, 180))
			for y := range 180 {
				for x := range 240 {
					v := 210.0
					if dots && x < 120 && y < 120 && (x/3+y/3)%2 == 0 && (x/3*7+y/3*3)%5 < 3 {
						v = 40
					}
					img.Pix[y*240+x] = byte(max(0, min(255, math.Round(v+sigma*rng.NormFloat64()))))
				}
			}
			if !g.load(gozxing.NewLuminanceSourceFromImage(img)) {
				t.Fatal("not loaded")
			}
			lo, hi := max(12, 2.6*sigma), max(12, 3.4*sigma)
			if dots {
				hi = max(12, 4.5*sigma)
			}
			if got := float64(g.offset); got < lo || got > hi {
				t.Errorf("σ %v, dots %v: offset %v, want %.0f to %.0f", sigma, dots, got, lo, hi)
			}
		}
	}
}
