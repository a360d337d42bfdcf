package robust_test

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// MicroPDF417 symbols on a ground grainy with sensor noise (a sigma of 8
// gray levels) are read: binarized at each block's mean, the ground turns
// to speckle, every cell of it busy, and only the cells whose changes run
// one way, the symbol's, are searched for its rows.
func TestRobustnessNoisyMicroPDF417(t *testing.T) {
	read, n := readSuite(t, scanner.NewDecoder(), scanner.MicroPDF417, "noise", 3, samplesAt(8, []int{0, 1, 2}))
	if read < n {
		t.Errorf("read %d of %d symbols in noise of sigma 8", read, n)
	}
}
