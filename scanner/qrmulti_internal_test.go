package scanner

import (
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestQRSingleNeedsCandidatesBlackbox: on the blackbox photos (every
// eighth, to keep it short), binarized as the first pass binarizes them,
// gozxing's single-symbol QR Code detector finds nothing where the multi
// detector kept no candidate finder pattern, which is why the QR Code
// reader does not run it there.
func TestQRSingleNeedsCandidatesBlackbox(t *testing.T) {
	pool := NewPlanePool(0)
	multi, single := newQRMultiReader(), zqr.NewQRCodeReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	none := 0
	for i, img := range blackbox.Load(t) {
		if i%8 != 0 {
			continue
		}
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		var sc scratch
		bm, err := gozxing.NewBinaryBitmap(newHybridBinarizer(newPlaneSource(f, &sc)))
		if err != nil {
			t.Fatal(err)
		}
		multi.DecodeMultiple(bm, hints)
		if multi.candidates == 0 {
			none++
			if res, err := single.Decode(bm, hints); err == nil {
				t.Errorf("%s: the single detector read %q where the multi detector saw no candidate", img.Rel, res.GetText())
			}
		}
		wipeBitmap(bm, true)
		sc.wipe()
		f.Purge()
	}
	t.Logf("%d photos without a candidate", none)
}
