package hanxin

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestPromisingWantsPairableFinders: finder patterns that could not be
// two of one symbol's (closer than a symbol's finders lie, or of modules
// unlike) do not make a search promising, as the two finders of a symbol
// with the other two covered do.
func TestPromisingWantsPairableFinders(t *testing.T) {
	zint.Need(t)
	const module = 4
	sym, _ := zint.Image(t, "-b", "HANXIN", "--vers=3", "-d", "finders").Render(zint.Scene{Module: module})
	// The top-left finder, its separator and a module of the margin: the
	// raster starts ten modules in.
	finder := sym.SubImage(image.Rect(9*module, 9*module, 18*module, 18*module)).(*image.Gray)
	paste := func(dst *image.Gray, x, y int) {
		for r := range finder.Rect.Dy() {
			copy(dst.Pix[(y+r)*dst.Stride+x:], finder.Pix[r*finder.Stride:r*finder.Stride+finder.Rect.Dx()])
		}
	}
	blank := func() *image.Gray {
		img := image.NewGray(image.Rect(0, 0, 320, 160))
		for i := range img.Pix {
			img.Pix[i] = 210
		}
		return img
	}
	read := func(img *image.Gray) (cands int, promising bool) {
		bm, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		r := NewReader()
		m, _ := bm.GetBlackMatrix()
		cands = len(r.findCandidates(m, 2, nil))
		r.Decode(bm, nil)
		return cands, r.Promising()
	}
	close := blank()
	paste(close, 40, 40)
	paste(close, 40+8*module, 40) // eight modules apart
	if n, p := read(close); n < 2 || p {
		t.Errorf("two finders eight modules apart: %d candidates, promising %v", n, p)
	}
	apart := blank()
	paste(apart, 40, 40)
	paste(apart, 40+30*module, 40)
	if n, p := read(apart); n < 2 || !p {
		t.Errorf("two finders thirty modules apart: %d candidates, promising %v", n, p)
	}
}
