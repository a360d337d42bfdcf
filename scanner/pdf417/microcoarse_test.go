package pdf417

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestSampledMatrix: the coarse count's image is the pixel in the middle
// of each 4×4 square, whatever the width (words cut short, pixels left
// over past the last whole square), with no pixel set past its end.
func TestSampledMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{8, 8}, {38, 41}, {127, 9}, {128, 12}, {131, 64}, {1000, 20}} {
		m, _ := gozxing.NewBitMatrix(size[0], size[1])
		for y := range size[1] {
			for x := range size[0] {
				if rng.IntN(2) == 0 {
					m.Set(x, y)
				}
			}
		}
		var r MicroReader
		for _, step := range []int{microCoarse} {
			c := r.sampled(m)
			w, h := size[0]/step, size[1]/step
			if c.GetWidth() != w || c.GetHeight() != h {
				t.Fatalf("%v by %d: sampled %dx%d, want %dx%d", size, step, c.GetWidth(), c.GetHeight(), w, h)
			}
			for y := range h {
				for x := range w {
					if want := m.Get(step*x+step/2, step*y+step/2); c.Get(x, y) != want {
						t.Fatalf("%v by %d: sampled (%d, %d) = %v, want %v", size, step, x, y, !want, want)
					}
				}
				words := c.GetRow(y, nil).GetBitArray()
				if extra := len(words)*32 - w; extra > 0 && words[len(words)-1]>>(32-extra) != 0 {
					t.Fatalf("%v by %d: row %d has pixels set past its end: %032b", size, step, y, words[len(words)-1])
				}
			}
		}
	}
}
