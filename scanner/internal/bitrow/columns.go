package bitrow

import "github.com/makiuchi-d/gozxing"

// Columns gives a binarized image's columns as bit arrays, for searches
// along columns to read them as they read rows. Its zero value is ready;
// it keeps the columns (image data) until Wipe, and serves one goroutine.
type Columns struct {
	band [32]*gozxing.BitArray // 32 rows being transposed
	cols []*gozxing.BitArray   // the image's columns
}

// Of returns the columns of bm, column x's bit y its pixel (x, y), made a
// 32 x 32 block of pixels at a time. They are valid until the next call,
// and may be longer than bm is tall (kept from a larger image, the bits
// past its height clear): read the first GetHeight bits.
func (c *Columns) Of(bm *gozxing.BitMatrix) []*gozxing.BitArray {
	return c.of(bm, nil)
}

// of is Of, the rows read from rows when they are bound to bm (rows may
// be nil).
func (c *Columns) of(bm *gozxing.BitMatrix, rows *SharedRows) []*gozxing.BitArray {
	shared := rows.of(bm)
	w, h := bm.GetWidth(), bm.GetHeight()
	if len(c.cols) < w || c.cols[0].GetSize() < h {
		c.cols = make([]*gozxing.BitArray, max(w, len(c.cols)))
		for x := range c.cols {
			c.cols[x] = gozxing.NewBitArray(h)
		}
	}
	cols := c.cols[:w]
	words := (h + 31) / 32
	for _, a := range cols {
		clear(a.GetBitArray()[words:])
	}
	for i := range c.band {
		if c.band[i] == nil || c.band[i].GetSize() != w {
			c.band[i] = gozxing.NewBitArray(w)
		}
	}
	var blk [16]uint64 // a block's rows (then columns) 2i and 2i+1 in word i
	var band [32][]uint32
	for by := 0; by*32 < h; by++ {
		for i := range 32 {
			switch y := by*32 + i; {
			case y >= h:
				band[i] = c.band[i].GetBitArray()
				clear(band[i])
			case shared:
				band[i] = rows.row(y)
			default:
				band[i] = bm.GetRow(y, c.band[i]).GetBitArray()
			}
		}
		for wx := 0; wx*32 < w; wx++ {
			var any uint64
			for i := range blk {
				blk[i] = uint64(band[2*i][wx]) | uint64(band[2*i+1][wx])<<32
				any |= blk[i]
			}
			if any != 0 { // a block all light, the commonest, stays so
				Transpose32(&blk)
			}
			if x := wx * 32; x+32 <= w {
				dst := cols[x : x+32 : x+32]
				for i, v := range blk {
					dst[2*i].GetBitArray()[by] = uint32(v)
					dst[2*i+1].GetBitArray()[by] = uint32(v >> 32)
				}
			} else {
				for k := 0; x+k < w; k++ {
					cols[x+k].GetBitArray()[by] = uint32(blk[k/2] >> (32 * (k % 2)))
				}
			}
		}
	}
	return cols
}

// Wipe zeroes the columns and rows kept.
func (c *Columns) Wipe() {
	for _, a := range c.cols {
		a.Clear()
	}
	for _, a := range c.band {
		if a != nil {
			a.Clear()
		}
	}
}

// Transpose32 transposes a 32 x 32 bit matrix held two rows a word (row
// 2i in the low half of word i, 2i+1 in the high half; bit c of a row
// its column c): row i's bit c goes to row c's bit i. It swaps ever
// smaller off-diagonal blocks, 16 x 16, then 8 x 8 within those, down to
// single bits, two rows' swaps at once (a 64-bit shift carries bits from
// the high half into the low, where the mask, the low bits of each
// 2j, drops them), and the single bits of a word's two rows within it.
// Each size is a step of its own, its shift a constant, its indexes
// masked to the array (no bounds checks).
func Transpose32(a *[16]uint64) {
	swapBlocks(a, 16, 0x0000ffff0000ffff)
	swapBlocks(a, 8, 0x00ff00ff00ff00ff)
	swapBlocks(a, 4, 0x0f0f0f0f0f0f0f0f)
	swapBlocks(a, 2, 0x3333333333333333)
	// Rows 2i and 2i+1, in one word: the high bit of each pair of the
	// low row with the low bit of the high row's.
	for i := range a {
		t := (a[i]>>1 ^ a[i]>>32) & 0x55555555
		a[i] ^= t<<1 | t<<32
	}
}

// swapBlocks swaps, in each 2j x 2j block on the diagonal (j >= 2), its
// two j x j blocks off the diagonal: the high j bits (of each 2j, m
// masking the low ones) of rows r with the low j bits of rows r+j, two
// rows a word.
func swapBlocks(a *[16]uint64, j uint, m uint64) {
	for k := uint(0); k < 16; k += j {
		for i := k; i < k+j/2; i++ {
			t := (a[i&15]>>j ^ a[(i+j/2)&15]) & m
			a[i&15] ^= t << j
			a[(i+j/2)&15] ^= t
		}
	}
}
