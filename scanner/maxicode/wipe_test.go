package maxicode

import (
	"image"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// tiled is a cols×rows tiling of img.
func tiled(img *image.Gray, cols, rows int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, cols*w, rows*h))
	for i := range cols * rows {
		x0, y0 := i%cols*w, i/cols*h
		for y := range h {
			copy(out.Pix[(y0+y)*out.Stride+x0:], img.Pix[y*img.Stride:y*img.Stride+w])
		}
	}
	return out
}

// After Wipe the reader keeps nothing of the reads since the last Wipe,
// a larger image's before a smaller one's too: neither where the
// bullseyes lie nor the rows' run lengths, to the arrays' capacity; nor
// the modules sampled, the codewords and the corrector's scratch (the
// data); nor do the arrays it outgrew on the way hold any, and the
// corrector's, made large enough at once, is never outgrown. A Wipe with
// no read since clears nothing again.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "MAXICODE", "-d", "SECRET MAXI").Render(zint.Scene{Module: 4})
	small, large := hybridtest.Bitmap(t, sym), hybridtest.Bitmap(t, tiled(sym, 4, 3))
	r := NewReader()
	if res, err := r.Decode(small, nil); err != nil || res.GetText() != "SECRET MAXI" {
		t.Fatalf("the symbol reads %v, %v", res, err)
	}
	firstFound, firstRuns := r.found[:cap(r.found)], r.runs[:cap(r.runs)]
	if _, err := r.Decode(large, nil); err != nil {
		t.Fatalf("the tiled symbols read: %v", err)
	}
	if len(r.found) <= cap(firstFound) || cap(r.runs) <= cap(firstRuns) {
		t.Fatal("the larger read grew neither array: the test shows nothing of their growth")
	}
	if !scrubtest.Zero(firstFound) || !scrubtest.Zero(firstRuns) {
		t.Error("an array a read outgrew was let go holding bullseyes or run lengths")
	}
	if n := (numCodewords - primaryTotal) / 2; cap(r.corr.scratch) != n {
		t.Errorf("the corrector's scratch, made for %d codewords, was outgrown (%d), and let go holding codewords", n, cap(r.corr.scratch))
	}
	// The smaller read writes over the first entries only.
	if _, err := r.Decode(small, nil); err != nil {
		t.Fatal(err)
	}
	if scrubtest.Zero(r.found) || scrubtest.Zero(r.runs) || !slices.ContainsFunc(r.cw[:], func(c byte) bool { return c != 0 }) || scrubtest.Zero(r.corr.scratch) {
		t.Fatal("the reads kept nothing: nothing for the test to see wiped")
	}
	r.Wipe()
	for name, kept := range map[string]bool{
		"bullseyes":   !scrubtest.Zero(r.found),
		"run lengths": !scrubtest.Zero(r.runs),
		"grid":        r.grid != gridBits{},
		"codewords":   r.cw != [numCodewords]byte{},
		"scratch":     !scrubtest.Zero(r.corr.scratch),
	} {
		if kept {
			t.Errorf("the %s kept after Wipe", name)
		}
	}
	r.cw[0], r.runs[:1][0] = 1, 1
	r.Wipe()
	if r.cw[0] != 1 || r.runs[:1][0] != 1 {
		t.Error("a Wipe after a Wipe, with no read between, cleared the buffers again")
	}
	r.cw[0], r.runs[:1][0] = 0, 0
	if res, err := r.Decode(small, nil); err != nil || res.GetText() != "SECRET MAXI" {
		t.Errorf("after Wipe the symbol reads %v, %v", res, err)
	}
}
