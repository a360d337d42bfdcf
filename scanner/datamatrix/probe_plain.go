//go:build !amd64 || !goexperiment.simd

package datamatrix

// probeVectors is false: probe reads every point itself.
var probeVectors = false

// probeWide does nothing here: vector registers are used only on amd64
// in builds with the simd experiment, and probe reads every point itself.
func (b *bitImage) probeWide(base, dir point, band float64) (p point, ok, done bool) {
	return point{}, false, false
}

// firstReadWide does nothing here: firstRead reads every point itself.
func (b *bitImage) firstReadWide(p, dir point, from, step float64, n int, want bool) (int, bool) {
	return 0, false
}
