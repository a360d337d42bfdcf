//go:build !amd64 || !goexperiment.simd

package aztec

// angleVectors is false: vector registers are used only on amd64 in
// builds with the simd experiment.
var angleVectors = false

// addWide does nothing here: add does every angle.
func (a *angleSums) addWide(qs []ringOffset) bool { return false }
