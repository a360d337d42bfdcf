//go:build amd64 && goexperiment.simd

package datamatrix

import (
	"math/bits"
	"simd/archsimd"
)

// probeVectors tells whether probeWide works in vector registers: AVX2's
// comparisons, merges and conversions of four float64s at once.
var probeVectors = archsimd.X86.AVX2()

// probeWide is probe four points at a time: their coordinates, whether
// they lie in the image and their bit indices worked out in vector
// registers, their bits read one by one (AVX2 has no gather of bits). A
// point off the image reads a bit of the copy's light margin instead, as
// darkAt reads it light. It reports done false, leaving the probe to
// probe's own loops, where vectors are not to be had or the image is too
// large for bit indices in 32 bits. The timing traces' probes read
// millions of points in a busy frame.
//
// The points are probe's own: its s, band − 0.5k at step k, is exact at
// every step (a multiple of band's last bit, no larger than band), so the
// lanes' band − 0.5k are the same numbers, and each coordinate is the
// same product and sum (x + y is y + x in floating point); s > −band
// holds for k < 4·band exactly. A coordinate c is in range as darkAt
// tests it, c ≥ 0 and int(c) below the width (height), when c ≥ 0 and
// c < the width (height), NaN and infinities out of range both ways.
func (b *bitImage) probeWide(base, dir point, band float64) (p point, ok, done bool) {
	if !probeVectors || len(b.words) >= 1<<26 || !(band < 1<<20) {
		return point{}, false, false
	}
	n := int(4 * band)
	if float64(n) < 4*band {
		n++
	}
	fw, fh := float64(b.w), float64(b.h)
	rb, or := int32(b.rowBits), int32(b.origin)
	c := probeLanes{
		base: [2][4]float64{{base.x, base.x, base.x, base.x}, {base.y, base.y, base.y, base.y}},
		dir:  [2][4]float64{{dir.x, dir.x, dir.x, dir.x}, {dir.y, dir.y, dir.y, dir.y}},
		size: [2][4]float64{{fw, fw, fw, fw}, {fh, fh, fh, fh}},
		s:    [4]float64{band, band - 0.5, band - 1, band - 1.5},
		ints: [2][4]int32{{rb, rb, rb, rb}, {or, or, or, or}},
	}
	k := c.firstDark(b.words, n)
	if k >= n {
		return point{}, false, true
	}
	s := band - 0.5*float64(k)
	return point{base.x + dir.x*s, base.y + dir.y*s}, true, true
}

// probeLanes are probeWide's numbers, made before its vector code runs
// (firstDark): scalar floating-point arithmetic is SSE, which stalls the
// processor while the vector registers' upper halves are set (scanner's
// sse_test.go), and in one function with the vector code the compiler
// puts some of it in the loop.
type probeLanes struct {
	base, dir, size [2][4]float64 // x, then y
	s               [4]float64    // the first four points' s
	ints            [2][4]int32   // bits a row, the first pixel's bit
}

// firstDark returns the first k below n whose point reads dark, or n.
// Lanes past the last point (of the last four) read the image or its
// margin too.
//
//go:noinline
func (c *probeLanes) firstDark(words []uint32, n int) int {
	var at [4]int32
	var zero archsimd.Float64x4
	bx, by := archsimd.LoadFloat64x4(&c.base[0]), archsimd.LoadFloat64x4(&c.base[1])
	dx, dy := archsimd.LoadFloat64x4(&c.dir[0]), archsimd.LoadFloat64x4(&c.dir[1])
	w, h := archsimd.LoadFloat64x4(&c.size[0]), archsimd.LoadFloat64x4(&c.size[1])
	// Pixel −1 of row 0: the light margin's bit where a point off the
	// image is read.
	off := archsimd.BroadcastFloat64x4(-1)
	s := archsimd.LoadFloat64x4(&c.s)
	two := archsimd.BroadcastFloat64x4(2)
	dark := func(i int32) bool { return words[uint32(i)>>5]>>(uint32(i)&31)&1 != 0 }
	found := n
	for k := 0; k < n; k += 4 {
		x := dx.Mul(s).Add(bx) // base.x + dir.x*s
		y := dy.Mul(s).Add(by)
		in := x.GreaterEqual(zero).And(y.GreaterEqual(zero)).And(x.Less(w)).And(y.Less(h))
		x, y = x.Merge(off, in), y.Masked(in)
		// The 128-bit constants loaded where they are used: a 128-bit
		// vector set aside for want of registers takes SSE instructions.
		y.ConvertToInt32().Mul(archsimd.LoadInt32x4(&c.ints[0])).Add(archsimd.LoadInt32x4(&c.ints[1])).Add(x.ConvertToInt32()).Store(&at)
		// The first dark lane, written out: a loop over the lanes costs
		// about as much again as their reads.
		j := 4
		switch {
		case dark(at[0]):
			j = 0
		case dark(at[1]):
			j = 1
		case dark(at[2]):
			j = 2
		case dark(at[3]):
			j = 3
		}
		if j < 4 {
			found = min(k+j, n)
			break
		}
		s = s.Sub(two)
	}
	archsimd.ClearAVXUpperBits()
	return found
}

