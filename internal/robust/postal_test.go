package robust_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// postalSamples reads the suite's samples of postal codes at one level of
// an axis, and fails where any is not read.
func postalSamples(t *testing.T, axis string, level float64, cases []struct {
	sym     scanner.Symbology
	samples []int
}) {
	t.Helper()
	d := scanner.NewDecoder()
	for _, c := range cases {
		t.Run(c.sym.String(), func(t *testing.T) {
			ok, n := readSuite(t, d, c.sym, axis, slices.Max(c.samples)+1, samplesAt(level, c.samples))
			if ok < n {
				t.Errorf("read %d of %d samples at %s %v", ok, n, axis, level)
			}
		})
	}
}

// Postal codes blurred by half a module are read: blur joins the bars
// at the tracker, where they all stand, so that the chain found holds a
// few bars of the symbol, and the others are probed for beyond its ends
// along the line through the bars' middles, which must not lean after
// the order of the tall and short bars in the chain. (The samples are
// ones that read only so.)
func TestRobustnessBlurredPostal(t *testing.T) {
	postalSamples(t, "blur", 0.5, []struct {
		sym     scanner.Symbology
		samples []int
	}{
		{scanner.POSTNET, []int{4}},
		{scanner.USPSIMB, []int{0, 4}},
	})
}

// Postal codes in noise or tilted far are read: the trackers probed for
// beyond a chain's ends are kept down to a fifth of the tallest bar
// measured, where the chain's longest blob, a bar with specks of noise
// joined to it, is longer. (The samples are ones that read only so.)
func TestRobustnessPostalTrackersProbed(t *testing.T) {
	postalSamples(t, "noise", 24, []struct {
		sym     scanner.Symbology
		samples []int
	}{{scanner.USPSIMB, []int{5}}})
	postalSamples(t, "tilt", 60, []struct {
		sym     scanner.Symbology
		samples []int
	}{{scanner.KIX, []int{0, 2}}})
}

// POSTNET codes blurred by half a module are read where the binarized
// bars join along their baseline in runs of a few, and no part of the
// chain between them holds more than six or seven bars: such a part is
// measured, and the probing beyond its ends finds the rest. (The samples
// are ones that read only so.)
func TestRobustnessShortPostalChains(t *testing.T) {
	postalSamples(t, "blur", 0.5, []struct {
		sym     scanner.Symbology
		samples []int
	}{{scanner.POSTNET, []int{0, 2}}})
}
