package hanxin

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackboxNoFalsePositives: the dev set has no Han Xin symbols, so no
// image may give one: not the photos without barcodes, nor the matrix
// codes, whose patterns come closest. (The linear codes' photos, the rest
// of the set, gave none either when last run over them all; they are left
// out to keep make test short.)
func TestBlackboxNoFalsePositives(t *testing.T) {
	t.Parallel()
	r := NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	byFamily := map[string]int{}
	for _, im := range blackbox.Load(t) {
		switch im.Family {
		case "none", "qrcode", "datamatrix", "aztec", "maxicode":
		default:
			continue
		}
		byFamily[im.Family]++
		img := blackbox.Open(t, im.Path)
		for _, bm := range blackbox.Binarized(t, img) {
			res, _ := r.DecodeMultiple(bm, hints)
			for _, x := range res {
				t.Errorf("%s (%s): false Han Xin %q", im.Rel, im.Family, x.GetText())
			}
		}
	}
	if byFamily["none"] == 0 {
		t.Fatalf("set lacks none images: %v", byFamily)
	}
}
