//go:build amd64 && goexperiment.simd

package aztec

import (
	"math"
	"simd/archsimd"
)

// lineVectors tells whether lineMap.skipWide works four samples at a
// time in AVX2's vector registers.
var lineVectors = archsimd.X86.AVX2()

// skipWide is firstChange's search four samples at a time: it returns the
// first sample of the first four (of t, t+step, … up to end) among which
// a pixel is not dark as prev says, or of the last, fewer than four, for
// firstChange to read one by one. Each lane works its sample's position
// as at does, operation by operation, and tells its pixel inside the
// image, where get reads it, as get does: px ≥ 0 and px < width is
// int(px) < width, the lanes outside it light. It clears the registers' upper halves before it
// returns (VZEROUPPER): left set, they slow the scalar floating-point
// code that follows.
func (l *lineMap) skipWide(b *bitImage, t, step, end float64, prev bool) float64 {
	if !lineVectors || len(b.words) == 0 {
		return t
	}
	// Every number the loop needs is made before the first vector
	// instruction: scalar floating-point arithmetic is SSE, which stalls
	// the processor while the vector registers' upper halves are set
	// (scanner's sse_test.go). The next four samples are made in the
	// vector registers as the scalar loop makes them, each the last plus
	// step: t3+step in every lane, then step added to the lanes after
	// the first, to the last two, to the last (the others add −0, which
	// leaves every number as it is).
	t1 := t + step
	t2 := t1 + step
	ts := [4]float64{t, t1, t2, t2 + step}
	negZero := math.Copysign(0, -1)
	inc1 := [4]float64{negZero, step, step, step}
	inc2 := [4]float64{negZero, negZero, step, step}
	inc3 := [4]float64{negZero, negZero, negZero, step}
	fw, fh := float64(b.w), float64(b.h)
	wide, high := [4]float64{fw, fw, fw, fw}, [4]float64{fh, fh, fh, fh}
	var word, bit [4]int32
	want := uint8(0) // the four pixels' darkness, a bit each, as prev says
	if prev {
		want = 0xF
	}
	tv := archsimd.LoadFloat64x4(&ts)
	i1, i2, i3 := archsimd.LoadFloat64x4(&inc1), archsimd.LoadFloat64x4(&inc2), archsimd.LoadFloat64x4(&inc3)
	stepv, endv := archsimd.BroadcastFloat64x4(step), archsimd.BroadcastFloat64x4(end)
	mw, cw := archsimd.BroadcastFloat64x4(l.mw), archsimd.BroadcastFloat64x4(l.cw)
	mx, cx := archsimd.BroadcastFloat64x4(l.mx), archsimd.BroadcastFloat64x4(l.cx)
	my, cy := archsimd.BroadcastFloat64x4(l.my), archsimd.BroadcastFloat64x4(l.cy)
	c, f := archsimd.BroadcastFloat64x4(l.c), archsimd.BroadcastFloat64x4(l.f)
	var zero archsimd.Float64x4 // made by a vector instruction; BroadcastFloat64x4(0) takes an SSE one
	one, tiny := archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(1e-12)
	width, height := archsimd.LoadFloat64x4(&wide), archsimd.LoadFloat64x4(&high)
	rs := int32(b.rowSize)
	rowSizes := [4]int32{rs, rs, rs, rs}
	words := b.words
	for tv.LessEqual(endv).ToBits()&8 != 0 { // the fourth sample at most end
		w := mw.Mul(tv).Add(cw).Add(one)
		w = w.Merge(tiny, w.NotEqual(zero)) // 1e-12 where w is 0
		px := mx.Mul(tv).Add(cx).Add(c).Div(w)
		py := my.Mul(tv).Add(cy).Add(f).Div(w)
		in := px.GreaterEqual(zero).And(py.GreaterEqual(zero)).And(px.Less(width)).And(py.Less(height))
		// The lanes outside read pixel (0, 0), and count as light.
		ix, iy := px.Merge(zero, in).ConvertToInt32(), py.Merge(zero, in).ConvertToInt32()
		// The 128-bit constants loaded where they are used: kept in
		// registers, they are too many for them, and a 128-bit vector
		// is stored aside and taken back with SSE instructions.
		iy.Mul(archsimd.LoadInt32x4(&rowSizes)).Add(ix.ShiftRight(archsimd.LoadInt32x4(&shiftBy5))).Store(&word)
		ix.And(archsimd.LoadInt32x4(&low5)).Store(&bit)
		dark := uint8(words[word[0]]>>(bit[0]&31)&1) | uint8(words[word[1]]>>(bit[1]&31)&1)<<1 |
			uint8(words[word[2]]>>(bit[2]&31)&1)<<2 | uint8(words[word[3]]>>(bit[3]&31)&1)<<3
		if dark&in.ToBits() != want {
			break
		}
		last := tv.Select128FromPair(1, 1, tv)
		tv = last.SelectFromPairGrouped(1, 1, last).Add(stepv).Add(i1).Add(i2).Add(i3)
	}
	tv.Store(&ts)
	archsimd.ClearAVXUpperBits()
	return ts[0]
}

// shiftBy5 is the count of a shift, one a lane, loaded from memory: a
// count given as a number (ShiftAllRight) goes through an SSE
// instruction.
var shiftBy5 = [4]int32{5, 5, 5, 5}

// low5 keeps the low five bits of each lane.
var low5 = [4]int32{31, 31, 31, 31}

// addWide is add four sums at a time: every entry of a row of m, the
// scratch ones too, gets its product added as add adds it to those it
// keeps (product, then sum), which are thus add's bit for bit. It
// reports false, having done nothing, without AVX2, and clears the
// registers' upper halves before it returns.
func (n *normal6) addWide(row *[6]float64, rhs float64) bool {
	if !lineVectors {
		return false
	}
	tail := [4]float64{row[4], row[5]} // before the first vector instruction
	lo := archsimd.LoadFloat64x4((*[4]float64)(row[0:4]))
	hi := archsimd.LoadFloat64x4(&tail)
	for a := range 6 {
		ra := archsimd.BroadcastFloat64x4(row[a])
		m := &n.m[a]
		archsimd.LoadFloat64x4((*[4]float64)(m[0:4])).Add(ra.Mul(lo)).Store((*[4]float64)(m[0:4]))
		archsimd.LoadFloat64x4((*[4]float64)(m[4:8])).Add(ra.Mul(hi)).Store((*[4]float64)(m[4:8]))
	}
	r := archsimd.BroadcastFloat64x4(rhs)
	archsimd.LoadFloat64x4((*[4]float64)(n.r[0:4])).Add(lo.Mul(r)).Store((*[4]float64)(n.r[0:4]))
	archsimd.LoadFloat64x4((*[4]float64)(n.r[4:8])).Add(hi.Mul(r)).Store((*[4]float64)(n.r[4:8]))
	archsimd.ClearAVXUpperBits()
	return true
}
