//go:build amd64 && goexperiment.simd

package dotcode

import (
	"encoding/binary"
	"simd/archsimd"
)

// vectors tells whether load and the binarizations work 32 pixels at a
// time in AVX2's vector registers; the word code does the rest, and all
// of it where vectors is false.
var vectors = archsimd.X86.AVX2()

// The functions here clear the vector registers' upper halves before they
// return (archsimd.ClearAVXUpperBits, VZEROUPPER), as scanner's do: left
// set, they make the scalar floating-point code that runs after them wait
// on false dependencies.

// blocksWide does load's block pass for a row of blocks, 32 pixels (8
// blocks) at a time, up to limit: each block's sum over the rows top and,
// when both, second, and its darkest pixel of them. It returns the first
// pixel not done.
func blocksWide(top, second []byte, both bool, limit int, sums []uint32, mins []byte) int {
	if !vectors {
		return 0
	}
	ones8 := archsimd.BroadcastInt8x32(1)
	ones16 := archsimd.BroadcastInt16x16(1)
	lows := archsimd.LoadInt8x32(&gather4)
	by8, by16 := archsimd.LoadUint32x8(&shiftBy8), archsimd.LoadUint32x8(&shiftBy16)
	x := 0
	for ; x+32 <= limit; x += 32 {
		a := archsimd.LoadUint8x32Slice(top[x : x+32])
		m := a
		// Pairs of pixels summed in 16-bit lanes (at most 4·255), then
		// pairs of lanes in 32-bit ones: a block's four pixels each.
		s := a.DotProductPairsSaturated(ones8)
		if both {
			b := archsimd.LoadUint8x32Slice(second[x : x+32])
			m = m.Min(b)
			s = s.Add(b.DotProductPairsSaturated(ones8))
		}
		k := x / contrastBlock
		s.DotProductPairs(ones16).AsUint32x8().StoreSlice(sums[k : k+8])
		// The least byte of each 32-bit lane in its lowest: the lanes'
		// bytes shifted down by one, then by two.
		m = m.Min(m.AsUint32x8().ShiftRight(by8).AsUint8x32())
		m = m.Min(m.AsUint32x8().ShiftRight(by16).AsUint8x32())
		// Those bytes gathered, four to each 128-bit half's first word.
		m = m.PermuteOrZeroGrouped(lows)
		binary.LittleEndian.PutUint32(mins[k:k+4:k+4], m.GetLo().AsUint32x4().GetElem(0))
		binary.LittleEndian.PutUint32(mins[k+4:k+8:k+8], m.GetHi().AsUint32x4().GetElem(0))
	}
	archsimd.ClearAVXUpperBits()
	return x
}

// shiftBy8 and shiftBy16 are the counts of blocksWide's shifts, one a
// lane, loaded from memory: a count given as a number (ShiftAllRight)
// goes through a general register into a vector one by an SSE
// instruction, which, run while the upper halves are set, stalls the
// processor (see scanner's sse_test.go).
var shiftBy8, shiftBy16 = [8]uint32{8, 8, 8, 8, 8, 8, 8, 8}, [8]uint32{16, 16, 16, 16, 16, 16, 16, 16}

// gather4 moves the lowest byte of each 32-bit lane of a 128-bit half to
// the half's first four bytes, and clears the others.
var gather4 = [32]int8{
	0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
}

// spread4 repeats the low bytes of eight 16-bit lanes, copied to both
// 128-bit halves, each over four bytes: the first four lanes' in the low
// half, the last four's in the high one.
var spread4 = [32]int8{
	0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 6,
	8, 8, 8, 8, 10, 10, 10, 10, 12, 12, 12, 12, 14, 14, 14, 14,
}

