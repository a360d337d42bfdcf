//go:build amd64 && goexperiment.simd

package scanner

import (
	"math"
	"simd/archsimd"
)

// signLineVectors tells whether signSampler.line samples four pixels at
// once: AVX's four doubles, multiplied and added as the scalar code does
// (rounded each, not fused) and truncated to whole pixels as it does.
var signLineVectors = archsimd.X86.AVX()

// sampleLineWide samples out[k] = pix[int(y+dy*k)*stride+int(x+dx*k)] for
// the k of out in whole groups of four; it returns how many it did. The
// caller has checked that every sample lies within pix.
func sampleLineWide(out, pix []byte, stride int, x, y, dx, dy float64) int {
	groups := len(out) / 4
	if !signLineVectors || groups == 0 || len(pix) > math.MaxInt32 {
		return 0
	}
	var at [4]int32 // zeroed before the first vector instruction (sse_test.go)
	k := archsimd.LoadFloat64x4(&[4]float64{0, 1, 2, 3})
	four := archsimd.BroadcastFloat64x4(4)
	vx, vy := archsimd.BroadcastFloat64x4(x), archsimd.BroadcastFloat64x4(y)
	vdx, vdy := archsimd.BroadcastFloat64x4(dx), archsimd.BroadcastFloat64x4(dy)
	vstride := archsimd.BroadcastInt32x4(int32(stride))
	for g := range groups {
		px := vdx.Mul(k).Add(vx).ConvertToInt32()
		py := vdy.Mul(k).Add(vy).ConvertToInt32()
		py.Mul(vstride).Add(px).Store(&at)
		o := out[4*g : 4*g+4]
		o[0], o[1], o[2], o[3] = pix[at[0]], pix[at[1]], pix[at[2]], pix[at[3]]
		k = k.Add(four)
	}
	archsimd.ClearAVXUpperBits()
	return 4 * groups
}
