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

// TestTranspose32: bit c of row i goes to bit i of row c, two rows a
// word, in blocks of random bits, all dark and all light.
func TestTranspose32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 500 {
		var rows, want [32]uint32
		for i := range rows {
			switch n {
			case 0:
			case 1:
				rows[i] = ^uint32(0)
			default:
				rows[i] = rng.Uint32()
			}
		}
		for i := range 32 {
			for c := range 32 {
				want[c] |= (rows[i] >> c & 1) << i
			}
		}
		var blk [16]uint64
		for i := range blk {
			blk[i] = uint64(rows[2*i]) | uint64(rows[2*i+1])<<32
		}
		Transpose32(&blk)
		var got [32]uint32
		for c := range got {
			got[c] = uint32(blk[c/2] >> (32 * (c % 2)))
		}
		if got != want {
			t.Fatalf("%08x transposed: %08x, want %08x", rows, got, want)
		}
	}
}
