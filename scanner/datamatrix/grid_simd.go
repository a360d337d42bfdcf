//go:build amd64 && goexperiment.simd

package datamatrix

import "simd/archsimd"

// lineVectors tells whether lineDarksWide works in vector registers:
// AVX2's divisions, comparisons, merges and conversions of four float64s
// at once.
var lineVectors = archsimd.X86.AVX2()

// lineDarksWide is lineDarks over the first points of ts in whole groups
// of four: their coordinates, whether they lie in the image (unless in
// says they do) and their bit indices worked out in vector registers,
// their words of the image copy loaded one by one (AVX2 has no gather
// that Go offers) and their bits taken out of them in vector registers
// again. A point off the image reads a bit of the copy's light margin,
// as darkWhere reads it light. It returns how many points it did: none
// where vectors are not to be had or the image is too large for bit
// indices in 32 bits. The boundary drift reads thousands of points a
// grid, each line's at once.
//
// The points are gridLine.at's own: each lane's quotients, products and
// sums are the scalar ones, in the same order, each rounded as the
// scalar one is (IEEE 754 division, multiplication and addition), and a
// denominator of zero is replaced as at replaces it. A coordinate c is in
// range as darkWhere tests it, c ≥ 0 and int(c) below the width (height),
// when c ≥ 0 and c < the width (height), NaN out of range both ways; in
// range, its truncation to 32 bits is its truncation to int.
func (b *bitImage) lineDarksWide(l *gridLine, ts []float64, in bool, dark []uint64) int {
	n := len(ts) / 4 * 4
	if !lineVectors || n == 0 || len(b.words) >= 1<<26 {
		return 0
	}
	words := b.words
	// Every number made before the first vector instruction, and the
	// 128-bit constants loaded where they are used: scalar arithmetic,
	// BroadcastFloat64x4(0) and a 128-bit vector set aside for want of
	// registers take SSE instructions, which stall the processor while
	// the vector registers' upper halves are set (scanner's sse_test.go).
	fw, fh := float64(b.w), float64(b.h)
	wide, high := [4]float64{fw, fw, fw, fw}, [4]float64{fh, fh, fh, fh}
	rb, or := int32(b.rowBits), int32(b.origin)
	consts := [2][4]int32{{rb, rb, rb, rb}, {or, or, or, or}}
	var word [4]int32
	var got [4]uint32
	var zero archsimd.Float64x4
	div := archsimd.BroadcastFloat64x4(l.div)
	gw, gx, gy := archsimd.BroadcastFloat64x4(l.gw), archsimd.BroadcastFloat64x4(l.gx), archsimd.BroadcastFloat64x4(l.gy)
	w0, x0, y0 := archsimd.BroadcastFloat64x4(l.w0), archsimd.BroadcastFloat64x4(l.x0), archsimd.BroadcastFloat64x4(l.y0)
	c, f := archsimd.BroadcastFloat64x4(l.c), archsimd.BroadcastFloat64x4(l.f)
	one, tiny := archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(1e-12)
	width, height := archsimd.LoadFloat64x4(&wide), archsimd.LoadFloat64x4(&high)
	// Pixel −1 of row 0: the light margin's bit where a point off the
	// image is read.
	off := archsimd.BroadcastFloat64x4(-1)
	for k := 0; k < n; k += 4 {
		ft := archsimd.LoadFloat64x4Slice(ts[k : k+4]).Div(div)
		w := gw.Mul(ft).Add(w0).Add(one)
		w = tiny.Merge(w, w.Equal(zero))
		x := gx.Mul(ft).Add(x0).Add(c).Div(w)
		y := gy.Mul(ft).Add(y0).Add(f).Div(w)
		if !in {
			inside := x.GreaterEqual(zero).And(y.GreaterEqual(zero)).And(x.Less(width)).And(y.Less(height))
			x, y = x.Merge(off, inside), y.Masked(inside)
		}
		at := y.ConvertToInt32().Mul(archsimd.LoadInt32x4(&consts[0])).Add(archsimd.LoadInt32x4(&consts[1])).Add(x.ConvertToInt32())
		at.ShiftRight(archsimd.LoadInt32x4(&shiftBy5)).Store(&word)
		got[0], got[1], got[2], got[3] = words[uint32(word[0])], words[uint32(word[1])], words[uint32(word[2])], words[uint32(word[3])]
		oneBit := archsimd.LoadUint32x4(&oneBits)
		bits := archsimd.LoadUint32x4(&got).ShiftRight(at.And(archsimd.LoadInt32x4(&low5)).AsUint32x4()).And(oneBit).Equal(oneBit).ToBits()
		// k is a multiple of four: the lanes' bits lie in one word.
		dark[k>>6] |= uint64(bits) << (k & 63)
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// The 128-bit constants of the probes, loaded from memory where used:
// shiftBy5 a shift's count (ShiftAllRight takes a number through an SSE
// instruction), low5 each lane's low five bits, oneBits its lowest.
var (
	shiftBy5 = [4]int32{5, 5, 5, 5}
	low5     = [4]int32{31, 31, 31, 31}
	oneBits  = [4]uint32{1, 1, 1, 1}
)
