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
	var blk [32]uint32
	for by := 0; by*32 < h; by++ {
		for i := range 32 {
			if y := by*32 + i; y < h {
				bm.GetRow(y, c.band[i])
			} else {
				c.band[i].Clear()
			}
		}
		for wx := 0; wx*32 < w; wx++ {
			var any uint32
			for i := range 32 {
				blk[i] = c.band[i].GetBitArray()[wx]
				any |= blk[i]
			}
			if any != 0 { // a block all light, the commonest, stays so
				transpose32(&blk)
			}
			for k := 0; k < 32 && wx*32+k < w; k++ {
				cols[wx*32+k].GetBitArray()[by] = blk[k]
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

// transpose32 transposes a 32 x 32 bit matrix, bit c of word i (least
// significant first) going to bit i of word c, by swapping ever smaller
// off-diagonal blocks.
func transpose32(a *[32]uint32) {
	m := uint32(0x0000ffff)
	for j := 16; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 32; k = (k + j + 1) &^ j {
			t := (a[k]>>j ^ a[k+j]) & m
			a[k] ^= t << j
			a[k+j] ^= t
		}
	}
}
