package bitrow

import (
	"fmt"
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
				if bit(cols[x], y) != bm.Get(x, y) {
					t.Fatalf("%v: column %d row %d differs", sz, x, y)
				}
			}
			if next := nextSet(cols[x], sz[1]); next >= 0 {
				t.Fatalf("%v: column %d has a pixel at %d, past the image", sz, x, next)
			}
		}
		if sz[0] == 64 {
			c.Wipe()
			for x := range sz[0] {
				if nextSet(cols[x], 0) >= 0 {
					t.Fatalf("%v: column %d kept a pixel after Wipe", sz, x)
				}
			}
		}
	}
}

// bit is column col's bit y.
func bit(col []uint32, y int) bool { return col[y/32]>>(y%32)&1 != 0 }

// nextSet is the first of column col's bits from y set, or -1.
func nextSet(col []uint32, y int) int {
	for ; y < 32*len(col); y++ {
		if bit(col, y) {
			return y
		}
	}
	return -1
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

// TestColumnsLightBlocks: a block of 32 columns and 32 rows all light is
// written only where the columns kept a pixel there from an earlier
// image, larger or smaller; the columns are the matrix's all the same.
func TestColumnsLightBlocks(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	sparse := func(w, h, dots int) *gozxing.BitMatrix {
		bm, _ := gozxing.NewBitMatrix(w, h)
		for range dots {
			bm.Set(rng.IntN(w), rng.IntN(h))
		}
		return bm
	}
	var c Columns
	check := func(what string, bm *gozxing.BitMatrix, wantWritten int) {
		t.Helper()
		before := c.Written
		cols := c.Of(bm)
		for x := range bm.GetWidth() {
			for y := range 32 * len(cols[x]) {
				if bit(cols[x], y) != (y < bm.GetHeight() && bm.Get(x, y)) {
					t.Fatalf("%s: column %d row %d differs", what, x, y)
				}
			}
		}
		if wantWritten >= 0 && c.Written-before != wantWritten {
			t.Errorf("%s: %d blocks written, want %d", what, c.Written-before, wantWritten)
		}
	}
	light, _ := gozxing.NewBitMatrix(128, 96) // 4 x 3 blocks
	check("all light, new columns", light, 0)
	dots := sparse(128, 96, 3)
	check("three dots", dots, -1)
	marked := 0 // the blocks the dots are in
	for by := 0; by < 96; by += 32 {
		for bx := 0; bx < 128; bx += 32 {
			for y := by; y < by+32; y++ {
				if next := dots.GetRow(y, nil).GetNextSet(bx); next < bx+32 {
					marked++
					break
				}
			}
		}
	}
	check("all light after them", light, marked)
	for _, sz := range [][2]int{{128, 96}, {100, 64}, {128, 96}, {70, 40}, {128, 96}} {
		check(fmt.Sprintf("%dx%d, a few dots", sz[0], sz[1]), sparse(sz[0], sz[1], 5), -1)
		l, _ := gozxing.NewBitMatrix(sz[0], sz[1])
		check(fmt.Sprintf("%dx%d, all light", sz[0], sz[1]), l, -1)
	}
	check("all light again", light, -1)
	check("all light once more", light, 0)
}

// TestColumnsKeptTurned: an image and the same turned a quarter, one
// after the other as the engine's views come, are transposed into the
// columns kept, not new ones for each (its columns as tall as the
// taller, as many as the wider), and read as their matrices.
func TestColumnsKeptTurned(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	upright, _ := gozxing.NewBitMatrix(150, 90)
	turned, _ := gozxing.NewBitMatrix(90, 150)
	for range 400 {
		x, y := rng.IntN(150), rng.IntN(90)
		upright.Set(x, y)
		turned.Set(y, 149-x)
	}
	var c Columns
	c.Of(upright)
	c.Of(turned)
	if n := testing.AllocsPerRun(10, func() {
		c.Of(upright)
		c.Of(turned)
	}); n != 0 {
		t.Errorf("%.0f allocations transposing an image and it turned, want 0", n)
	}
	for _, bm := range []*gozxing.BitMatrix{upright, turned} {
		cols := c.Of(bm)
		for x := range bm.GetWidth() {
			for y := range 32 * len(cols[x]) {
				if bit(cols[x], y) != (y < bm.GetHeight() && bm.Get(x, y)) {
					t.Fatalf("%dx%d: column %d row %d differs", bm.GetWidth(), bm.GetHeight(), x, y)
				}
			}
		}
	}
}

// TestColumnsGrownWiped: the columns let go when a larger image comes
// are wiped first: no pixel of an image is left to the collector.
func TestColumnsGrownWiped(t *testing.T) {
	small, _ := gozxing.NewBitMatrix(40, 40)
	small.SetRegion(0, 0, 40, 40)
	large, _ := gozxing.NewBitMatrix(40, 80)
	var c Columns
	old := c.Of(small)
	c.Of(large)
	for x, a := range old {
		if nextSet(a, 0) >= 0 {
			t.Fatalf("column %d let go with a pixel", x)
		}
	}
}

// TestColumnsOneArray: the columns are made in one array, not one a
// column: a first transposition allocates it, the columns' slices and
// block flags, and the 32 rows of the band, whatever the image's width;
// and the columns read as the matrix, after images wider and narrower.
func TestColumnsOneArray(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	bm, _ := gozxing.NewBitMatrix(300, 100)
	if n := testing.AllocsPerRun(5, func() {
		var c Columns
		c.Of(bm)
	}); n > 3+2*32+1 { // and c itself
		t.Errorf("%.0f allocations transposing a 300 x 100 image, want at most %d", n, 3+2*32+1)
	}
	var c Columns
	for _, sz := range [][2]int{{50, 90}, {120, 60}, {90, 80}, {130, 90}} {
		bm, _ := gozxing.NewBitMatrix(sz[0], sz[1])
		for range sz[0] * sz[1] / 3 {
			bm.Set(rng.IntN(sz[0]), rng.IntN(sz[1]))
		}
		cols := c.Of(bm)
		for x := range sz[0] {
			for y := range 32 * len(cols[x]) {
				if bit(cols[x], y) != (y < sz[1] && bm.Get(x, y)) {
					t.Fatalf("%v: column %d row %d differs", sz, x, y)
				}
			}
		}
	}
}
