//go:build !amd64 || !goexperiment.simd

package datamatrix

// areaVectors is false: vector registers are used only on amd64 in builds
// with the simd experiment.
var areaVectors = false

// farthestAreaWide does nothing here: farthestArea does every pixel.
func farthestAreaWide(flat []int32, dx, dy, c, maxX, maxY int) (done, first, maxArea int, ties bool) {
	return 0, -1, -1, false
}
