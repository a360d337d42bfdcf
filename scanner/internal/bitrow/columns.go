package bitrow

import "github.com/makiuchi-d/gozxing"

// Columns gives a binarized image's columns as the words of bit arrays
// (column x's bit y, pixel (x, y), at bit y%32 of its word y/32), for
// searches along columns to read them as they read rows. Its zero value
// is ready; it keeps the columns (image data) until Wipe, and serves one
// goroutine.
type Columns struct {
	band [32]*gozxing.BitArray // 32 rows being transposed
	// words holds the columns, each stride words of one array (flat):
	// one allocation, and one object for the collector to mark, not one
	// a column.
	words  [][]uint32
	flat   []uint32
	stride int
	// dirty tells, for each block of 32 columns and one word of them
	// (block wx, word by at wx*stride+by), whether the block may hold a
	// pixel: where it does not, a block all light (most are) is not
	// written again.
	dirty []bool
	// Written counts the blocks written.
	Written int
}

// Of returns the columns of bm, column x's bit y its pixel (x, y), made a
// 32 x 32 block of pixels at a time. They are only to be read, and are
// valid until the next call; they may be longer than bm is tall (kept
// from a larger image, the bits past its height clear): read the first
// GetHeight bits.
func (c *Columns) Of(bm *gozxing.BitMatrix) [][]uint32 {
	return c.of(bm, nil)
}

// of is Of, the rows read from rows when they are bound to bm (rows may
// be nil).
func (c *Columns) of(bm *gozxing.BitMatrix, rows *SharedRows) [][]uint32 {
	shared := rows.of(bm)
	w, h := bm.GetWidth(), bm.GetHeight()
	words := (h + 31) / 32
	if len(c.words) < w || c.stride < words {
		// Grown to the larger of each side seen and kept: the engine's
		// views alternate upright and turned, one's width the other's
		// height.
		n, stride := max(w, len(c.words)), max(words, c.stride)
		c.Wipe() // the columns let go hold no image
		c.flat = make([]uint32, n*stride)
		c.words = make([][]uint32, n)
		for x := range c.words {
			c.words[x] = c.flat[x*stride : (x+1)*stride : (x+1)*stride]
		}
		c.stride = stride
		c.dirty = make([]bool, (n+31)/32*stride)
	}
	cols, colWords := c.words[:w], c.stride
	for _, a := range cols {
		clear(a[words:])
	}
	for wx := 0; (wx+1)*32 <= w; wx++ { // those blocks' words past h are clear now
		clear(c.dirty[wx*colWords+words : (wx+1)*colWords])
	}
	for i := range c.band { // as wide as the widest image: read to w
		if c.band[i] == nil || c.band[i].GetSize() < w {
			c.band[i] = gozxing.NewBitArray(len(c.words))
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
			dirty := &c.dirty[wx*colWords+by]
			if x := wx * 32; x+32 <= w {
				if any == 0 && !*dirty { // a block all light, the commonest, stays so
					continue
				}
				if any != 0 {
					Transpose32(&blk)
				}
				dst := cols[x : x+32 : x+32]
				for i, v := range blk {
					dst[2*i][by] = uint32(v)
					dst[2*i+1][by] = uint32(v >> 32)
				}
				*dirty = any != 0
			} else { // the columns past w, not written, keep what they held
				if any != 0 {
					Transpose32(&blk)
				}
				for k := 0; x+k < w; k++ {
					cols[x+k][by] = uint32(blk[k/2] >> (32 * (k % 2)))
				}
				*dirty = *dirty || any != 0
			}
			c.Written++
		}
	}
	return cols
}

// Wipe zeroes the columns and rows kept.
func (c *Columns) Wipe() {
	clear(c.flat)
	clear(c.dirty)
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
// Every swap is written out, its words and shift constants: a loop over
// them cost as much again as the swaps.
func Transpose32(a *[16]uint64) {
	const m16, m8, m4, m2 = 0x0000ffff0000ffff, 0x00ff00ff00ff00ff, 0x0f0f0f0f0f0f0f0f, 0x3333333333333333
	// In each 2j x 2j block on the diagonal, the high j bits of rows r
	// with the low j bits of rows r+j: words i and i+j/2.
	swap(a, 0, 8, 16, m16)
	swap(a, 1, 9, 16, m16)
	swap(a, 2, 10, 16, m16)
	swap(a, 3, 11, 16, m16)
	swap(a, 4, 12, 16, m16)
	swap(a, 5, 13, 16, m16)
	swap(a, 6, 14, 16, m16)
	swap(a, 7, 15, 16, m16)

	swap(a, 0, 4, 8, m8)
	swap(a, 1, 5, 8, m8)
	swap(a, 2, 6, 8, m8)
	swap(a, 3, 7, 8, m8)
	swap(a, 8, 12, 8, m8)
	swap(a, 9, 13, 8, m8)
	swap(a, 10, 14, 8, m8)
	swap(a, 11, 15, 8, m8)

	swap(a, 0, 2, 4, m4)
	swap(a, 1, 3, 4, m4)
	swap(a, 4, 6, 4, m4)
	swap(a, 5, 7, 4, m4)
	swap(a, 8, 10, 4, m4)
	swap(a, 9, 11, 4, m4)
	swap(a, 12, 14, 4, m4)
	swap(a, 13, 15, 4, m4)

	swap(a, 0, 1, 2, m2)
	swap(a, 2, 3, 2, m2)
	swap(a, 4, 5, 2, m2)
	swap(a, 6, 7, 2, m2)
	swap(a, 8, 9, 2, m2)
	swap(a, 10, 11, 2, m2)
	swap(a, 12, 13, 2, m2)
	swap(a, 14, 15, 2, m2)
	// Rows 2i and 2i+1, in one word: the high bit of each pair of the
	// low row with the low bit of the high row's.
	for i := range a {
		t := (a[i]>>1 ^ a[i]>>32) & 0x55555555
		a[i] ^= t<<1 | t<<32
	}
}

// swap swaps the high j bits (of each 2j, m masking the low ones) of
// word p's two rows with the low j bits of word q's.
func swap(a *[16]uint64, p, q int, j uint, m uint64) {
	t := (a[p]>>j ^ a[q]) & m
	a[p] ^= t << j
	a[q] ^= t
}
