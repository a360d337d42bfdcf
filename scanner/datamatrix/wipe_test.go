package datamatrix

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
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
	return hybridtest.Bitmap(t, sym), hybridtest.Bitmap(t, img)
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
	arrays := []keptArray{
		keptOf("edge marks", false, func() []uint64 { return d.seen.bits }),
		keptOf("seeds", true, func() []int { return d.seeds }),
		keptOf("contour", true, func() []pixel { return d.contour }),
		keptOf("polygon vertices", true, func() []int { return d.verts }),
		keptOf("segments", true, func() []segment { return d.segs }),
		keptOf("finder corners", true, func() []finderCorner { return d.corners }),
		keptOf("bar thicknesses", true, func() []float64 { return d.thick }),
		keptOf("timing hits", true, func() []point { return d.hits }),
		keptOf("hits' bins", true, func() []int { return d.bins }),
		keptOf("module boundaries", true, func() []observation { return d.obs }),
		keptOf("bins' outermost hits", false, func() []point { return d.binBest }),
		keptOf("bins' distances", false, func() []float64 { return d.binDist }),
		keptOf("fitted points", true, func() []point { return d.fitPts }),
		keptOf("sizes scored", true, func() []scoredSize { return d.sizes }),
		keptOf("symbols read", true, func() []*decoded { return d.found }),
		keptOf("polygon's chords", true, func() [][2]int { return d.poly.stack }),
		keptOf("polygon's ring vertices", true, func() []int { return d.poly.verts }),
		keptOf("contour's ring", true, func() []pixel { return d.poly.ring }),
		keptOf("farthest pixels' ties", true, func() []int32 { return d.poly.ties }),
		keptOf("line's points", true, func() []float64 { return d.line.ts }),
		keptOf("line's samples", true, func() []uint64 { return d.line.dark }),
	}
	if !areaVectors {
		// The ties are the vector code's (tiesWide); without it
		// farthestFromChord measures every pixel and notes none.
		arrays = slices.DeleteFunc(arrays, func(a keptArray) bool { return a.name == "farthest pixels' ties" })
	}
	// The small read's arrays, as the larger read leaves them.
	first := make([]keptNow, len(arrays))
	for i, a := range arrays {
		first[i] = a.now()
	}
	read(large, harder, wipeLargeText, 3)
	grew := 0
	for i, a := range arrays {
		if a.now().cap <= first[i].cap {
			continue
		}
		grew++
		if !first[i].zero() {
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
		if now := a.now(); now.zero() || a.cut && now.zeroPast() {
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
		if !a.now().zero() {
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
	if d.held != (heldLengths{}) || d.seen.markedFrom != 0 || d.seen.markedTo != 0 ||
		d.poly.stackHeld != 0 || d.poly.ringHeld != 0 || d.poly.tiesHeld != 0 ||
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

// The edge marks lie only in the words the reads noted, so that reset and
// Wipe, which clear only those, leave the bitset all zero: the read of a
// large image whose symbol, in its bottom rows, is all it traces notes
// less than half the bitset's words; the read of a small image after it
// clears the large one's marks first; and Wipe then leaves no mark
// anywhere in the array.
func TestWipeClearsEdgeMarksAsFarAsTraced(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "DATAMATRIX", "-d", wipeSmallText).Render(zint.Scene{Module: 4, Angle: 17})
	w, h := sym.Rect.Dx(), sym.Rect.Dy()
	tall := image.NewGray(image.Rect(0, 0, w, 4*h))
	for i := range tall.Pix {
		tall.Pix[i] = 255
	}
	for y := range h {
		copy(tall.Pix[(3*h+y)*tall.Stride:], sym.Pix[y*sym.Stride:y*sym.Stride+w])
	}
	r := NewReader()
	v := &r.det.seen
	for _, c := range []struct {
		name string
		img  image.Image
	}{{"large", tall}, {"small", sym}} {
		res, err := r.Decode(hybridtest.Bitmap(t, c.img), nil)
		if err != nil || res.GetText() != wipeSmallText {
			t.Fatalf("%s image: read %v (%v), want %q", c.name, res, err, wipeSmallText)
		}
		if scrubtest.Zero(v.bits[v.markedFrom:v.markedTo]) {
			t.Fatalf("%s image: no edge marks where the read noted them", c.name)
		}
		if !scrubtest.Zero(v.bits[:v.markedFrom:v.markedFrom]) || !scrubtest.Zero(v.bits[v.markedTo:]) {
			t.Errorf("%s image: edge marks outside words %d to %d, which the read noted", c.name, v.markedFrom, v.markedTo-1)
		}
		if c.name == "large" && 2*(v.markedTo-v.markedFrom) > len(v.bits) {
			t.Errorf("large image: the read noted words %d to %d of %d, more than its symbol's rows", v.markedFrom, v.markedTo-1, len(v.bits))
		}
	}
	r.Wipe()
	if !scrubtest.Zero(v.bits) {
		t.Error("edge marks kept after Wipe")
	}
}

// keptArray is one of the arrays a reader keeps, named as the test's
// failures name it: cut tells that a search cuts its slice back, so that
// a shorter search leaves what a longer one wrote past its length.
type keptArray struct {
	name string
	cut  bool
	now  func() keptNow
}

// keptNow is a kept array as the reader holds it when taken: its
// capacity, and whether it holds only zeros, to its capacity (zero, asked
// of the array taken, whatever the reader holds by then) or past the
// slice's length (zeroPast).
type keptNow struct {
	cap            int
	zero, zeroPast func() bool
}

// keptOf is the kept array of the slice that of returns.
func keptOf[T comparable](name string, cut bool, of func() []T) keptArray {
	return keptArray{name: name, cut: cut, now: func() keptNow {
		s := of()
		return keptNow{
			cap:      cap(s),
			zero:     func() bool { return scrubtest.Zero(s) },
			zeroPast: func() bool { return scrubtest.Zero(s[len(s):]) },
		}
	}}
}

// A contour whose marking a panic cut short (a pixel outside the image,
// say) leaves marks outside the words noted: the next wipe clears them
// all the same.
func TestWipeClearsMarksOfAContourCutShort(t *testing.T) {
	v := &visited{bits: make([]uint64, 64), rowBits: 64}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("marking a pixel past the marks' array did not panic")
			}
		}()
		areaAndMark([]pixel{{x: 3, y: 5}, {x: 4, y: 5}, {x: 4, y: 1 << 20}}, v)
	}()
	if scrubtest.Zero(v.bits) {
		t.Fatal("the contour cut short marked nothing: nothing for the wipe to clear")
	}
	v.wipe()
	if !scrubtest.Zero(v.bits) {
		t.Error("the wipe left the marks of a contour cut short")
	}
}
