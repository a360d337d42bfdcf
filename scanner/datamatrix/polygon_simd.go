//go:build amd64 && goexperiment.simd

package datamatrix

import "simd/archsimd"

// areaVectors tells whether farthestArea works in vector registers: AVX2's
// 32-bit products, absolute values and maxima of eight pixels at once.
var areaVectors = archsimd.X86.AVX2()

// areaLanes[l] is the pixel, of the eight a step of farthestAreaWide
// takes, whose area lands in lane l: the pairwise sums of two vectors of
// four pixels come out in this order.
var areaLanes = [8]int32{0, 1, 4, 5, 2, 3, 6, 7}

// farthestAreaWide is farthestArea over the first pixels of flat (x and y
// in turn) in whole groups of eight, as long as the areas and every
// step to them fit in 32 bits (maxX and maxY bound the coordinates): it
// returns how many pixels it did and their farthestArea results.
func farthestAreaWide(flat []int32, dx, dy, c, maxX, maxY int) (done, first, maxArea int, ties bool) {
	first, maxArea = -1, -1
	n := len(flat) / 2 / 8 * 8
	if !areaVectors || n == 0 || max(dx, -dx)*maxY+max(dy, -dy)*maxX >= 1<<31 {
		return 0, first, maxArea, false
	}
	// Each pixel's area is dx*y - dy*x - c, in 32 bits: the products
	// and differences wrap, but the area itself fits.
	k := archsimd.LoadInt32x8(&[8]int32{int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx)})
	cv := archsimd.BroadcastInt32x8(int32(c))
	mx := archsimd.BroadcastInt32x8(-1)
	idx := archsimd.BroadcastInt32x8(0)
	tie := archsimd.BroadcastInt32x8(0)
	at := archsimd.LoadInt32x8(&areaLanes)
	eight := archsimd.BroadcastInt32x8(8)
	for i := 0; i < n; i += 8 {
		lo := archsimd.LoadInt32x8Slice(flat[2*i : 2*i+8]).Mul(k)
		hi := archsimd.LoadInt32x8Slice(flat[2*i+8 : 2*i+16]).Mul(k)
		a := lo.AddPairsGrouped(hi).Sub(cv).Abs()
		gt := a.Greater(mx)
		eq := a.Equal(mx).ToInt32x8()
		mx = mx.Max(a)
		idx = at.Merge(idx, gt)
		tie = tie.AndNot(gt.ToInt32x8()).Or(eq)
		at = at.Add(eight)
	}
	// Each lane holds its largest area, where it first came, and
	// whether it came again; the largest of all comes first in the lane
	// with the least index, and ties where two lanes or more reach it or
	// one reaches it twice.
	var m, f, t [8]int32
	mx.Store(&m)
	idx.Store(&f)
	tie.Store(&t)
	for l := range 8 {
		switch a := int(m[l]); {
		case a > maxArea:
			first, maxArea, ties = int(f[l]), a, t[l] != 0
		case a == maxArea:
			first, ties = min(first, int(f[l])), true
		}
	}
	return n, first, maxArea, ties
}
