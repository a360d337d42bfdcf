package databar

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// decodeLikeEngine decodes img the way the scanner engine prepares
// frames: hybrid binarizer, then global histogram, then both again on the
// image turned 90°. A panic the reader recovered from fails the test.
func decodeLikeEngine(t testing.TB, r *Reader, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	t.Helper()
	src := gozxing.NewLuminanceSourceFromImage(img)
	var lastErr error
	for _, rotate := range []bool{false, true} {
		s := src
		if rotate {
			rs, err := src.RotateCounterClockwise()
			if err != nil {
				return nil, err
			}
			s = rs
		}
		for _, binarize := range []func(gozxing.LuminanceSource) gozxing.Binarizer{
			gozxing.NewHybridBinarizer, gozxing.NewGlobalHistgramBinarizer,
		} {
			bmp, err := gozxing.NewBinaryBitmap(binarize(s))
			if err != nil {
				return nil, err
			}
			res, err := r.Decode(bmp, hints)
			if err == nil {
				return res, nil
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("reader panicked: %v", err)
			}
			lastErr = err
		}
	}
	return nil, lastErr
}

func loadImage(t testing.TB, path string) image.Image { return blackbox.Open(t, path) }

// blackboxFloors are the decode counts the reader reaches on the real
// images of each family (58 and 65 images), with and without TRY_HARDER;
// they must never drop.
var blackboxFloors = map[string]int{
	"rssexpanded":        58,
	"rssexpandedstacked": 65,
}

func TestBlackbox(t *testing.T) {
	imgs := blackbox.Load(t)
	for _, hard := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "try-harder"}[hard], func(t *testing.T) {
			var hints map[gozxing.DecodeHintType]interface{}
			if hard {
				hints = tryHarder
			}
			got := map[string]int{}
			total := map[string]int{}
			for _, im := range imgs {
				if _, ok := blackboxFloors[im.Family]; !ok {
					continue
				}
				total[im.Family]++
				res, err := decodeLikeEngine(t, NewReader(), loadImage(t, im.Path), hints)
				switch {
				case err != nil:
					t.Logf("%s: no read: %v", im.Rel, err)
				case !blackbox.Matches(res.GetText(), im.Expected):
					t.Errorf("%s: read %q, want %q", im.Rel, res.GetText(), im.Expected)
				default:
					got[im.Family]++
				}
			}
			for fam, floor := range blackboxFloors {
				t.Logf("%s: %d/%d decoded", fam, got[fam], total[fam])
				if got[fam] < floor {
					t.Errorf("%s: %d decoded, floor is %d", fam, got[fam], floor)
				}
			}
		})
	}
}

// TestEncoderMatchesRealSymbol checks the test encoder, which the
// round-trip tests rely on, against a symbol made by another encoder: its
// module rows must equal those of the image, row by row.
func TestEncoderMatchesRealSymbol(t *testing.T) {
	dir, err := blackbox.Dir()
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	// A 6-row stacked symbol, 2 pairs per row, 2 pixels per module, rows
	// 34 modules high with 3 separator modules between them.
	real := loadImage(t, filepath.Join(dir, "rssexpandedstacked-1", "13.png"))
	const hri = "(01)90012345678908(3922)795888888888888888888888888888888888888888888888888888"
	mine := symbolImage(t, hri, 2, 2) // quiet zone of 6 modules
	dark := func(img image.Image, x, y int) bool {
		r, _, _, _ := img.At(x, y).RGBA()
		return r < 0x8000
	}
	for row := 0; row < 6; row++ {
		for m := 0; m < 102; m++ {
			want := dark(real, 2*m+1, 2*(37*row+17))
			if got := dark(mine, 2*(6+m)+1, 2*(6+37*row+17)); got != want {
				t.Fatalf("row %d module %d: dark=%v, the real symbol has %v", row, m, got, want)
			}
		}
	}
}
