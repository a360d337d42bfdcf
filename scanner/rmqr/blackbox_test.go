package rmqr

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackboxNoFalsePositives: the set has no rMQR symbols, so no image
// may give one: not the photos without barcodes, and in particular not
// the QR and Micro QR Codes, whose finder patterns look like rMQR's.
func TestBlackboxNoFalsePositives(t *testing.T) {
	t.Parallel()
	r := NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	byFamily := map[string]int{}
	for _, im := range blackbox.Load(t) {
		byFamily[im.Family]++
		for _, bm := range blackbox.Binarized(t, blackbox.Open(t, im.Path)) {
			res, _ := r.DecodeMultiple(bm, hints)
			for _, x := range res {
				t.Errorf("%s (%s): false rMQR %q", im.Rel, im.Family, x.GetText())
			}
		}
	}
	if byFamily["qrcode"] == 0 || byFamily["none"] == 0 {
		t.Fatalf("set lacks qrcode or none images: %v", byFamily)
	}
}
