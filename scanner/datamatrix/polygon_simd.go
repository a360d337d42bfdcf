//go:build amd64 && goexperiment.simd

package datamatrix

import (
	"math/bits"
	"simd/archsimd"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// areaVectors tells whether farthestArea works in vector registers: AVX2's
// 32-bit products, absolute values and maxima of eight pixels at once.
// The functions that use them clear the registers' upper halves before
// they return (VZEROUPPER): left set, they slow the scalar floating-point
// code that follows, all of the detector's geometry, by more than the
// vectors save.
var areaVectors = archsimd.X86.AVX2()

// areaLanes[l] is the pixel, of the eight a step of farthestAreaWide
// takes, whose area lands in lane l: the pairwise sums of two vectors of
// four pixels come out in this order.
var areaLanes = [8]int32{0, 1, 4, 5, 2, 3, 6, 7}

// farthestAreaWide is farthestArea over the first pixels of flat (x and y
// in turn) in whole groups of eight, as long as the areas and every
// step to them fit in 32 bits (maxX and maxY bound the coordinates): it
// returns how many pixels it did and their farthestArea results.
func farthestAreaWide(flat []int32, dx, dy, c, maxX, maxY int) (done, first, last, maxArea int) {
	first, last, maxArea = -1, -1, -1
	n := len(flat) / 2 / 8 * 8
	if !areaVectors || n == 0 || max(dx, -dx)*maxY+max(dy, -dy)*maxX >= 1<<31 {
		return 0, first, last, maxArea
	}
	// Each pixel's area is dx*y - dy*x - c, in 32 bits: the products
	// and differences wrap, but the area itself fits.
	k := archsimd.LoadInt32x8(&[8]int32{int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx)})
	cv := archsimd.BroadcastInt32x8(int32(c))
	mx := archsimd.BroadcastInt32x8(-1)
	firsts := archsimd.BroadcastInt32x8(0)
	lasts := firsts
	at := archsimd.LoadInt32x8(&areaLanes)
	eight := archsimd.BroadcastInt32x8(8)
	for i := 0; i < n; i += 8 {
		lo := archsimd.LoadInt32x8Slice(flat[2*i : 2*i+8]).Mul(k)
		hi := archsimd.LoadInt32x8Slice(flat[2*i+8 : 2*i+16]).Mul(k)
		a := lo.AddPairsGrouped(hi).Sub(cv).Abs()
		gt := a.Greater(mx)
		firsts = at.Merge(firsts, gt)
		lasts = at.Merge(lasts, gt.Or(a.Equal(mx)))
		mx = mx.Max(a)
		at = at.Add(eight)
	}
	// Each lane holds its largest area and where it came first and
	// last; the largest of all comes first and last among the lanes
	// that reach it.
	var m, f, l [8]int32
	mx.Store(&m)
	firsts.Store(&f)
	lasts.Store(&l)
	archsimd.ClearAVXUpperBits()
	for j := range 8 {
		switch a := int(m[j]); {
		case a > maxArea:
			first, last, maxArea = int(f[j]), int(l[j]), a
		case a == maxArea:
			first, last = min(first, int(f[j])), max(last, int(l[j]))
		}
	}
	return n, first, last, maxArea
}

// farthestWide is simplify's search for the contour pixel farthest from
// x0, y0 over the first pixels of flat (x and y in turn) in whole groups
// of eight, as long as the squared distances fit in 32 bits (maxX and
// maxY bound the coordinates, x0 and y0 among them): it returns how many
// pixels it did, the first of them farthest away, and its squared
// distance.
func farthestWide(flat []int32, x0, y0, maxX, maxY int) (done, far int, farD int64) {
	far, farD = -1, -1
	n := len(flat) / 2 / 8 * 8
	if !areaVectors || n == 0 || maxX*maxX+maxY*maxY >= 1<<31 {
		return 0, far, farD
	}
	o := archsimd.LoadInt32x8(&[8]int32{int32(x0), int32(y0), int32(x0), int32(y0), int32(x0), int32(y0), int32(x0), int32(y0)})
	mx := archsimd.BroadcastInt32x8(-1)
	idx := archsimd.BroadcastInt32x8(0)
	at := archsimd.LoadInt32x8(&areaLanes)
	eight := archsimd.BroadcastInt32x8(8)
	for i := 0; i < n; i += 8 {
		lo := archsimd.LoadInt32x8Slice(flat[2*i : 2*i+8]).Sub(o)
		hi := archsimd.LoadInt32x8Slice(flat[2*i+8 : 2*i+16]).Sub(o)
		d := lo.Mul(lo).AddPairsGrouped(hi.Mul(hi))
		idx = at.Merge(idx, d.Greater(mx))
		mx = mx.Max(d)
		at = at.Add(eight)
	}
	var m, f [8]int32
	mx.Store(&m)
	idx.Store(&f)
	archsimd.ClearAVXUpperBits()
	for l := range 8 {
		switch d := int64(m[l]); {
		case d > farD:
			far, farD = int(f[l]), d
		case d == farD:
			far = min(far, int(f[l]))
		}
	}
	return n, far, farD
}

