//go:build !amd64 || !goexperiment.simd

package datamatrix

// areaVectors is false: vector registers are used only on amd64 in builds
// with the simd experiment.
var areaVectors = false

// farthestAreaWide does nothing here: farthestArea does every pixel.
func farthestAreaWide(flat []int32, dx, dy, c, maxX, maxY int) (done, first, last, maxArea int) {
	return 0, -1, -1, -1
}

// farthestWide does nothing here: simplify does every pixel.
func farthestWide(flat []int32, x0, y0, maxX, maxY int) (done, far int, farD int64) {
	return 0, -1, -1
}

// boundsWide does nothing here: contourBounds does every pixel.
func boundsWide(flat []int32, minX, maxX, minY, maxY int32) (done int, _, _, _, _ int32) {
	return 0, minX, maxX, minY, maxY
}

// tiesWide does nothing here: farthestFromChord measures every pixel.
func tiesWide(flat []int32, dx, dy, c, maxArea, maxX, maxY int, out []int32) (int, []int32) {
	return 0, out
}