// firstReadWide is firstRead over the first points in whole groups of
// four, their coordinates, whether they lie in the image and their bit
// indices worked out in vector registers as probeWide works them out, the
// words of the image copy loaded one by one and the bits taken out of
// them in vector registers again. It returns the first k that reads want
// and true, or how many points it did and false: none where vectors are
// not to be had or the image is too large for bit indices in 32 bits.
// The finder bars' thickness is measured at quarter-pixel steps through
// the bars, about forty places along each bar of every corner.
func (b *bitImage) firstReadWide(p, dir point, from, step float64, n int, want bool) (int, bool) {
	if !probeVectors || n < 4 || len(b.words) >= 1<<26 {
		return 0, false
	}
	words := b.words
	// As in probeWide: the numbers made first, the 128-bit constants
	// loaded where they are used.
	fw, fh := float64(b.w), float64(b.h)
	wide, high := [4]float64{fw, fw, fw, fw}, [4]float64{fh, fh, fh, fh}
	steps := [4]float64{from, from + step, from + 2*step, from + 3*step}
	fs := 4 * step
	fours := [4]float64{fs, fs, fs, fs}
	rb, or := int32(b.rowBits), int32(b.origin)
	consts := [2][4]int32{{rb, rb, rb, rb}, {or, or, or, or}}
	// flip turns the lanes' bits into those that read want.
	var flip uint8
	if !want {
		flip = 0xf
	}
	var word [4]int32
	var got [4]uint32
	var zero archsimd.Float64x4
	px, py := archsimd.BroadcastFloat64x4(p.x), archsimd.BroadcastFloat64x4(p.y)
	dx, dy := archsimd.BroadcastFloat64x4(dir.x), archsimd.BroadcastFloat64x4(dir.y)
	w, h := archsimd.LoadFloat64x4(&wide), archsimd.LoadFloat64x4(&high)
	off := archsimd.BroadcastFloat64x4(-1)
	s := archsimd.LoadFloat64x4(&steps)
	four := archsimd.LoadFloat64x4(&fours)
	k := 0
	for ; k+4 <= n; k += 4 {
		x := dx.Mul(s).Add(px) // p.x + dir.x*s
		y := dy.Mul(s).Add(py)
		in := x.GreaterEqual(zero).And(y.GreaterEqual(zero)).And(x.Less(w)).And(y.Less(h))
		x, y = x.Merge(off, in), y.Masked(in)
		at := y.ConvertToInt32().Mul(archsimd.LoadInt32x4(&consts[0])).Add(archsimd.LoadInt32x4(&consts[1])).Add(x.ConvertToInt32())
		at.ShiftRight(archsimd.LoadInt32x4(&shiftBy5)).Store(&word)
		got[0], got[1], got[2], got[3] = words[uint32(word[0])], words[uint32(word[1])], words[uint32(word[2])], words[uint32(word[3])]
		oneBit := archsimd.LoadUint32x4(&oneBits)
		if hit := archsimd.LoadUint32x4(&got).ShiftRight(at.And(archsimd.LoadInt32x4(&low5)).AsUint32x4()).And(oneBit).Equal(oneBit).ToBits() ^ flip; hit != 0 {
			archsimd.ClearAVXUpperBits()
			return k + bits.TrailingZeros8(hit), true
		}
		s = s.Add(four)
	}
	archsimd.ClearAVXUpperBits()
	return k, false
}
