package robust_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// Han Xin symbols blurred by half a module, smeared over a module and a
// half or drawn at 1.5 pixels a module are read: the binarized view loses
// their modules that differ from all their neighbours, and the reader
// reads the grid again from the gray view, equalized for the neighbours'
// pull. (The samples are ones that read only so.)
func TestRobustnessHanXinGrayModules(t *testing.T) {
	d := scanner.NewDecoder()
	for _, c := range []struct {
		axis    string
		level   float64
		samples []int
	}{
		{"blur", 0.5, []int{1, 3, 4}},
		{"motion", 1.5, []int{5}},
		{"module", 1.5, []int{1, 3}},
	} {
		t.Run(c.axis, func(t *testing.T) {
			ok, n := readSuite(t, d, scanner.HanXin, c.axis, slices.Max(c.samples)+1, samplesAt(c.level, c.samples))
			if ok < n {
				t.Errorf("read %d of %d samples at %s %v", ok, n, c.axis, c.level)
			}
		})
	}
}

// Han Xin symbols smeared over a module and a half or at 25 gray levels
// of contrast, whose top-left finder merges with the data beside it, are
// read from the other three finders and the fourth corner they predict.
// (The samples are ones that read only so.)
func TestRobustnessHanXinThreeFinders(t *testing.T) {
	d := scanner.NewDecoder()
	for _, c := range []struct {
		axis    string
		level   float64
		samples []int
	}{
		{"motion", 1.5, []int{0, 2}},
		{"contrast", 25, []int{3}},
	} {
		t.Run(c.axis, func(t *testing.T) {
			ok, n := readSuite(t, d, scanner.HanXin, c.axis, slices.Max(c.samples)+1, samplesAt(c.level, c.samples))
			if ok < n {
				t.Errorf("read %d of %d samples at %s %v", ok, n, c.axis, c.level)
			}
		})
	}
}
