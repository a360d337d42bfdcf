package aztec

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

// decodeFile decodes an image file the way the decode engine does: hybrid
// binarizer first, global histogram binarizer when that finds nothing.
func decodeFile(t testing.TB, r *Reader, path string, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
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
	src := gozxing.NewLuminanceSourceFromImage(img)
	var lastErr error
	for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
		bmp, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.DecodeMultiple(bmp, hints)
		if err == nil && len(res) > 0 {
			return res, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// blackboxFloors is the number of images of each family that must decode to
// the expected text, with and without TRY_HARDER. Floors only ever go up.
var blackboxFloors = map[bool]map[string]int{
	true:  {"aztec": 17},
	false: {"aztec": 17},
}

func TestBlackbox(t *testing.T) {
	for _, tryHarder := range []bool{true, false} {
		name := "normal"
		if tryHarder {
			name = "try harder"
		}
		t.Run(name, func(t *testing.T) {
			hints := map[gozxing.DecodeHintType]interface{}{}
			if tryHarder {
				hints[gozxing.DecodeHintType_TRY_HARDER] = true
			}
			checkBlackbox(t, hints, blackboxFloors[tryHarder])
		})
	}
}

func checkBlackbox(t *testing.T, hints map[gozxing.DecodeHintType]interface{}, floors map[string]int) {
	imgs := blackbox.Load(t)
	decoded := map[string]int{}
	total := map[string]int{}
	r := NewReader()
	for _, im := range imgs {
		if _, ok := floors[im.Family]; !ok && im.Family != "none" {
			continue
		}
		total[im.Family]++
		res, err := decodeFile(t, r, im.Path, hints)
		if im.Family == "none" {
			for _, x := range res {
				t.Errorf("%s: false positive %q", im.Rel, x.GetText())
			}
			continue
		}
		ok := false
		for _, x := range res {
			if blackbox.Matches(x.GetText(), im.Expected) {
				ok = true
			}
		}
		if ok {
			decoded[im.Family]++
		} else {
			got := ""
			if len(res) > 0 {
				got = res[0].GetText()
			}
			t.Logf("%s: not decoded (err %v, got %q)", im.Rel, err, got)
		}
	}
	for fam, floor := range floors {
		t.Logf("%s: %d/%d decoded", fam, decoded[fam], total[fam])
		if decoded[fam] < floor {
			t.Errorf("%s: %d/%d decoded, floor is %d", fam, decoded[fam], total[fam], floor)
		}
	}
}
