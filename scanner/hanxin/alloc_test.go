package hanxin

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestSearchAllocations: a search that finds four finder patterns lying
// as a symbol's do, which are no symbol's (the top-left finder pasted at
// each corner), and tries their group allocates nothing once the
// reader's buffers have grown: the candidates' distances, their sorting
// and the error returned were made anew for every search, which passes of
// a frame with every symbology on run by the hundred.
func TestSearchAllocations(t *testing.T) {
	zint.Need(t)
	const module = 4
	sym, _ := zint.Image(t, "-b", "HANXIN", "--vers=3", "-d", "finders").Render(zint.Scene{Module: module})
	// The top-left finder, its separator and a module of the margin: the
	// raster starts ten modules in.
	finder := sym.SubImage(image.Rect(9*module, 9*module, 18*module, 18*module)).(*image.Gray)
	img := image.NewGray(image.Rect(0, 0, 240, 240))
	for i := range img.Pix {
		img.Pix[i] = 210
	}
	for _, at := range [4][2]int{{30, 30}, {150, 30}, {150, 150}, {30, 150}} {
		for r := range finder.Rect.Dy() {
			copy(img.Pix[(at[1]+r)*img.Stride+at[0]:], finder.Pix[r*finder.Stride:r*finder.Stride+finder.Rect.Dx()])
		}
	}
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader()
	if res, _ := r.DecodeMultiple(bm, nil); len(res) != 0 || len(r.cands) != 4 || r.sampled {
		t.Fatalf("read %d symbols of %d candidates, sampled %v; want the four finders and no sampling", len(res), len(r.cands), r.sampled)
	}
	tried := 0
	forGroups(r.cands, r.dist, func(a, b, c, d int) (bool, bool) { tried++; return false, false })
	if tried != 1 {
		t.Fatalf("%d groups of the four finders, want 1", tried)
	}
	if n := testing.AllocsPerRun(5, func() { r.DecodeMultiple(bm, nil) }); n != 0 {
		t.Errorf("a search allocates %v times, want 0", n)
	}
}

// TestSampleAllocations: sampling a grid, its function information alone
// or every module, allocates nothing once the grid has grown.
func TestSampleAllocations(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(120, 120)
	r := NewReader()
	h, _ := fit([4]candidate{{x: 20, y: 20}, {x: 100, y: 20}, {x: 100, y: 100}, {x: 20, y: 100}}, [4]int{0, 1, 2, 3}, sizeOf(1))
	r.sample(m, &h, sizeOf(1), false)
	for _, infoOnly := range []bool{true, false} {
		if n := testing.AllocsPerRun(5, func() { r.sample(m, &h, sizeOf(1), infoOnly) }); n != 0 {
			t.Errorf("sampling (function information alone %v) allocates %v times, want 0", infoOnly, n)
		}
	}
}
