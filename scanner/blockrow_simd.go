//go:build amd64 && goexperiment.simd

package scanner

import (
	"encoding/binary"
	"math/bits"
	"simd/archsimd"
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// blockRowVectors tells whether blockRow uses vector registers: AVX2's
// 32-byte minima, maxima and sums of absolute differences, four words of
// 8 columns at once.
var blockRowVectors = archsimd.X86.AVX2()

// The functions here clear the vector registers' upper halves before they
// return (archsimd.ClearAVXUpperBits, VZEROUPPER): left set, they make the
// scalar floating-point code that runs after them, in SSE encoding, wait
// on false dependencies (the Data Matrix search took 12 % more CPU time
// for it).

// shiftBy32, shiftBy16 and shiftBy8 are shift counts, one a 64-bit lane,
// loaded from memory: a count given as a number (ShiftAllRight) is moved
// into a vector register by an SSE instruction, which stalls the
// processor while the registers' upper halves are set (sse_test.go).
var (
	shiftBy32 = [4]uint64{32, 32, 32, 32}
	shiftBy16 = [4]uint64{16, 16, 16, 16}
	shiftBy8  = [4]uint64{8, 8, 8, 8}
)

// blockRowWide does blockRow's first part, the minima, maxima and sums of
// the words, for the words in whole groups of four; it returns how many
// words it did.
func blockRowWide(lum []byte, stride, x0, y0, rows int, lo, hi []byte, sums []uint16) int {
	if !blockRowVectors {
		return 0
	}
	groups := len(sums) / 4
	var zero archsimd.Uint8x32
	var s4 [4]uint64
	for g := range groups {
		at := y0*stride + x0 + 32*g
		v := archsimd.LoadUint8x32Slice(lum[at : at+32])
		l, h := v, v
		// The sums of each word's 8 pixels, in 16-bit lanes 0, 4, 8
		// and 12 (the distances from zero).
		s := v.SumAbsDiff(zero)
		for r := 1; r < rows; r++ {
			at += stride
			v = archsimd.LoadUint8x32Slice(lum[at : at+32])
			l, h = l.Min(v), h.Max(v)
			if r < blockSize {
				s = s.Add(v.SumAbsDiff(zero))
			}
		}
		l.StoreSlice(lo[32*g:])
		h.StoreSlice(hi[32*g:])
		s.AsUint64x4().StoreSlice(s4[:])
		// By index: a range over the array's values copies it, through
		// SSE registers (see sse_test.go).
		for k := range 4 {
			sums[4*g+k] = uint16(s4[k])
		}
	}
	archsimd.ClearAVXUpperBits()
	return 4 * groups
}

// blockRowReduceWide does blockRow's second part, each word's darkest and
// lightest pixel (with the byte after it when edge is set), for the words
// in whole groups of four; it returns how many words it did.
func blockRowReduceWide(lo, hi []byte, edge bool, mins, maxs []byte) int {
	if !blockRowVectors {
		return 0
	}
	groups := len(mins) / 4
	var l4, h4 [4]uint64
	by32, by16, by8 := archsimd.LoadUint64x4(&shiftBy32), archsimd.LoadUint64x4(&shiftBy16), archsimd.LoadUint64x4(&shiftBy8)
	for g := range groups {
		l := archsimd.LoadUint8x32Slice(lo[32*g : 32*g+32])
		h := archsimd.LoadUint8x32Slice(hi[32*g : 32*g+32])
		if edge {
			l = l.Min(archsimd.LoadUint8x32Slice(lo[32*g+1 : 32*g+33]))
			h = h.Max(archsimd.LoadUint8x32Slice(hi[32*g+1 : 32*g+33]))
		}
		// Halves, quarters, then bytes of each word: its lowest byte
		// ends up holding the least (greatest) of all eight.
		for _, by := range [3]archsimd.Uint64x4{by32, by16, by8} {
			l = l.Min(l.AsUint64x4().ShiftRight(by).AsUint8x32())
			h = h.Max(h.AsUint64x4().ShiftRight(by).AsUint8x32())
		}
		l.AsUint64x4().StoreSlice(l4[:])
		h.AsUint64x4().StoreSlice(h4[:])
		for k := range 4 {
			mins[4*g+k], maxs[4*g+k] = byte(l4[k]), byte(h4[k])
		}
	}
	archsimd.ClearAVXUpperBits()
	return 4 * groups
}

// thresholdVectors thresholds the pixels of a block row's rows 32 at a
// time: for each group of 32 columns, a vector of the four blocks'
// thresholds, 8 bytes each, and which of those blocks' thresholds are
// negative (no pixel is at or below them).
type thresholdVectors struct {
	thr      []byte
	negative []uint32
	groups   int
}

// set takes the thresholds of the blocks of a block row of a plane w
// pixels wide.
func (v *thresholdVectors) set(thr []int, w int) {
	v.groups = 0
	if !blockRowVectors {
		return
	}
	v.groups = w / 32
	if cap(v.thr) < 32*v.groups {
		v.thr, v.negative = make([]byte, 32*v.groups), make([]uint32, v.groups)
	}
	v.thr, v.negative = v.thr[:32*v.groups], v.negative[:v.groups]
	for g := range v.groups {
		v.negative[g] = 0
		for k, t := range thr[4*g : 4*g+4] {
			if t < 0 {
				v.negative[g] |= 0xff << (8 * k)
			}
			b := uint64(min(max(t, 0), 255))
			binary.LittleEndian.PutUint64(v.thr[32*g+8*k:], b*0x0101010101010101)
		}
	}
}

// row sets in words the bits of the pixels of one row, in whole groups of
// 32, that are at or below their block's threshold (as thresholdRow does);
// it returns how many pixels it did.
func (v *thresholdVectors) row(pix []byte, words []uint32) int {
	for g := range v.groups {
		p := archsimd.LoadUint8x32Slice(pix[32*g : 32*g+32])
		t := archsimd.LoadUint8x32Slice(v.thr[32*g : 32*g+32])
		// A pixel is at or below the threshold when it is the lesser.
		words[g] = p.Min(t).Equal(p).ToBits() &^ v.negative[g]
	}
	archsimd.ClearAVXUpperBits()
	return 32 * v.groups
}

// wipe zeroes the thresholds.
func (v *thresholdVectors) wipe() {
	clear(v.thr)
	clear(v.negative)
}

// sharpEdgesWide does sharpEdges (black at least 1, twice its double) for
// the pixels from 1 on, 16 at a time while the pixel after a group is in
// the row: the sharpened value, 4·lum[x]−lum[x−1]−lum[x+1], in 16-bit
// lanes, against twice. It returns the edges found, whether the last pixel
// done is dark, and the first pixel not done.
func sharpEdgesWide(lum []byte, twice int, edgeAt []int32) (n, dark, next int) {
	if !blockRowVectors || twice > 1<<12 {
		return 0, 0, 1
	}
	t := archsimd.BroadcastInt16x16(int16(twice))
	ones := archsimd.BroadcastUint8x32(0xff)
	x := 1
	for ; x+16 < len(lum); x += 16 {
		n, dark = edgesOf16(sharpened16(lum, x).Less(t), ones, x, dark, edgeAt, n)
	}
	archsimd.ClearAVXUpperBits()
	return n, dark, x
}

// doubleRowsWide does doubleRows for the pixels from 1 on, 16 at a time
// in 16-bit lanes while the pixel after a group is in the row, and
// returns how many it did (none without vector registers). The column
// sums t = 3cur+other at x−1, x and x+1 come from loads a pixel apart,
// and each lane's two doubled pixels, (3t[x]+t[x∓1]+8)/16 (at most
// 16·255+8 before the shift), are its two bytes, stored in order.
func doubleRowsWide(upper, lower, up, cur, down []byte) int {
	w := len(cur)
	if !blockRowVectors || w < 18 {
		return 0
	}
	ext := func(p []byte) archsimd.Uint16x16 { return archsimd.LoadUint8x16Slice(p[:16]).ExtendToUint16() }
	eight := archsimd.BroadcastUint16x16(8)
	// v/16 as the high half of v·4096, v·256 as the low half of the
	// product: the shifts by counts not written in the instruction take
	// an SSE instruction (sse_test.go).
	sixteenth, by256 := archsimd.BroadcastUint16x16(1<<12), archsimd.BroadcastUint16x16(1<<8)
	double := func(dst []byte, cl, c, cr archsimd.Uint16x16, other []byte, x int) {
		tl, t, tr := cl.Add(ext(other[x-1:])), c.Add(ext(other[x:])), cr.Add(ext(other[x+1:]))
		mid := t.Add(t).Add(t).Add(eight)
		even, odd := mid.Add(tl).MulHigh(sixteenth), mid.Add(tr).MulHigh(sixteenth)
		even.Or(odd.Mul(by256)).AsUint8x32().StoreSlice(dst[2*x : 2*x+32])
	}
	x := 1
	for ; x+17 <= w; x += 16 {
		cl, c, cr := ext(cur[x-1:]), ext(cur[x:]), ext(cur[x+1:])
		cl, c, cr = cl.Add(cl).Add(cl), c.Add(c).Add(c), cr.Add(cr).Add(cr)
		double(upper, cl, c, cr, up, x)
		double(lower, cl, c, cr, down, x)
	}
	archsimd.ClearAVXUpperBits()
	return x - 1
}

// darkWordsWide sets words[i] to the bits of the pixels of pix from 32i
// on darker than black (below it), a word's 32 at a time, for the whole
// words of pix, and returns how many pixels it did (none without vector
// registers, or with black outside 1 … 256).
func darkWordsWide(pix []byte, black int, words []uint32) int {
	if !blockRowVectors || black < 1 || black > 256 || len(pix) < 32 {
		return 0
	}
	// A pixel is below black when it is at or below black-1: the lesser.
	t := archsimd.BroadcastUint8x32(uint8(black - 1))
	n := len(pix) / 32
	words = words[:n]
	for i := range words {
		p := archsimd.LoadUint8x32Slice(pix[32*i : 32*i+32])
		words[i] = p.Min(t).Equal(p).ToBits()
	}
	archsimd.ClearAVXUpperBits()
	return 32 * n
}

// sharpDarkWide sets in words the dark bits (as sharpDarkBits) of the
// pixels from 16 on, 16 at a time, half a word each, as long as the
// pixel after them is in the row, and reports the span of pixels it did
// (from, to); nothing (1, 1) without vector registers or with black
// below 1. With black at least 1, the halved value (rounded towards zero)
// is below black exactly when the whole one is below 2·black.
func sharpDarkWide(lum []byte, black int, words []uint32) (from, to int) {
	if !blockRowVectors || black < 1 || black > 1<<11 {
		return 1, 1
	}
	t := archsimd.BroadcastInt16x16(int16(2 * black))
	x := 16
	for ; x+16 < len(lum); x += 16 {
		below := sharpened16(lum, x).Less(t)
		// Two bits a pixel, gathered to one.
		pairs := below.ToInt16x16().AsUint8x32().Equal(archsimd.BroadcastUint8x32(0xff)).ToBits() & 0x55555555
		pairs = (pairs | pairs>>1) & 0x33333333
		pairs = (pairs | pairs>>2) & 0x0f0f0f0f
		pairs = (pairs | pairs>>4) & 0x00ff00ff
		words[x>>5] |= (pairs | pairs>>8) & 0xffff << (x & 16)
	}
	archsimd.ClearAVXUpperBits()
	if x == 16 {
		return 1, 1 // too short for any
	}
	return 16, x
}

// sharpened16 is 4·lum[x]−lum[x−1]−lum[x+1] for the 16 pixels from x on,
// in 16-bit lanes (lum[x+16] must be in the row).
func sharpened16(lum []byte, x int) archsimd.Int16x16 {
	a := archsimd.LoadUint8x16Slice(lum[x-1 : x+15]).ExtendToUint16().AsInt16x16()
	b := archsimd.LoadUint8x16Slice(lum[x : x+16]).ExtendToUint16().AsInt16x16()
	c := archsimd.LoadUint8x16Slice(lum[x+1 : x+17]).ExtendToUint16().AsInt16x16()
	return b.ShiftAllLeft(2).Sub(a).Sub(c)
}

// edgesOf16 stores in edgeAt from n on the edges among the 16 pixels from
// x on, the dark ones set in below, after a pixel dark (1) or not (0):
// where a pixel differs from the one before. It returns the count of
// edges, n included, and whether the last of the 16 is dark. ones is 0xff
// in every byte.
func edgesOf16(below archsimd.Mask16x16, ones archsimd.Uint8x32, x, dark int, edgeAt []int32, n int) (int, int) {
	// Two bits a pixel, gathered to one.
	pairs := below.ToInt16x16().AsUint8x32().Equal(ones).ToBits() & 0x55555555
	pairs = (pairs | pairs>>1) & 0x33333333
	pairs = (pairs | pairs>>2) & 0x0f0f0f0f
	pairs = (pairs | pairs>>4) & 0x00ff00ff
	d := int((pairs | pairs>>8) & 0xffff)
	for ch := d ^ (d<<1|dark)&0xffff; ch != 0; ch &= ch - 1 {
		edgeAt[n] = int32(x + bits.TrailingZeros(uint(ch)))
		n++
	}
	return n, d >> 15
}

// sumsWide makes barLook's sums (look) with vector registers, 16 pixels
// at a time in 16-bit lanes, for planes at least 32 pixels wide; it
// reports false, having done nothing, where it cannot. A cell's changes
// gather in 16 lanes of their own over a band of rows and are added up
// when the band is done: a lane takes at most 2040 a row, 65280 a band.
func (b *barLook) sumsWide(src gozxing.LuminanceSource, w, h int) bool {
	if !blockRowVectors || w < 2*16 {
		return false
	}
	cw := b.cw
	b.cols16 = slices.Grow(b.cols16[:0], w)[:w]
	b.runs16 = slices.Grow(b.runs16[:0], w)[:w]
	b.acc16 = slices.Grow(b.acc16[:0], 32*cw)[:32*cw]
	cols, runs, accA, accD := b.cols16, b.runs16, b.acc16[:16*cw], b.acc16[16*cw:]
	clear(cols)
	clear(b.acc16)
	nruns := w - barSpan + 1
	// The cells whose 32 changes along a row, and whose 32 runs, lie
	// wholly in the plane; the rest are summed a pixel at a time.
	fullA, fullD := (w-1)/cellSize, nruns/cellSize
	flush := func(band int) {
		archsimd.ClearAVXUpperBits() // clear calls memclr, which may use SSE
		along, down := b.along[band*cw:][:cw], b.down[band*cw:][:cw]
		for c := range cw {
			for _, v := range accA[16*c : 16*c+16] {
				along[c] += int(v)
			}
			for _, v := range accD[16*c : 16*c+16] {
				down[c] += int(v)
			}
		}
		clear(b.acc16)
	}
	ext := func(p []byte) archsimd.Int16x16 {
		return archsimd.LoadUint8x16Slice(p[:16]).ExtendToUint16().AsInt16x16()
	}
	load := func(s []uint16) archsimd.Int16x16 { return archsimd.LoadUint16x16Slice(s[:16]).AsInt16x16() }
	add := func(acc []uint16, v archsimd.Int16x16) {
		archsimd.LoadUint16x16Slice(acc[:16]).Add(v.AsUint16x16()).StoreSlice(acc[:16])
	}
	for y := 0; y < h; y++ {
		if y > 0 && y%cellSize == 0 {
			flush(y/cellSize - 1)
		}
		// cols[x] sums pixel x of the last barSpan rows (the ring's
		// rows start zeroed).
		old := b.ring[y%barSpan]
		// GetRow may copy with SSE instructions (sse_test.go).
		archsimd.ClearAVXUpperBits()
		row, _ := src.GetRow(y, b.next)
		row = row[:w]
		x := 0
		for ; x+16 <= w; x += 16 {
			load(cols[x:]).Add(ext(row[x:])).Sub(ext(old[x:])).AsUint16x16().StoreSlice(cols[x : x+16])
		}
		for ; x < w; x++ {
			cols[x] += uint16(row[x]) - uint16(old[x])
		}
		b.ring[y%barSpan], b.next = row, old
		along, down := b.along[y/cellSize*cw:][:cw], b.down[y/cellSize*cw:][:cw]
		if y >= barSpan-1 {
			for c := range fullA {
				x0 := c * cellSize
				a0 := load(cols[x0+1:]).Sub(load(cols[x0:])).Abs()
				a1 := load(cols[x0+17:]).Sub(load(cols[x0+16:])).Abs()
				add(accA[16*c:], a0.Add(a1))
			}
			for c := fullA; c < cw; c++ {
				sum := 0
				for x := c * cellSize; x < min(c*cellSize+cellSize, w-1); x++ {
					a := int(cols[x+1]) - int(cols[x])
					sum += max(a, -a)
				}
				along[c] += sum
			}
		}
		// runs[x] sums pixels x to x+barSpan-1 of the row; the change
		// from the row above is summed from row 1 on.
		for c := range fullD {
			for x0 := c * cellSize; x0 < c*cellSize+cellSize; x0 += 16 {
				r := ext(row[x0:]).Add(ext(row[x0+1:])).Add(ext(row[x0+2:])).Add(ext(row[x0+3:]))
				if y >= 1 {
					add(accD[16*c:], r.Sub(load(runs[x0:])).Abs())
				}
				r.AsUint16x16().StoreSlice(runs[x0 : x0+16])
			}
		}
		for c := fullD; c < cw; c++ {
			sum := 0
			for x := c * cellSize; x < min(c*cellSize+cellSize, nruns); x++ {
				r := uint16(row[x]) + uint16(row[x+1]) + uint16(row[x+2]) + uint16(row[x+3])
				d := int(r) - int(runs[x])
				sum += max(d, -d)
				runs[x] = r
			}
			if y >= 1 {
				down[c] += sum
			}
		}
	}
	if h > 0 {
		flush((h - 1) / cellSize)
	}
	archsimd.ClearAVXUpperBits()
	clear(cols)
	clear(runs)
	return true
}

// localEdgesWide does localEdges for the pixels from 1 on, 16 at a time
// while the pixel after a group is in the row: the sharpened value,
// 4·lum[x]−lum[x−1]−lum[x+1], in 16-bit lanes, against twice each
// pixel's black point, less one where that is 0 or negative. It returns
// the edges found, whether the last pixel done is dark, and the first
// pixel not done.
func localEdgesWide(lum []byte, thr []int16, edgeAt []int32) (n, dark, next int) {
	if !blockRowVectors {
		return 0, 0, 1
	}
	var zero archsimd.Int16x16
	ones := archsimd.BroadcastUint8x32(0xff)
	x := 1
	for ; x+16 < len(lum); x += 16 {
		th := archsimd.LoadInt16x16Slice(thr[x : x+16])
		t := th.ShiftAllLeft(1).Add(th.LessEqual(zero).ToInt16x16())
		n, dark = edgesOf16(sharpened16(lum, x).Less(t), ones, x, dark, edgeAt, n)
	}
	archsimd.ClearAVXUpperBits()
	return n, dark, x
}

// addRowWide does addRow for the pixels in whole groups of 16, in 16-bit
// lanes; it returns how many it did.
func addRowWide(sum []uint16, row []byte) int {
	if !blockRowVectors {
		return 0
	}
	x := 0
	for ; x+16 <= len(row); x += 16 {
		v := archsimd.LoadUint8x16Slice(row[x : x+16]).ExtendToUint16()
		archsimd.LoadUint16x16Slice(sum[x : x+16]).Add(v).StoreSlice(sum[x : x+16])
	}
	archsimd.ClearAVXUpperBits()
	return x
}

// blockMinMaxWide sets lo[b] and hi[b] to the darkest and lightest of the
// size pixels of lum from b·size (size at most 32), for the blocks from
// the first on whose 32 bytes from their start lie in lum; it returns how
// many it did. The bytes past a block's end are masked out: light for its
// darkest, dark for its lightest.
func blockMinMaxWide(lum []byte, size int, lo, hi []uint8) int {
	if !blockRowVectors || size > 32 {
		return 0
	}
	var keep, pad [32]uint8
	var mins, maxs [32]uint8 // zeroed before the first vector instruction
	for i := range keep {
		if i < size {
			keep[i] = 0xff
		} else {
			pad[i] = 0xff
		}
	}
	k, p := archsimd.LoadUint8x32(&keep), archsimd.LoadUint8x32(&pad)
	by32, by16, by8 := archsimd.LoadUint64x4(&shiftBy32), archsimd.LoadUint64x4(&shiftBy16), archsimd.LoadUint64x4(&shiftBy8)
	b := 0
	for ; b < len(lo) && b*size+32 <= len(lum); b++ {
		v := archsimd.LoadUint8x32Slice(lum[b*size : b*size+32])
		l, h := v.Or(p), v.And(k)
		// Halves, quarters, then bytes of each word: its lowest byte
		// ends up holding the least (greatest) of all eight.
		for _, by := range [3]archsimd.Uint64x4{by32, by16, by8} {
			l = l.Min(l.AsUint64x4().ShiftRight(by).AsUint8x32())
			h = h.Max(h.AsUint64x4().ShiftRight(by).AsUint8x32())
		}
		l.Store(&mins)
		h.Store(&maxs)
		lo[b] = min(mins[0], mins[8], mins[16], mins[24])
		hi[b] = max(maxs[0], maxs[8], maxs[16], maxs[24])
	}
	archsimd.ClearAVXUpperBits()
	return b
}
