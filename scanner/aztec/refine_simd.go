//go:build amd64 && goexperiment.simd

package aztec

import "simd/archsimd"

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
	mw, cw := archsimd.BroadcastFloat64x4(l.mw), archsimd.BroadcastFloat64x4(l.cw)
	mx, cx := archsimd.BroadcastFloat64x4(l.mx), archsimd.BroadcastFloat64x4(l.cx)
	my, cy := archsimd.BroadcastFloat64x4(l.my), archsimd.BroadcastFloat64x4(l.cy)
	c, f := archsimd.BroadcastFloat64x4(l.c), archsimd.BroadcastFloat64x4(l.f)
	zero, one, tiny := archsimd.BroadcastFloat64x4(0), archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(1e-12)
	width, height := archsimd.BroadcastFloat64x4(float64(b.w)), archsimd.BroadcastFloat64x4(float64(b.h))
	rowSize, low5 := archsimd.BroadcastInt32x4(int32(b.rowSize)), archsimd.BroadcastInt32x4(31)
	want := uint8(0) // the four pixels' darkness, a bit each, as prev says
	if prev {
		want = 0xF
	}
	var ts [4]float64
	var word, bit [4]int32
	for {
		t1 := t + step
		t2 := t1 + step
		t3 := t2 + step
		if !(t3 <= end) {
			break
		}
		ts = [4]float64{t, t1, t2, t3}
		tv := archsimd.LoadFloat64x4(&ts)
		w := mw.Mul(tv).Add(cw).Add(one)
		w = w.Merge(tiny, w.NotEqual(zero)) // 1e-12 where w is 0
		px := mx.Mul(tv).Add(cx).Add(c).Div(w)
		py := my.Mul(tv).Add(cy).Add(f).Div(w)
		in := px.GreaterEqual(zero).And(py.GreaterEqual(zero)).And(px.Less(width)).And(py.Less(height))
		// The lanes outside read pixel (0, 0), and count as light.
		ix, iy := px.Merge(zero, in).ConvertToInt32(), py.Merge(zero, in).ConvertToInt32()
		iy.Mul(rowSize).Add(ix.ShiftAllRight(5)).Store(&word)
		ix.And(low5).Store(&bit)
		words := b.words
		dark := uint8(words[word[0]]>>(bit[0]&31)&1) | uint8(words[word[1]]>>(bit[1]&31)&1)<<1 |
			uint8(words[word[2]]>>(bit[2]&31)&1)<<2 | uint8(words[word[3]]>>(bit[3]&31)&1)<<3
		if dark&in.ToBits() != want {
			break
		}
		t = t3 + step
	}
	archsimd.ClearAVXUpperBits()
	return t
}

// addWide is add four sums at a time: every entry of a row of m, the
// scratch ones too, gets its product added as add adds it to those it
// keeps (product, then sum), which are thus add's bit for bit. It
// reports false, having done nothing, without AVX2, and clears the
// registers' upper halves before it returns.
func (n *normal6) addWide(row *[6]float64, rhs float64) bool {
	if !lineVectors {
		return false
	}
	lo := archsimd.LoadFloat64x4((*[4]float64)(row[0:4]))
	hi := archsimd.LoadFloat64x4(&[4]float64{row[4], row[5]})
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
