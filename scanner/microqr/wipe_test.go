package microqr

import (
	"image"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// arrays returns the arrays of r's scratch slices, nil for one with
// none.
func arrays(r *Reader) [5]any {
	return [5]any{arrayOf(r.cw), arrayOf(r.ints), arrayOf(r.pts), arrayOf(r.side), arrayOf(r.perspPts)}
}

// arrayOf returns the first entry of s's array, nil when it has none.
func arrayOf[T any](s []T) *T {
	if cap(s) == 0 {
		return nil
	}
	return &s[:1][0]
}

// After Wipe the reader keeps nothing of the reads since the last Wipe,
// a frame of noise's and a steeply tilted symbol's before a lone
// symbol's too: neither the finders
// found and the rows' run lengths, nor the modules sampled, the
// codewords and the error correction's scratch (the data), nor the
// points of the grids and edges fitted to the image, each to its
// array's capacity; the arrays, made for the largest symbol at once,
// were never outgrown. A Wipe with no read since clears nothing again.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	const text = "SECRET MICRO QR 42"
	sym, _ := zint.Image(t, "-b", "MICROQR", "-d", text).Render(zint.Scene{Module: 4})
	// The symbol in a frame of noise, whose specks pass for finders.
	noisy := image.NewGray(image.Rect(0, 0, 640, 480))
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(rng.IntN(2) * 255)
	}
	sw, sh := sym.Rect.Dx(), sym.Rect.Dy()
	for y := range sh {
		copy(noisy.Pix[(200+y)*noisy.Stride+400:], sym.Pix[y*sym.Stride:y*sym.Stride+sw])
	}
	// Tilted steeply, it reads only through the edges fitted (outline).
	m := zint.Dump(t, "-b", "MICROQR", "-d", text)
	for i := range m {
		m[i] = m[i][:len(m)]
	}
	tilted := hybridtest.Bitmap(t, renderTilted(m, 3, 40, 180))
	r := NewReader()
	made := arrays(r)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	if res, err := r.DecodeMultiple(hybridtest.Bitmap(t, noisy), hints); err != nil || len(res) == 0 || res[0].GetText() != text {
		t.Fatalf("the symbol in noise reads %v, %v", res, err)
	}
	if res, err := r.Decode(tilted, nil); err != nil || res.GetText() != text {
		t.Fatalf("the tilted symbol reads %v, %v", res, err)
	}
	if scrubtest.Zero(r.side) {
		t.Fatal("no edge was fitted: nothing for the test to see wiped")
	}
	// The lone symbol's read writes over the first entries only.
	small := hybridtest.Bitmap(t, sym)
	if res, err := r.Decode(small, nil); err != nil || res.GetText() != text {
		t.Fatalf("the symbol reads %v, %v", res, err)
	}
	finders := reflect.ValueOf(&r.finders).Elem()
	if scrubtest.Zero(r.cw) || scrubtest.Zero(r.ints) || scrubtest.Zero(r.pts) || !scrubtest.FieldHeld(finders, "finders") || !scrubtest.FieldHeld(finders, "runs") {
		t.Fatal("the reads kept nothing: nothing for the test to see wiped")
	}
	if arrays(r) != made {
		t.Errorf("an array NewReader made was outgrown (capacities now %d, %d, %d, %d, %d), and let go holding a symbol's data or points",
			cap(r.cw), cap(r.ints), cap(r.pts), cap(r.side), cap(r.perspPts))
	}
	// The far patches' points, which a read falls back on only where the
	// other fits fail: measured here on the tilted symbol directly.
	tiltedM, _ := tilted.GetBlackMatrix()
	if hp, ok := fitHomography(r.pts); !ok {
		t.Fatal("no homography through the tilted symbol's points")
	} else if r.perspective(tiltedM, hp, len(m)); scrubtest.Zero(r.perspPts) {
		t.Fatal("perspective kept no points: nothing for the test to see wiped")
	}
	r.Wipe()
	for name, kept := range map[string]bool{
		"finders":              scrubtest.FieldHeld(finders, "finders"),
		"run lengths":          scrubtest.FieldHeld(finders, "runs"),
		"grid":                 r.grid != moduleGrid{},
		"codewords":            !scrubtest.Zero(r.cw),
		"scratch":              !scrubtest.Zero(r.ints),
		"points":               !scrubtest.Zero(r.pts),
		"edge points":          !scrubtest.Zero(r.side),
		"perspective's points": !scrubtest.Zero(r.perspPts),
	} {
		if kept {
			t.Errorf("the %s kept after Wipe", name)
		}
	}
	r.cw[:1][0] = 1
	r.Wipe()
	if r.cw[:1][0] != 1 {
		t.Error("a Wipe after a Wipe, with no read between, cleared the codewords again")
	}
	r.cw[:1][0] = 0
	if res, err := r.Decode(small, nil); err != nil || res.GetText() != text {
		t.Errorf("after Wipe the symbol reads %v, %v", res, err)
	}
}
