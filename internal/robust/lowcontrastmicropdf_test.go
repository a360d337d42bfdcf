package robust_test

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// MicroPDF417 symbols of 40 gray levels' contrast are read: the first
// pass's binarization wears away their rows' outer bars and speckles their
// quiet zone, so that no row reads there, but the left RAPs down an edge
// advance through their cycle, which makes the reader Promising, and the
// global histogram's pass reads the symbol.
func TestRobustnessLowContrastMicroPDF417(t *testing.T) {
	read, n := readSuite(t, scanner.NewDecoder(), scanner.MicroPDF417, "contrast", 6, samplesAt(40, []int{0, 4, 7}))
	if read < n {
		t.Errorf("read %d of %d symbols of contrast 40", read, n)
	}
}
