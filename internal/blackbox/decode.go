package blackbox

import (
	"image"
	_ "image/gif" // the set holds GIF, JPEG and PNG files
	_ "image/jpeg"
	_ "image/png"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// Open decodes the image file of a manifest row (or any image file).
func Open(t testing.TB, path string) image.Image {
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

// Binarized returns img binarized as the engine's first two strategies
// do: with the hybrid binarizer, then with the global histogram one. A
// reader tested on both sees what it will see in the engine.
func Binarized(t testing.TB, img image.Image) []*gozxing.BinaryBitmap {
	t.Helper()
	src := gozxing.NewLuminanceSourceFromImage(img)
	var out []*gozxing.BinaryBitmap
	for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
		bm, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bm)
	}
	return out
}

// MultiReader reads every symbol of its symbology in a binarized image, as
// the scanner's area readers do.
type MultiReader interface {
	DecodeMultiple(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error)
}

// ReadFile decodes the image file at path with r the way the engine's
// first two strategies do: hybrid binarizer, then the global histogram one
// when that finds nothing.
func ReadFile(t testing.TB, r MultiReader, path string, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	t.Helper()
	var lastErr error
	for _, bm := range Binarized(t, Open(t, path)) {
		res, err := r.DecodeMultiple(bm, hints)
		if err == nil && len(res) > 0 {
			return res, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// CheckFloors reads every image of the families in floors with a reader
// from newReader, with and without TRY_HARDER, and fails when a family
// reads fewer images to their expected text than its floor. Floors only
// ever go up. Images of the family "none", when floors names it, must give
// nothing at all.
func CheckFloors(t *testing.T, newReader func() MultiReader, floors map[string]int) {
	imgs := Load(t)
	for _, tryHarder := range []bool{false, true} {
		name, hints := "normal", map[gozxing.DecodeHintType]interface{}{}
		if tryHarder {
			name = "try harder"
			hints[gozxing.DecodeHintType_TRY_HARDER] = true
		}
		t.Run(name, func(t *testing.T) {
			r := newReader()
			decoded, total := map[string]int{}, map[string]int{}
			for _, im := range imgs {
				if _, ok := floors[im.Family]; !ok {
					continue
				}
				total[im.Family]++
				res, err := ReadFile(t, r, im.Path, hints)
				if im.Family == "none" {
					for _, x := range res {
						t.Errorf("%s: false positive %q", im.Rel, x.GetText())
					}
					continue
				}
				read := false
				for _, x := range res {
					read = read || Matches(x.GetText(), im.Expected)
				}
				if read {
					decoded[im.Family]++
					continue
				}
				got := ""
				if len(res) > 0 {
					got = res[0].GetText()
				}
				t.Logf("%s: not decoded (err %v, got %q)", im.Rel, err, got)
			}
			for fam, floor := range floors {
				if fam == "none" {
					continue
				}
				t.Logf("%s: %d/%d decoded", fam, decoded[fam], total[fam])
				if decoded[fam] < floor {
					t.Errorf("%s: %d/%d decoded, floor is %d", fam, decoded[fam], total[fam], floor)
				}
			}
		})
	}
}