// boundsWide is contourBounds over the first pixels of flat (x and y in
// turn) in whole groups of four: it returns how many pixels it did and
// the least and greatest x and y of those and of the bounds it is given.
func boundsWide(flat []int32, minX, maxX, minY, maxY int32) (done int, _, _, _, _ int32) {
	n := len(flat) / 2 / 4 * 4
	if !areaVectors || n == 0 {
		return 0, minX, maxX, minY, maxY
	}
	// Even lanes hold x, odd lanes y.
	lo := archsimd.LoadInt32x8(&[8]int32{minX, minY, minX, minY, minX, minY, minX, minY})
	hi := archsimd.LoadInt32x8(&[8]int32{maxX, maxY, maxX, maxY, maxX, maxY, maxX, maxY})
	for i := 0; i < n; i += 4 {
		v := archsimd.LoadInt32x8Slice(flat[2*i : 2*i+8])
		lo, hi = lo.Min(v), hi.Max(v)
	}
	var l, h [8]int32
	lo.Store(&l)
	hi.Store(&h)
	archsimd.ClearAVXUpperBits()
	for j := 0; j < 8; j += 2 {
		minX, maxX = min(minX, l[j]), max(maxX, h[j])
		minY, maxY = min(minY, l[j+1]), max(maxY, h[j+1])
	}
	return n, minX, maxX, minY, maxY
}

// tiesWide appends to out the indices of the pixels of flat (x and y in
// turn), in whole groups of eight, whose area |dx*y - dy*x - c| is
// maxArea, ascending, as long as the areas fit in 32 bits as for
// farthestAreaWide: it returns how many pixels it did and out.
// farthestFromChord then measures only these of the pixels between the
// first and the last farthest in floating point, not every one between.
func tiesWide(flat []int32, dx, dy, c, maxArea, maxX, maxY int, out []int32) (int, []int32) {
	n := len(flat) / 2 / 8 * 8
	if !areaVectors || n == 0 || max(dx, -dx)*maxY+max(dy, -dy)*maxX >= 1<<31 {
		return 0, out
	}
	// Room for a tie a pixel, made before the vector code: grown in the
	// loop, the array let go would be cleared (grow) while the upper
	// halves of the vector registers are set.
	out = scrub.Grow(out, n)
	k := archsimd.LoadInt32x8(&[8]int32{int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx), int32(-dy), int32(dx)})
	cv := archsimd.BroadcastInt32x8(int32(c))
	mx := archsimd.BroadcastInt32x8(int32(maxArea))
	for i := 0; i < n; i += 8 {
		lo := archsimd.LoadInt32x8Slice(flat[2*i : 2*i+8]).Mul(k)
		hi := archsimd.LoadInt32x8Slice(flat[2*i+8 : 2*i+16]).Mul(k)
		for m := uint(laneBits[lo.AddPairsGrouped(hi).Sub(cv).Abs().Equal(mx).ToBits()]); m != 0; m &= m - 1 {
			out = append(out, int32(i+bits.TrailingZeros(m)))
		}
	}
	archsimd.ClearAVXUpperBits()
	return n, out
}

// laneBits[m] has bit areaLanes[l] set for every lane l set in m: the
// pixels, in order, whose areas the lanes of m hold.
var laneBits = func() (t [256]uint8) {
	for m := range t {
		for l, p := range areaLanes {
			if m>>l&1 != 0 {
				t[m] |= 1 << p
			}
		}
	}
	return t
}()
