package scanner

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// The area readers that search one crop of a pass's binarized image are
// given one bitmap of it, made once: the bitmap croppedBitmap makes of the
// image as it is, word for word, until the image changes (a symbol painted
// out of it, resetShared), after which the crop is made again from the
// image as it is then; and the crops dropped are cleared.
func TestCropOfMadeOnceUntilTheImageChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const w, h = 150, 90
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = byte(rng.IntN(256))
	}
	src := newPlaneSource(NewFrame(pix, w, h, w), nil)
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			if rng.IntN(2) == 1 {
				m.Set(x, y)
			}
		}
	}
	same := func(what string, got *gozxing.BinaryBitmap, r image.Rectangle) {
		t.Helper()
		want, _, ok := croppedBitmap(src, m, r, nil)
		if !ok {
			t.Fatalf("%s: no crop", what)
		}
		gm, _ := got.GetBlackMatrix()
		wm, _ := want.GetBlackMatrix()
		var gr, wr *gozxing.BitArray
		for y := range wm.GetHeight() {
			gr, wr = gm.GetRow(y, gr), wm.GetRow(y, wr)
			if !slices.Equal(gr.GetBitArray(), wr.GetBitArray()) {
				t.Fatalf("%s: row %d of the crop differs from croppedBitmap's", what, y)
			}
		}
	}
	d := newDecoder()
	crops := []image.Rectangle{image.Rect(3, 5, 70, 40), image.Rect(33, 0, 150, 90)}
	var first []*gozxing.BinaryBitmap
	for _, r := range crops {
		bm, _, ok := d.cropOf(src, m, r)
		if !ok {
			t.Fatalf("crop %v not made", r)
		}
		same("first reader", bm, r)
		first = append(first, bm)
	}
	for i, r := range crops {
		if bm, _, _ := d.cropOf(src, m, r); bm != first[i] {
			t.Errorf("crop %v made again for a second reader of the same image", r)
		}
	}
	m.Flip(40, 20)
	m.Flip(100, 60)
	d.resetShared()
	for i, r := range crops {
		cm, _ := first[i].GetBlackMatrix()
		if cm.GetEnclosingRectangle() != nil {
			t.Errorf("crop %v dropped uncleared", r)
		}
		bm, _, _ := d.cropOf(src, m, r)
		same("after the image changed", bm, r)
	}
}
