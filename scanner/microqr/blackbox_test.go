package microqr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/scannerd/scannerd/internal/blackbox"
)

func loadImage(t testing.TB, path string) image.Image { return blackbox.Open(t, path) }

// TestBlackboxNoFalsePositives: the set has no Micro QR symbols, so no
// image may give one: not the photos without barcodes, and in particular
// not the QR Codes, whose finder patterns look like a Micro QR finder.
func TestBlackboxNoFalsePositives(t *testing.T) {
	r := NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	byFamily := map[string]int{}
	for _, im := range blackbox.Load(t) {
		byFamily[im.Family]++
		img := loadImage(t, im.Path)
		for _, bm := range blackbox.Binarized(t, img) {
			res, _ := r.DecodeMultiple(bm, hints)
			for _, x := range res {
				t.Errorf("%s (%s): false Micro QR %q", im.Rel, im.Family, x.GetText())
			}
		}
	}
	if byFamily["qrcode"] == 0 || byFamily["none"] == 0 {
		t.Fatalf("set lacks qrcode or none images: %v", byFamily)
	}
}
