package hanxin_test

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/hanxin"
)

// Symbols of the robustness suite blurred by half a module are read from
// the gray view: binarized, each module that differs from all its
// neighbours reads as they do (8 to 37 of a grid's), too many for the
// error correction, and the gray levels equalized for the neighbours'
// pull read every one. The binarized image alone reads none of them.
// (Sample 0 has a finder merged with the data beside it, and reads
// neither way.)
func TestDecodeGrayReadsBlurredModules(t *testing.T) {
	a, _ := robust.AxisNamed("blur")
	cases := slices.DeleteFunc(robust.Cases(scanner.HanXin, a, 6, 1), func(c robust.Case) bool {
		return c.Level != 0.5 || c.Index == 0
	})
	r := hanxin.NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	read := func(gray bool) func(*robust.Symbol, *image.Gray) error {
		return func(s *robust.Symbol, img *image.Gray) error {
			src := gozxing.NewLuminanceSourceFromImage(img)
			bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
			if err != nil {
				return err
			}
			var res []*gozxing.Result
			if gray {
				res, err = r.DecodeGray(src, bm, hints)
			} else {
				res, err = r.DecodeMultiple(bm, hints)
			}
			r.Wipe()
			if err != nil {
				return err
			}
			for _, x := range res {
				if !s.Matches(x.GetText()) {
					return fmt.Errorf("%w: %q", robust.ErrMisread, x.GetText())
				}
			}
			if len(res) == 0 {
				return errors.New("not read")
			}
			return nil
		}
	}
	if ok, n := robust.ReadCases(t, cases, read(true)); ok < n {
		t.Errorf("read %d of %d samples blurred by half a module from the gray view", ok, n)
	}
	if ok, _ := robust.ReadCases(t, cases, read(false)); ok > 0 {
		t.Errorf("the binarized image alone read %d samples: the test no longer shows the gray view's part", ok)
	}
}
