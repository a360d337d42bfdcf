//go:build !amd64 || !goexperiment.simd

package datamatrix

// lineVectors is false: lineDarks reads every point itself.
var lineVectors = false

// lineDarksWide does nothing here: vector registers are used only on
// amd64 in builds with the simd experiment, and lineDarks reads every
// point itself.
func (b *bitImage) lineDarksWide(l *gridLine, ts []float64, in bool, dark []uint64) int {
	return 0
}
