package hanxin

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestTranspose: the columns transpose gives are the matrix's, for sizes
// that fill whole words and sizes that do not.
func TestTranspose(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	r := NewReader()
	for _, sz := range [][2]int{{32, 32}, {45, 70}, {100, 33}, {64, 64}} {
		bm, _ := gozxing.NewBitMatrix(sz[0], sz[1])
		for y := range sz[1] {
			for x := range sz[0] {
				if rng.IntN(2) == 1 {
					bm.Set(x, y)
				}
			}
		}
		cols := r.transpose(bm)
		for x := range sz[0] {
			for y := range sz[1] {
				if cols[x].Get(y) != bm.Get(x, y) {
					t.Fatalf("%v: column %d row %d differs", sz, x, y)
				}
			}
		}
	}
}
