//go:build !amd64 || !goexperiment.simd

package aztec

// lineVectors is false: vector registers are used only on amd64 in
// builds with the simd experiment.
var lineVectors = false

// skipWide does nothing here: firstChange reads every sample.
func (l *lineMap) skipWide(b *bitImage, t, step, end float64, prev bool) float64 { return t }

// addWide does nothing here: add adds every sum.
func (n *normal6) addWide(row *[6]float64, rhs float64) bool { return false }