// setWide makes the thresholds of a row of blocks from their windows'
// means and darkest pixels, as binarizeRows does, for darkWide: a byte
// for each pixel of the whole groups of 32 (the thresholds are from 0 to
// 243), eight blocks at a time. It returns the blocks done, whose
// thresholds are left out of binarizeRows' own.
func (g *grayView) setWide(means, lows []int16, cores bool) int {
	if !vectors {
		return 0
	}
	n := g.w / 32
	if cap(g.thr) < 32*n {
		g.thr = make([]byte, 32*n)
	}
	g.thr = g.thr[:32*n]
	// The thresholds written through a local: through g, the slice was
	// loaded again for every group, which the stores might have changed.
	thr := g.thr
	idx := archsimd.LoadInt8x32(&spread4)
	offset := archsimd.BroadcastInt16x8(g.offset)
	var zero archsimd.Int16x8
	var v archsimd.Uint8x32
	for k := range n {
		m := archsimd.LoadInt16x8Slice(means[8*k : 8*k+8])
		t := m.Sub(offset)
		if cores {
			l := archsimd.LoadInt16x8Slice(lows[8*k : 8*k+8])
			t = t.Min(m.Add(l).ShiftAllRight(1))
		}
		b := t.Max(zero).AsUint8x16()
		v.SetLo(b).SetHi(b).PermuteOrZeroGrouped(idx).StoreSlice(thr[32*k : 32*k+32])
	}
	archsimd.ClearAVXUpperBits()
	return 8 * n
}

