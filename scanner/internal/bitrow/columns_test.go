package bitrow

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestColumns: the columns are the matrix's, for sizes that fill whole
// words and sizes that do not, after larger and smaller images, with
// nothing past the image's height; and Wipe clears them.
func TestColumns(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var c Columns
	for _, sz := range [][2]int{{32, 32}, {45, 70}, {100, 33}, {64, 64}, {20, 10}, {100, 130}} {
		bm, _ := gozxing.NewBitMatrix(sz[0], sz[1])
		for y := range sz[1] {
			for x := range sz[0] {
				if rng.IntN(2) == 1 {
					bm.Set(x, y)
				}
			}
		}
		cols := c.Of(bm)
		if len(cols) != sz[0] {
			t.Fatalf("%v: %d columns", sz, len(cols))
		}
		for x := range sz[0] {
			for y := range sz[1] {
				if cols[x].Get(y) != bm.Get(x, y) {
					t.Fatalf("%v: column %d row %d differs", sz, x, y)
				}
			}
			if next := cols[x].GetNextSet(sz[1]); next < cols[x].GetSize() {
				t.Fatalf("%v: column %d has a pixel at %d, past the image", sz, x, next)
			}
		}
		if sz[0] == 64 {
			c.Wipe()
			for x := range sz[0] {
				if cols[x].GetNextSet(0) < cols[x].GetSize() {
					t.Fatalf("%v: column %d kept a pixel after Wipe", sz, x)
				}
			}
		}
	}
}
