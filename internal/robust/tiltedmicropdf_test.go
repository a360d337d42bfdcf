package robust_test

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// MicroPDF417 symbols tilted 45 degrees away from the camera are read:
// perspective leans their edge while their rows stay level, so that the
// lines along the edge's normal and along the view's rows cross rows
// foreshortened to about a module and a half, and the other angles are
// tried for an edge whose RAPs advance through their cycle.
func TestRobustnessTiltedMicroPDF417(t *testing.T) {
	read, n := readSuite(t, scanner.NewDecoder(), scanner.MicroPDF417, "tilt", 6, samplesAt(45, []int{0, 2, 4}))
	if read < n {
		t.Errorf("read %d of %d symbols tilted 45 degrees", read, n)
	}
}
