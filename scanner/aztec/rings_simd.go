//go:build amd64 && goexperiment.simd

package aztec

import "simd/archsimd"

// angleVectors tells whether angleSums.addWide works four angles at a
// time in AVX2's vector registers.
var angleVectors = archsimd.X86.AVX2()

// signBits is the sign bit of four float64 lanes.
var signBits = [4]uint64{1 << 63, 1 << 63, 1 << 63, 1 << 63}

// addWide is add with four angles to a vector, each lane doing one
// angle's arithmetic as add does it, product by product and point by
// point (a lane's sum is added to in the same order), so that the sums
// are add's bit for bit: |x| is max(x, 0−x), which differs from
// math.Abs only at −0, where the quotient's zero adds as the other
// would. It reports false, having done nothing, without AVX2. It clears
// the registers' upper halves before it returns (VZEROUPPER): left set,
// they slow the scalar floating-point code that follows.
func (a *angleSums) addWide(qs []ringOffset) bool {
	if !angleVectors {
		return false
	}
	var zero archsimd.Float64x4 // BroadcastFloat64x4(0) takes an SSE instruction
	sign := archsimd.LoadUint64x4(&signBits)
	for g := 0; g < angleSlots; g += 4 {
		sin := archsimd.LoadFloat64x4((*[4]float64)(a.sin[g : g+4]))
		cos := archsimd.LoadFloat64x4((*[4]float64)(a.cos[g : g+4]))
		s := archsimd.LoadFloat64x4((*[4]float64)(a.s[g : g+4]))
		ss := archsimd.LoadFloat64x4((*[4]float64)(a.ss[g : g+4]))
		for _, q := range qs {
			qx, qy := archsimd.BroadcastFloat64x4(q.x), archsimd.BroadcastFloat64x4(q.y)
			x := qx.Mul(cos).Add(qy.Mul(sin))
			// −q.x with the sign bit flipped in the vector register:
			// negated in a scalar one, it took an SSE instruction
			// (scanner's sse_test.go).
			y := qx.AsUint64x4().Xor(sign).AsFloat64x4().Mul(sin).Add(qy.Mul(cos))
			m := x.Max(zero.Sub(x)).Max(y.Max(zero.Sub(y)))
			r := m.Div(archsimd.BroadcastFloat64x4(q.half))
			s = s.Add(r)
			ss = ss.Add(r.Mul(r))
		}
		s.Store((*[4]float64)(a.s[g : g+4]))
		ss.Store((*[4]float64)(a.ss[g : g+4]))
	}
	archsimd.ClearAVXUpperBits()
	return true
}