// darkWide sets words' bits for row's pixels darker than their threshold
// (setWide's), in whole groups of 32; it returns the words done.
func (g *grayView) darkWide(row []byte, words []uint32) int {
	if !vectors {
		return 0
	}
	// The thresholds read through a local: through g, the slice was
	// loaded again for every word, which the stores to words might have
	// changed.
	thr := g.thr
	n := len(thr) / 32
	for wi := range n {
		p := archsimd.LoadUint8x32Slice(row[32*wi : 32*wi+32])
		t := archsimd.LoadUint8x32Slice(thr[32*wi : 32*wi+32])
		// At or above the threshold where the pixel is the greater.
		words[wi] = ^p.Max(t).Equal(p).ToBits()
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// darkTail returns a bit for each of the 32 pixels of row (the first in
// the lowest bit), set where the pixel is darker than its threshold in
// thr, as darkWide sets them.
func darkTail(row []byte, thr *[32]byte) uint32 {
	p := archsimd.LoadUint8x32Slice(row[:32])
	t := archsimd.LoadUint8x32Slice(thr[:])
	bits := ^p.Max(t).Equal(p).ToBits()
	archsimd.ClearAVXUpperBits()
	return bits
}

// minWide sets low[i] to the lesser of low[i] and next[i], 32 at a time:
// the whole groups of 32, then where some are left the last 32 (taking
// the lesser again of those done changes none); it returns how many it
// did, all where there are 32.
func minWide(low, next []byte) int {
	if !vectors {
		return 0
	}
	n := min(len(low), len(next))
	if n < 32 {
		return 0
	}
	for i := 0; i < n; i += 32 {
		i = min(i, n-32)
		a := archsimd.LoadUint8x32Slice(low[i : i+32])
		a.Min(archsimd.LoadUint8x32Slice(next[i : i+32])).StoreSlice(low[i : i+32])
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// windowMinWide does windowMin's inner elements from from on (at least
// half), 32 at a time while the window of the group's last lies within
// src, then where some are left the last 32 whose windows do (those done
// again get the same least); it returns the first element not done,
// len(src)-half where a group fits.
func windowMinWide(dst, src []byte, from int) int {
	const half = contrastSpan / 2
	end := len(src) - half // the elements whose windows lie within src
	if !vectors || end-from < 32 {
		return from
	}
	for i := from; i < end; i += 32 {
		i = min(i, end-32)
		m := archsimd.LoadUint8x32Slice(src[i-half : i-half+32])
		for d := 1 - half; d <= half; d++ {
			m = m.Min(archsimd.LoadUint8x32Slice(src[i+d : i+d+32]))
		}
		m.StoreSlice(dst[i : i+32])
	}
	archsimd.ClearAVXUpperBits()
	return end
}

// meansWide sets means[k], eight at a time (the last eight again where
// fewer are left: all where there are eight), to the whole windows'
// sums, col[k] to col[k+2·half] (half = contrastSpan/2; col holds
// len(means)+2·half column sums, a sum at most 200·255), divided by
// their 200 pixels; it returns how many it set. The quotient is exact in
// single precision: the sum is, and it lies at least 1/200 from any
// whole number but the quotient itself, far beyond a rounding of the
// division.
func meansWide(means []int16, col []uint32) int {
	if !vectors {
		return 0
	}
	const inner = contrastSpan * contrastBlock * (contrastSpan * contrastBlock / 2)
	div := archsimd.BroadcastFloat32x8(inner)
	n := len(means)
	if n < 8 || len(col) < n+contrastSpan-1 {
		return 0
	}
	for k := 0; k < n; k += 8 {
		k = min(k, n-8)
		// The twelve column sums the eight windows span, sliced once.
		c := col[k : k+12 : k+12]
		s := archsimd.LoadUint32x8Slice(c[0:8]).Add(archsimd.LoadUint32x8Slice(c[1:9])).
			Add(archsimd.LoadUint32x8Slice(c[2:10])).Add(archsimd.LoadUint32x8Slice(c[3:11])).
			Add(archsimd.LoadUint32x8Slice(c[4:12]))
		// The quotients, at most 255, packed to 16 bits.
		q := s.AsInt32x8().ConvertToFloat32().Div(div).ConvertToInt32()
		q.GetLo().SaturateToInt16Concat(q.GetHi()).StoreSlice(means[k : k+8 : k+8])
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// addWide adds src to dst in whole groups of eight; it returns how many
// it did (the rest are left: adding is done once).
func addWide(dst, src []uint32) int {
	if !vectors {
		return 0
	}
	n := len(dst) / 8 * 8
	for k := 0; k < n; k += 8 {
		archsimd.LoadUint32x8Slice(dst[k : k+8]).Add(archsimd.LoadUint32x8Slice(src[k : k+8])).StoreSlice(dst[k : k+8])
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// slideWide adds in to dst and subtracts out from it, as addWide adds.
func slideWide(dst, in, out []uint32) int {
	if !vectors {
		return 0
	}
	n := len(dst) / 8 * 8
	in, out = in[:n], out[:n]
	for k := 0; k < n; k += 8 {
		d := dst[k : k+8 : k+8]
		archsimd.LoadUint32x8Slice(d).Add(archsimd.LoadUint32x8Slice(in[k : k+8 : k+8])).
			Sub(archsimd.LoadUint32x8Slice(out[k : k+8 : k+8])).StoreSlice(d)
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// subWide subtracts src from dst as addWide adds.
func subWide(dst, src []uint32) int {
	if !vectors {
		return 0
	}
	n := len(dst) / 8 * 8
	for k := 0; k < n; k += 8 {
		archsimd.LoadUint32x8Slice(dst[k : k+8]).Sub(archsimd.LoadUint32x8Slice(src[k : k+8])).StoreSlice(dst[k : k+8])
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// lowsWide widens the darkest pixels mins into lows, sixteen at a time,
// the last sixteen again where fewer are left; it returns how many it
// did, all where there are sixteen.
func lowsWide(lows []int16, mins []byte) int {
	n := len(lows)
	if !vectors || n < 16 {
		return 0
	}
	for k := 0; k < n; k += 16 {
		k = min(k, n-16)
		archsimd.LoadUint8x16Slice(mins[k : k+16]).ExtendToUint16().AsInt16x16().StoreSlice(lows[k : k+16])
	}
	archsimd.ClearAVXUpperBits()
	return n
}
