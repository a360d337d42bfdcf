package pdf417

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackboxNoFalsePositives runs the reader over the images that hold no barcode
// and over the other symbologies' images: it must find nothing in them.
func TestBlackboxNoFalsePositives(t *testing.T) {
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, im := range blackbox.Load(t) {
		if im.Family == "pdf417" {
			continue
		}
		res, _ := blackbox.ReadFile(t, NewReader(), im.Path, hints)
		for _, r := range res {
			t.Errorf("%s (%s): false PDF417 %q", im.Rel, im.Family, r.GetText())
		}
	}
}

func TestNothingInBlankAndNoise(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range blank.Pix {
		blank.Pix[i] = 200
	}
	stripes := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			if (x/3)%3 == 0 || (x/17)%2 == 0 {
				stripes.Pix[y*640+x] = 20
			} else {
				stripes.Pix[y*640+x] = 230
			}
		}
	}
	for name, img := range map[string]image.Image{"blank": blank, "stripes": stripes} {
		t.Run(name, func(t *testing.T) {
			_, err := NewReader().Decode(bitmap(img), nil)
			if _, ok := err.(gozxing.NotFoundException); !ok {
				t.Errorf("error %v, want a NotFoundException", err)
			}
		})
	}
}
