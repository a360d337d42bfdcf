package dxfilmedge

import (
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackboxNoFalsePositives: the set has no DX film edge barcodes, so
// no image may give one, in either binarization, upright or turned a
// quarter.
func TestBlackboxNoFalsePositives(t *testing.T) {
	t.Parallel()
	r := &Reader{}
	for _, im := range blackbox.Load(t) {
		for _, bm := range blackbox.Binarized(t, blackbox.Open(t, im.Path)) {
			m, err := bm.GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			for turn := 0; turn < 2; turn++ {
				for _, s := range r.Read(m) {
					t.Errorf("%s (%s) turned %d: false DX film edge %q", im.Rel, im.Family, turn, s.Text)
				}
				m.Rotate90()
			}
		}
	}
}
