package rmqr

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// After Wipe the reader keeps nothing of the images it read since the
// last Wipe: not where a symbol's edges and anchors lay, its modules or
// codewords, nor the boxes round a symbol of small modules that did not
// decode, which Small gives between the read and the Wipe.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	const module = 3
	sym, corners := zint.Image(t, "-b", "RMQR", "-d", "secret rmqr").Render(zint.Scene{Module: module})
	if w, h := (corners[1][0]-corners[0][0])/module, (corners[3][1]-corners[0][1])/module; w != 27 || h != 13 {
		t.Fatalf("zint made a symbol of %vx%v modules, want R13x27", h, w)
	}
	// The same symbol with the data modules of rows 2 to 10 and columns
	// 12 to 20 scribbled over: its finder and frame fit, its codewords do
	// not correct.
	spoilt := image.NewGray(sym.Rect)
	copy(spoilt.Pix, sym.Pix)
	rng := rand.New(rand.NewPCG(3, 3))
	x0, y0 := int(corners[0][0]), int(corners[0][1])
	for my := 2; my < 11; my++ {
		for mx := 12; mx < 21; mx++ {
			v := byte(40)
			if rng.IntN(2) == 0 {
				v = 210
			}
			for y := range module {
				for x := range module {
					spoilt.Pix[(y0+my*module+y)*spoilt.Stride+x0+mx*module+x] = v
				}
			}
		}
	}
	read := func(r *Reader, img *image.Gray) []*gozxing.Result {
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			t.Fatal(err)
		}
		res, _ := r.DecodeMultiple(bm, nil)
		return res
	}
	r := NewReader()
	if res := read(r, sym); len(res) != 1 || res[0].GetText() != "secret rmqr" {
		t.Fatalf("read %v, want the symbol", res)
	}
	if res := read(r, spoilt); len(res) != 0 || len(r.Small()) == 0 {
		t.Fatalf("read %v of the spoilt symbol and noted %d boxes, want none read and its box", res, len(r.Small()))
	}
	r.Wipe()
	dark := false
	for _, row := range r.grid.dark {
		dark = dark || slices.Contains(row[:], true)
	}
	for name, kept := range map[string]bool{
		"points":                 slices.ContainsFunc(r.pts[:cap(r.pts)], func(p correspondence) bool { return p != correspondence{} }),
		"points near the finder": slices.ContainsFunc(r.near[:cap(r.near)], func(p correspondence) bool { return p != correspondence{} }),
		"modules":                dark || r.grid.height != 0 || r.grid.width != 0,
		"codewords":              slices.ContainsFunc(r.cw[:cap(r.cw)], func(b byte) bool { return b != 0 }),
		"boxes":                  len(r.Small()) != 0 || slices.ContainsFunc(r.small[:cap(r.small)], func(b image.Rectangle) bool { return b != image.Rectangle{} }),
	} {
		if kept {
			t.Errorf("the %s kept after Wipe", name)
		}
	}
}
