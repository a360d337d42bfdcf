package microqr

import (
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/scannerd/scannerd/internal/blackbox"
)

func loadImage(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

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
		src := gozxing.NewLuminanceSourceFromImage(img)
		for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
			bmp, err := gozxing.NewBinaryBitmap(bin)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.DecodeMultiple(bmp, hints)
			for _, x := range res {
				t.Errorf("%s (%s): false Micro QR %q", im.Rel, im.Family, x.GetText())
			}
			_ = err
		}
	}
	if byFamily["qrcode"] == 0 || byFamily["none"] == 0 {
		t.Fatalf("set lacks qrcode or none images: %v", byFamily)
	}
}
