package dxfilmedge

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackboxNoFalsePositives: the set has no DX film edge barcodes, so
// no image may give one, in either binarization, along rows or columns.
func TestBlackboxNoFalsePositives(t *testing.T) {
	t.Parallel()
	r := &Reader{}
	for _, im := range blackbox.Load(t) {
		// The luminance gozxing takes from the image, as a gray image.
		src := gozxing.NewLuminanceSourceFromImage(blackbox.Open(t, im.Path))
		w, h := src.GetWidth(), src.GetHeight()
		gray := &image.Gray{Pix: src.GetMatrix(), Stride: w, Rect: image.Rect(0, 0, w, h)}
		for _, bm := range blackbox.Binarized(t, gray) {
			m, err := bm.GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range r.Read(m, grayImage{gray}, quarterTurns) {
				t.Errorf("%s (%s): false DX film edge %q", im.Rel, im.Family, s.Text)
			}
		}
	}
}
