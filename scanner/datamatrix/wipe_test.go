package datamatrix

import (
	"image"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// The texts of the symbols wipeScenes draws.
const (
	wipeSmallText = "SECRET"
	wipeLargeText = "SECRET DATA MATRIX 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// wipeScenes returns a small Data Matrix symbol that zint draws, turned,
// alone in its image (small), and copies of a larger one, with more and
// larger modules, above a band of blobs as in clutterMatrix and a band of
// noise, which trace long contours and many finder candidates (large):
// every array the searches keep is written further in large than in
// small.
func wipeScenes(t *testing.T) (small, large *gozxing.BinaryBitmap) {
	t.Helper()
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "DATAMATRIX", "-d", wipeSmallText).Render(zint.Scene{Module: 4, Angle: 17})
	big, _ := zint.Image(t, "-b", "DATAMATRIX", "-d", wipeLargeText).Render(zint.Scene{Module: 6, Angle: 17})
	w, h := big.Rect.Dx(), big.Rect.Dy()
	img := image.NewGray(image.Rect(0, 0, 3*w, 3*h))
	for i := range 3 {
		for y := range h {
			copy(img.Pix[y*img.Stride+i*w:], big.Pix[y*big.Stride:y*big.Stride+w])
		}
	}
	rng := rand.New(rand.NewPCG(3, 17))
	for y := h; y < 3*h; y++ {
		for x := range 3 * w {
			img.Pix[y*img.Stride+x] = 210
		}
	}
	// Blobs: dark squares 2 to 10 pixels wide, 40 per 10,000 pixels.
	for range 40 * 3 * w * h / 10000 {
		side := 2 + rng.IntN(9)
		x0, y0 := rng.IntN(3*w-side), h+rng.IntN(h-side)
		for y := y0; y < y0+side; y++ {
			for x := x0; x < x0+side; x++ {
				img.Pix[y*img.Stride+x] = 40
			}
		}
	}
	// Noise: pixels dark or light at random.
	for y := 2 * h; y < 3*h; y++ {
		for x := range 3 * w {
			img.Pix[y*img.Stride+x] = uint8(40 + 170*rng.IntN(2))
		}
	}
	return binarizedGray(t, sym), binarizedGray(t, img)
}

// binarizedGray is img binarized as the engine's first pass does it.
func binarizedGray(t *testing.T, img image.Image) *gozxing.BinaryBitmap {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	return bmp
}

// After Wipe the reader keeps nothing of the reads since the last Wipe, a
// larger image's before a smaller one's too, to the arrays' capacity: no
// marks of the edges traced, no seeds, contours, polygons, segments or
// finder corners, no bar thicknesses, timing hits, bins or fitted
// points, no module boundaries or line samples, no sizes scored, no
// symbols read (the results they went out in are the reader's callers'),
// and no failure of the decoder; nor do the arrays it outgrew on the way,
// the marks' among them, hold any. A Wipe with no read since clears
// nothing again, and the reader reads as before after it.
func TestWipeClearsWhatTheSearchesKept(t *testing.T) {
	small, large := wipeScenes(t)
	harder := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	r := NewReader()
	d := &r.det
	read := func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, text string, n int) {
		t.Helper()
		res, err := r.DecodeMultiple(bm, hints)
		if err != nil || len(res) != n {
			t.Fatalf("read %d symbols (%v), want %d", len(res), err, n)
		}
		for _, x := range res {
			if x.GetText() != text {
				t.Fatalf("read %q, want %q", x.GetText(), text)
			}
		}
	}
	read(small, harder, wipeSmallText, 1)
	// The arrays the searches write. Those but the edge marks, cleared
	// as far as marked by the next search, and the bins' outermost hits
	// and distances, never cut, are cut to what a search wrote last.
	arrays := []struct {
		name string
		of   func() any
		cut  bool
	}{
		{"edge marks", func() any { return d.seen.bits }, false},
		{"seeds", func() any { return d.seeds }, true},
		{"contour", func() any { return d.contour }, true},
		{"polygon vertices", func() any { return d.verts }, true},
		{"segments", func() any { return d.segs }, true},
		{"finder corners", func() any { return d.corners }, true},
		{"bar thicknesses", func() any { return d.thick }, true},
		{"timing hits", func() any { return d.hits }, true},
		{"hits' bins", func() any { return d.bins }, true},
		{"module boundaries", func() any { return d.obs }, true},
		{"bins' outermost hits", func() any { return d.binBest }, false},
		{"bins' distances", func() any { return d.binDist }, false},
		{"fitted points", func() any { return d.fitPts }, true},
		{"sizes scored", func() any { return d.sizes }, true},
		{"symbols read", func() any { return d.found }, true},
		{"polygon's chords", func() any { return d.poly.stack }, true},
		{"polygon's ring vertices", func() any { return d.poly.verts }, true},
		{"contour's ring", func() any { return d.poly.ring }, true},
		{"farthest pixels' ties", func() any { return d.poly.ties }, true},
		{"line's points", func() any { return d.line.ts }, true},
		{"line's samples", func() any { return d.line.dark }, true},
	}
	if !areaVectors {
		// The ties are the vector code's (tiesWide); without it
		// farthestFromChord measures every pixel and notes none.
		arrays = slices.DeleteFunc(arrays, func(a struct {
			name string
			of   func() any
			cut  bool
		}) bool {
			return a.name == "farthest pixels' ties"
		})
	}
	// The small read's arrays, as the larger read leaves them.
	first := make([]reflect.Value, len(arrays))
	for i, a := range arrays {
		first[i] = whole(a.of())
	}
	read(large, harder, wipeLargeText, 3)
	grew := 0
	for i, a := range arrays {
		if whole(a.of()).Len() <= first[i].Len() {
			continue
		}
		grew++
		if held(first[i]) {
			t.Errorf("the %s: an array the larger read outgrew was let go holding what it held", a.name)
		}
	}
	if grew < 15 {
		t.Fatalf("the larger read grew %d arrays: the test shows little of their growth", grew)
	}
	// The smaller read, without TRY_HARDER, writes less into every
	// array than the larger one did, which leaves more past its length.
	read(small, nil, wipeSmallText, 1)
	for _, a := range arrays {
		v := reflect.ValueOf(a.of())
		if !held(whole(a.of())) || a.cut && !held(whole(a.of()).Slice(v.Len(), v.Cap())) {
			t.Fatalf("the reads left nothing in the %s, or nothing past its length: the test shows little of its wipe", a.name)
		}
	}
	var found []*decoded
	for _, f := range d.found[:cap(d.found)] {
		if f != nil {
			found = append(found, f)
		}
	}
	if d.lastErr == nil || d.poly.maxX == 0 || d.steps == 0 || d.measured == 0 {
		t.Fatal("the reads left no failure, bounds or counts: nothing for the test to see wiped")
	}
	r.Wipe()
	for _, a := range arrays {
		if held(whole(a.of())) {
			t.Errorf("the %s kept after Wipe", a.name)
		}
	}
	for _, f := range found {
		if *f != (decoded{}) {
			t.Error("a symbol read kept its corners and decoder result after Wipe")
		}
	}
	if d.lastErr != nil {
		t.Errorf("the failure %v kept after Wipe", d.lastErr)
	}
	if d.poly.maxX != 0 || d.poly.maxY != 0 {
		t.Error("the last contour's bounds kept after Wipe")
	}
	if d.steps != 0 || d.measured != 0 || d.varied != 0 || d.traced != 0 {
		t.Error("the last search's counts kept after Wipe")
	}
	// The next Wipe clears as far as the reads after this one write.
	if d.held != (heldLengths{}) || d.seen.marked != 0 ||
		d.poly.stackHeld != 0 || d.poly.vertsHeld != 0 || d.poly.ringHeld != 0 || d.poly.tiesHeld != 0 ||
		d.line.tsHeld != 0 || d.line.darkHeld != 0 {
		t.Error("Wipe left counts of what was written for the next Wipe to clear again")
	}
	d.contour[:1][0], d.seen.bits[:1][0] = pixel{1, 1}, 1
	r.Wipe()
	if d.contour[:1][0] != (pixel{1, 1}) || d.seen.bits[:1][0] != 1 {
		t.Error("a Wipe after a Wipe, with no read between, cleared the buffers again")
	}
	d.contour[:1][0], d.seen.bits[:1][0] = pixel{}, 0
	read(small, harder, wipeSmallText, 1)
	read(large, harder, wipeLargeText, 3)
}

// whole returns the slice s to its capacity.
func whole(s any) reflect.Value {
	v := reflect.ValueOf(s)
	return v.Slice(0, v.Cap())
}

// held reports whether an entry of the slice v is not its type's zero.
func held(v reflect.Value) bool {
	for i := range v.Len() {
		if !v.Index(i).IsZero() {
			return true
		}
	}
	return false
}
