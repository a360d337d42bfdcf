package rmqr

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// After Wipe the reader keeps nothing of the images it read since the
// last Wipe: not where a symbol's edges and anchors lay, its modules or
// codewords (its blocks' too, as corrected and as read), nor the boxes
// round a symbol of small modules that did not decode, which Small gives
// between the read and the Wipe.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	sym, spoilt := spoiltSymbol(t)
	r := NewReader()
	if res := readImage(t, r, sym); len(res) != 1 || res[0].GetText() != "secret rmqr" {
		t.Fatalf("read %v, want the symbol", res)
	}
	if res := readImage(t, r, spoilt); len(res) != 0 || len(r.Small()) == 0 {
		t.Fatalf("read %v of the spoilt symbol and noted %d boxes, want none read and its box", res, len(r.Small()))
	}
	// The spoilt symbol's blocks were corrected in the reader's array,
	// the copy of them as read too, not in one dropped uncleared.
	if scrubtest.Zero(r.blocks[:maxBlock]) || scrubtest.Zero(r.blocks[maxBlock:]) {
		t.Fatal("no block's codewords, as corrected or as read, in the reader's array")
	}
	r.Wipe()
	for name, kept := range map[string]bool{
		"points":                 !scrubtest.Zero(r.pts),
		"points near the finder": !scrubtest.Zero(r.near),
		"modules":                !scrubtest.Zero(r.grid.dark[:]) || r.grid.height != 0 || r.grid.width != 0,
		"codewords":              !scrubtest.Zero(r.cw),
		"blocks' codewords":      !scrubtest.Zero(r.blocks[:]),
		"boxes":                  len(r.Small()) != 0 || !scrubtest.Zero(r.small),
	} {
		if kept {
			t.Errorf("the %s kept after Wipe", name)
		}
	}
}

// spoiltSymbol returns an R13x27 symbol of three pixels a module, a
// module size under smallModule, and the same symbol with the data
// modules of rows 2 to 10 and columns 12 to 20 scribbled over: its finder
// and frame fit, its codewords do not correct.
func spoiltSymbol(t *testing.T) (sym, spoilt *image.Gray) {
	t.Helper()
	const module = 3
	sym, corners := zint.Image(t, "-b", "RMQR", "-d", "secret rmqr").Render(zint.Scene{Module: module})
	if w, h := (corners[1][0]-corners[0][0])/module, (corners[3][1]-corners[0][1])/module; w != 27 || h != 13 {
		t.Fatalf("zint made a symbol of %vx%v modules, want R13x27", h, w)
	}
	spoilt = image.NewGray(sym.Rect)
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
	return sym, spoilt
}

// readImage returns the symbols r reads in img, binarized.
func readImage(t *testing.T, r *Reader, img *image.Gray) []*gozxing.Result {
	t.Helper()
	res, _ := r.DecodeMultiple(hybridtest.Bitmap(t, img), nil)
	return res
}

// letGoCleared runs small, which leaves image data in the array field
// gives, holds that array to its capacity, runs large, which must outgrow
// it, and checks that the array let go holds nothing.
func letGoCleared[T comparable](t *testing.T, name string, field func() []T, small, large func()) {
	t.Helper()
	small()
	old := field()
	old = old[:cap(old)]
	if scrubtest.Zero(old) {
		t.Fatalf("%s: the small read left nothing: the test sees nothing let go", name)
	}
	large()
	if cap(field()) == cap(old) {
		t.Fatalf("%s: the large read did not outgrow the array of %d: the test sees nothing let go", name, cap(old))
	}
	if !scrubtest.Zero(old) {
		t.Errorf("%s: the array outgrown was let go holding what the small read wrote", name)
	}
}

// Where a larger symbol outgrows the arrays the read of a smaller one
// left its points and codewords in, or two spoilt symbols the array of
// one's box, the arrays let go hold nothing of the first, before any
// Wipe.
func TestGrownArraysLetGoCleared(t *testing.T) {
	zint.Need(t)
	render := func(args ...string) *image.Gray {
		img, _ := zint.Image(t, append([]string{"-b", "RMQR"}, args...)...).Render(zint.Scene{Module: 4})
		return img
	}
	var r *Reader
	read := func(img *image.Gray, want int) func() {
		return func() {
			if res := readImage(t, r, img); len(res) != want {
				t.Fatalf("read %d symbols, want %d", len(res), want)
			}
		}
	}
	small := read(render("--vers=1", "-d", "12"), 1)                                                      // R7x43
	large := read(render("--vers=32", "-d", "The quick brown fox jumps over the lazy dog 0123456789"), 1) // R17x139
	r = NewReader()
	letGoCleared(t, "points", func() []correspondence { return r.pts }, small, large)
	// No symbol keeps more points near its finder than the first one
	// read grows room for: the array let go is one of fewer, as the
	// reader's is while it finds them.
	r = NewReader()
	letGoCleared(t, "points near the finder", func() []correspondence { return r.near },
		func() { r.near = []correspondence{{X: 1, Y: 2, U: 30, V: 40}} }, large)
	r = NewReader()
	letGoCleared(t, "codewords", func() []byte { return r.cw }, small, large)

	_, spoilt := spoiltSymbol(t)
	b := spoilt.Bounds()
	two := image.NewGray(image.Rect(0, 0, 2*b.Dx(), b.Dy()))
	for y := range b.Dy() {
		row := spoilt.Pix[y*spoilt.Stride : y*spoilt.Stride+b.Dx()]
		copy(two.Pix[y*two.Stride:], row)
		copy(two.Pix[y*two.Stride+b.Dx():], row)
	}
	r = NewReader()
	letGoCleared(t, "boxes", func() []image.Rectangle { return r.small }, read(spoilt, 0), read(two, 0))
	if len(r.Small()) < 2 {
		t.Errorf("%d boxes, want the two spoilt symbols' at least", len(r.Small()))
	}
}

// Every block of every size and level fits correct's scratch, and the
// longest fills it.
func TestMaxBlock(t *testing.T) {
	longest := 0
	for _, v := range versions {
		for level := range 2 {
			nb, nd := v.blocks[level], v.data[level]
			longest = max(longest, (nd+nb-1)/nb+(v.total-nd)/nb)
		}
	}
	if longest != maxBlock {
		t.Errorf("the longest block holds %d codewords, maxBlock is %d", longest, maxBlock)
	}
}
