package pdf417

import (
	"image"
	"image/draw"
	"sort"
	"testing"
)

func TestDecodeMultiple(t *testing.T) {
	texts := []string{"FIRST SYMBOL", "second symbol 2", "THIRD 333"}
	canvas := image.NewGray(image.Rect(0, 0, 1280, 720))
	for i := range canvas.Pix {
		canvas.Pix[i] = 255
	}
	place := func(img *image.Gray, x, y int) {
		draw.Draw(canvas, img.Bounds().Add(image.Pt(x, y)), img, image.Point{}, draw.Src)
	}
	spec := symbolSpec{cols: 3, ecLevel: 2}
	place(makeSymbol(t, []segment{textSeg(texts[0])}, spec, 2), 40, 40)
	place(makeSymbol(t, []segment{textSeg(texts[1])}, spec, 2), 500, 300)
	place(rotateRight(makeSymbol(t, []segment{textSeg(texts[2])}, spec, 2), 1), 1000, 100)

	res, err := NewReader().DecodeMultiple(bitmap(canvas), nil)
	if err != nil {
		t.Fatalf("DecodeMultiple: %v", err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.GetText())
	}
	sort.Strings(got)
	want := append([]string(nil), texts...)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}
