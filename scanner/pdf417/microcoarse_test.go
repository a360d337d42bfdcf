package pdf417

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestSampledMatrix: the coarse count's image is the pixel in the middle
// of each 4×4 square, whatever the width (words cut short, pixels left
// over past the last whole square), with no pixel set past its end,
// sampled from the matrix's rows or from its words alike.
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
		words, stride, _ := copyWords(m, nil, nil)
		for _, plain := range [][]uint32{nil, words} {
			var r MicroReader
			step := microCoarse
			cw, ch := r.sampled(m, plain, stride)
			w, h := size[0]/step, size[1]/step
			if cw != w || ch != h || r.coarseStride != (w+31)/32 {
				t.Fatalf("%v by %d: sampled %dx%d, %d words a row, want %dx%d", size, step, cw, ch, r.coarseStride, w, h)
			}
			if plain != nil && r.row != nil {
				t.Fatalf("%v: sampled from the words, it copied a row out of the matrix", size)
			}
			for y := range h {
				row := r.coarseWords[y*r.coarseStride : (y+1)*r.coarseStride]
				for x := range w {
					if want := m.Get(step*x+step/2, step*y+step/2); (row[x/32]>>(x%32)&1 != 0) != want {
						t.Fatalf("%v by %d: sampled (%d, %d) = %v, want %v", size, step, x, y, !want, want)
					}
				}
				if extra := len(row)*32 - w; extra > 0 && row[len(row)-1]>>(32-extra) != 0 {
					t.Fatalf("%v by %d: row %d has pixels set past its end: %032b", size, step, y, row[len(row)-1])
				}
			}
		}
	}
}
