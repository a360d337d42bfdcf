package maxicode

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/scannerd/scannerd/internal/blackbox"
)

// decodeImage decodes as the engine does: hybrid binarizer, then global
// histogram.
func decodeImage(t testing.TB, r *Reader, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (res *gozxing.Result, err error) {
	t.Helper()
	for _, bm := range blackbox.Binarized(t, img) {
		if res, err = r.Decode(bm, hints); err == nil {
			return res, nil
		}
	}
	return nil, err
}

func loadImage(t testing.TB, path string) image.Image { return blackbox.Open(t, path) }

// blackboxFloor is the number of maxicode family images decoded; it must
// never drop (zxing-cpp 1.4.0 decodes 7 of the 9).
const blackboxFloor = 9

func TestBlackbox(t *testing.T) {
	imgs := blackbox.Load(t)
	for _, tc := range []struct {
		name  string
		hints map[gozxing.DecodeHintType]interface{}
	}{
		{"default", nil},
		{"try harder", map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader()
			decodedN := 0
			for _, im := range imgs {
				if im.Family != "maxicode" {
					continue
				}
				res, err := decodeImage(t, r, loadImage(t, im.Path), tc.hints)
				switch {
				case err != nil:
					t.Logf("%s: %v", im.Rel, err)
				case !blackbox.Matches(res.GetText(), im.Expected):
					t.Errorf("%s: got %q, want %q", im.Rel, res.GetText(), im.Expected)
				default:
					decodedN++
				}
			}
			if decodedN < blackboxFloor {
				t.Errorf("decoded %d maxicode images, floor is %d", decodedN, blackboxFloor)
			}
		})
	}
}

// TestBlackboxNoFalsePositives: images without a barcode, and images of
// every other symbology, give no MaxiCode.
func TestBlackboxNoFalsePositives(t *testing.T) {
	r := NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	n := 0
	for _, im := range blackbox.Load(t) {
		if im.Family == "maxicode" {
			continue
		}
		n++
		if res, err := decodeImage(t, r, loadImage(t, im.Path), hints); err == nil {
			t.Errorf("%s (%s): false MaxiCode %q", im.Rel, im.Family, res.GetText())
		}
	}
	if n == 0 {
		t.Fatal("no images without MaxiCode in the set")
	}
}
