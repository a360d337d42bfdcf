//go:build !(amd64 && goexperiment.simd)

package scanner

// sampleLineWide samples no pixels without vector registers: line
// samples them one by one.
func sampleLineWide(out, pix []byte, stride int, x, y, dx, dy float64) int { return 0 }
