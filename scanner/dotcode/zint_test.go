package dotcode

import (
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// decodeGray reads the first symbol of a gray image as the scanner does.
func decodeGray(img *image.Gray, tryHarder bool) (*gozxing.Result, error) {
	var hints map[gozxing.DecodeHintType]interface{}
	if tryHarder {
		hints = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	}
	rs, err := NewReader().DecodeGray(gozxing.NewLuminanceSourceFromImage(img), hints, 1)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

func binarize(t testing.TB, img *image.Gray) *gozxing.BinaryBitmap {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	return bmp
}

// zintScenes are the round trips make test runs: a few sizes, dot sizes,
// turns and blurs.
var zintScenes = []struct {
	text  string
	args  []string
	scene zint.Scene
}{
	{"Hello World", nil, zint.Scene{Module: 6}},
	{"Hello World", nil, zint.Scene{Module: 6, Angle: 33}},
	{"[)>\x1e05\x1dMACRO\x1e\x04", []string{"--esc"}, zint.Scene{Module: 8, Angle: 75, Blur: 0.6}},
	{"0123456789ABCDEF", []string{"--dotsize=0.5"}, zint.Scene{Module: 7, Angle: 117, Blur: 1}},
	{"DotCode at 200 degrees", []string{"--cols=30"}, zint.Scene{Module: 5, Angle: 200, Blur: 0.8}},
	{"https://example.com/dotcode?x=1234567890", nil, zint.Scene{Module: 5, Angle: 291, Blur: 1.2, Noise: 8}},
}

func TestZintRoundTrips(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, tc := range zintScenes {
		name := fmt.Sprintf("%s/%v/%.0f°", tc.text, tc.args, tc.scene.Angle)
		t.Run(name, func(t *testing.T) {
			args := append([]string{"-b", "DOTCODE", "-d", tc.text}, tc.args...)
			img, _ := zint.ImageAt(t, 3, args...).Render(tc.scene)
			res, err := decodeGray(img, false)
			if err != nil {
				t.Fatalf("%v", err)
			}
			if res.GetText() != tc.text {
				t.Fatalf("text %q, want %q", res.GetText(), tc.text)
			}
			// The gozxing interface, on a block binarizer's image.
			if res, err := NewReader().Decode(binarize(t, img), nil); err != nil || res.GetText() != tc.text {
				t.Errorf("Decode: %v %v", res, err)
			}
		})
	}
}

// TestRandomLatticesDoNotRead draws dot lattices of DotCode sizes with
// random dots: the reader finds the lattice, and error correction must
// refuse what it samples.
func TestRandomLatticesDoNotRead(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 4))
	for k := 0; k < 20; k++ {
		w := 10 + 2*rng.IntN(10)
		h := 5 + 2*rng.IntN(8) // w even, h odd: a symbol size
		const px = 6
		img := image.NewGray(image.Rect(0, 0, (w+6)*px, (h+6)*px))
		for i := range img.Pix {
			img.Pix[i] = 220
		}
		for r := 0; r < h; r++ {
			for c := r % 2; c < w; c += 2 {
				if rng.IntN(9) >= 5 && !(r == 0 || c == 0 || r == h-1 || c >= w-2) {
					continue
				}
				cx, cy := (c+3)*px+px/2, (r+3)*px+px/2
				for y := cy - 2; y <= cy+2; y++ {
					for x := cx - 2; x <= cx+2; x++ {
						if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= 5 {
							img.Pix[y*img.Stride+x] = 30
						}
					}
				}
			}
		}
		if res, err := decodeGray(img, true); err == nil {
			t.Errorf("random %dx%d lattice read as %q", w, h, res.GetText())
		}
	}
}

// TestKeepsNoImage: after a read, the reader's reused buffers hold no
// picture of the frame.
func TestKeepsNoImage(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "--dotsize=1", "-d", "wipe me").Render(zint.Scene{Module: 6, Blur: 2})
	hard := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	// Noise makes the reader try everything, and ends with dark pixels
	// in its last row.
	rng := rand.New(rand.NewPCG(5, 5))
	noise := image.NewGray(img.Rect)
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	r := NewReader()
	r.DecodeGray(gozxing.NewLuminanceSourceFromImage(img), hard, 1)
	r.DecodeGray(gozxing.NewLuminanceSourceFromImage(noise), hard, 1)
	r.DecodeGray(gozxing.NewLuminanceSourceFromImage(noise), nil, 1)
	keepsNoImage(t, r)
	// A reader that reuses a view's binarization keeps it until Wipe,
	// and reads the view again as it did the first time.
	r = NewReader()
	r.ReuseViews()
	src := gozxing.NewLuminanceSourceFromImage(img)
	for _, h := range []map[gozxing.DecodeHintType]interface{}{nil, hard} {
		if res, err := r.DecodeGray(src, h, 1); err != nil || res[0].GetText() != "wipe me" {
			t.Errorf("reusing the view (hints %v): read %v, %v", h, res, err)
		}
	}
	r.DecodeGray(gozxing.NewLuminanceSourceFromImage(noise), hard, 1)
	// The symbol's few dots after the noise's many blobs: the wipe
	// clears what the larger search left.
	r.DecodeGray(src, hard, 1)
	r.Wipe()
	keepsNoImage(t, r)
}

func keepsNoImage(t *testing.T, r *Reader) {
	t.Helper()
	for name, m := range map[string]*gozxing.BitMatrix{"dark": r.dark, "eroded": r.eroded, "eroded2": r.eroded2} {
		if m != nil && m.GetEnclosingRectangle() != nil {
			t.Errorf("%s holds image data", name)
		}
	}
	if !scrubtest.Zero(r.cores.words) {
		t.Fatal("cores holds image data")
	}
	if !scrubtest.Zero(r.kept) {
		t.Error("the row the search keeps holds image data")
	}
	if row := r.blobs.row; row != nil && !scrubtest.Zero(row.GetBitArray()) {
		t.Fatal("the blob finder's row holds image data")
	}
	// The dark patches found, the dots among them and the rows' runs, to
	// their capacity: a search of many leaves them past a later one's of
	// few, and a row of many runs past a later row's of few.
	f := &r.blobs
	if !scrubtest.Zero(f.acc) || !scrubtest.Zero(f.blobs) || f.labelled != 0 {
		t.Error("the blob finder keeps the dark patches")
	}
	if !scrubtest.Zero(f.above) || !scrubtest.Zero(f.runs) {
		t.Error("the blob finder keeps the rows' runs")
	}
	// The gray view's rows, sums, statistics and thresholds, to their
	// capacity: a larger image's stay past a smaller one's.
	g := &r.gray
	for name, zero := range map[string]bool{
		"rows":             scrubtest.Zero(g.row) && scrubtest.Zero(g.row2),
		"block sums":       scrubtest.Zero(g.sum),
		"column sums":      scrubtest.Zero(g.col),
		"darkest pixels":   scrubtest.Zero(g.blockMin) && scrubtest.Zero(g.rowMin),
		"windows' means":   scrubtest.Zero(g.mean),
		"windows' darkest": scrubtest.Zero(g.low),
		"block thresholds": scrubtest.Zero(g.dark) && scrubtest.Zero(g.pairs),
		"pixel thresholds": scrubtest.Zero(g.thr) && g.tail == [32]byte{},
		"noise's offset":   g.offset == 0,
	} {
		if !zero {
			t.Errorf("the gray view keeps the %s", name)
		}
	}
	// The places of the dots the search grouped and walked.
	ls := &r.lattice
	for name, at := range map[string][]nearBlob{"clusters' neighbourhood": ls.near.at, "the walk's neighbourhood": ls.walk.at} {
		if !scrubtest.Zero(at) {
			t.Errorf("%s holds the dots' places", name)
		}
	}
	if !scrubtest.Zero(ls.pts) || !scrubtest.Zero(ls.coords) || len(ls.taken) != 0 {
		t.Error("the lattice walk's places kept")
	}
	// And every other array of the search, to its capacity: what a
	// search of many blobs wrote stays written past what a later one of
	// fewer uses.
	for name, a := range map[string][]int{"places": ls.places, "parent": ls.parent, "slot": ls.slot, "sizes": ls.sizes, "all": ls.all, "order": ls.order} {
		if !scrubtest.Zero(a) {
			t.Errorf("the clusters' %s kept", name)
		}
	}
	for name, a := range map[string][]int32{"clusters' cells": ls.near.start, "the walk's cells": ls.walk.start, "fill": ls.fill} {
		if !scrubtest.Zero(a) {
			t.Errorf("%s kept", name)
		}
	}
	if !scrubtest.Zero(ls.nns) || !scrubtest.Zero(ls.placed) || !scrubtest.Zero(ls.step) {
		t.Error("the lattice fit's arrays kept")
	}
	for _, gs := range [][][]int{ls.groups, ls.out} {
		if slices.ContainsFunc(gs[:cap(gs)], func(g []int) bool { return g != nil }) {
			t.Error("the clusters' groups kept")
		}
	}
}

// TestWipeAfterLargerView: a reader that reuses its views keeps no
// picture of either of two after Wipe, a larger view of noise and then a
// smaller one of a symbol, each searched with rectangles taken as light,
// with and without vector registers: the wipe clears what the larger
// view left past the smaller one's arrays, its windows' statistics
// (binarized for dots but never for sampling) among them.
func TestWipeAfterLargerView(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "-d", "smaller").Render(zint.Scene{Module: 5})
	// Wider and higher than the symbol, neither a multiple of 32 (the
	// pixels past the whole words have thresholds of their own).
	rng := rand.New(rand.NewPCG(9, 9))
	noise := image.NewGray(image.Rect(0, 0, 2*sym.Rect.Dx()+7, 2*sym.Rect.Dy()+5))
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	// A band of rows taken as light, left of the symbol.
	light := map[gozxing.DecodeHintType]interface{}{hint.Erase: []image.Rectangle{image.Rect(0, 0, 8, noise.Rect.Dy())}}
	withAndWithoutVectors(t, func(t *testing.T) {
		r := NewReader()
		r.ReuseViews()
		r.DecodeGray(gozxing.NewLuminanceSourceFromImage(noise), light, 1)
		if r.darkMade {
			t.Fatal("the noise's dark pixels were binarized: its windows' statistics are not left to the wipe")
		}
		big := len(r.blobs.acc)
		res, err := r.DecodeGray(gozxing.NewLuminanceSourceFromImage(sym), light, 1)
		if err != nil || res[0].GetText() != "smaller" {
			t.Fatalf("read %v, %v", res, err)
		}
		if len(r.blobs.acc) >= big || len(r.kept) >= cap(r.kept) {
			t.Fatal("the symbol's search filled as much as the noise's: the test sees no tail")
		}
		r.Wipe()
		keepsNoImage(t, r)
	})
}

// TestDarkImageOnlyForLattices: the dark pixels a lattice is sampled in
// are binarized only once a lattice fits the dots found among the dark
// centres: a search of stripes, which hold no dots, makes none, and a
// search of a symbol makes them and reads it.
func TestDarkImageOnlyForLattices(t *testing.T) {
	zint.Need(t)
	stripes := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			stripes.Pix[y*stripes.Stride+x] = byte(200 - 160*((x/5)%2))
		}
	}
	r := NewReader()
	r.ReuseViews()
	if res, err := r.DecodeGray(gozxing.NewLuminanceSourceFromImage(stripes), nil, 0); err == nil {
		t.Errorf("stripes read as %d symbols", len(res))
	}
	if r.promising || r.dark != nil {
		t.Errorf("stripes: a lattice fitted (%v) or the dark image made (%v)", r.promising, r.dark != nil)
	}
	r.Wipe()
	img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "-d", "lazy").Render(zint.Scene{Module: 6, Angle: 20})
	res, err := r.DecodeGray(gozxing.NewLuminanceSourceFromImage(img), nil, 1)
	if err != nil || res[0].GetText() != "lazy" {
		t.Fatalf("read %v, %v", res, err)
	}
	if !r.darkMade {
		t.Error("a symbol read without its dark image")
	}
	if cap(r.lattice.walk.at) == 0 || len(r.lattice.taken) == 0 {
		t.Fatal("the read kept no lattice walk to wipe: the test sees no scratch")
	}
	r.Wipe()
	keepsNoImage(t, r)
}

// TestEraseLeavesBarsOut: the blob search takes the rectangles hint.Erase
// gives (the bars of the 1D symbols read) as light: beside a field of
// bars so given, it labels the runs it labels where the bars are painted
// out, and still reads the symbol beside them.
func TestEraseLeavesBarsOut(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const text = "beside bars"
	sym, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "-d", text).Render(zint.Scene{Module: 5})
	// Bars of three pixels, three apart, over 120 columns, then 40 light
	// ones (wider than a window of the binarizer) and the symbol.
	const barsW, gap = 120, 40
	w, h := barsW+gap+sym.Rect.Dx(), sym.Rect.Dy()
	bars := image.Rect(0, 0, barsW, h)
	canvas := func(withBars bool) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			row := img.Pix[y*img.Stride : y*img.Stride+w]
			for x := range row {
				row[x] = 210
				if withBars && x < barsW && x%6 < 3 {
					row[x] = 40
				}
			}
			copy(row[barsW+gap:], sym.Pix[y*sym.Stride:y*sym.Stride+sym.Rect.Dx()])
		}
		return img
	}
	search := func(img *image.Gray, hints map[gozxing.DecodeHintType]interface{}) int {
		t.Helper()
		// Reusing the view, so that the count is read before the wipe.
		r := NewReader()
		r.ReuseViews()
		rs, err := r.DecodeGray(gozxing.NewLuminanceSourceFromImage(img), hints, 1)
		if err != nil || rs[0].GetText() != text {
			t.Fatalf("read %v, %v; want %q", rs, err, text)
		}
		defer r.Wipe()
		return r.blobs.labelled
	}
	plain := search(canvas(false), nil)
	erased := search(canvas(true), map[gozxing.DecodeHintType]interface{}{hint.Erase: []image.Rectangle{bars}})
	all := search(canvas(true), nil)
	if erased != plain {
		t.Errorf("the search beside erased bars labelled %d runs, %d with the bars painted out", erased, plain)
	}
	if all <= plain {
		t.Errorf("the search of the bars labelled %d runs, no more than without them (%d)", all, plain)
	}
}

// TestWipeClearsHeldCores: Wipe clears the cores only where a search
// binarized them since the last Wipe (the scanner wipes the reader after
// every pass, searched or not), and leaves them clear.
func TestWipeClearsHeldCores(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "-d", "held").Render(zint.Scene{Module: 5})
	r := NewReader()
	r.ReuseViews()
	if r.Wipe(); r.coresHeld {
		t.Fatal("a reader that searched nothing holds cores")
	}
	r.DecodeGray(gozxing.NewLuminanceSourceFromImage(img), nil, 1)
	if !r.coresHeld {
		t.Fatal("the cores of a search kept for the view are not marked held")
	}
	r.Wipe()
	if r.coresHeld {
		t.Error("the cores are marked held after Wipe")
	}
	keepsNoImage(t, r)
}

// TestThoroughSearchGoesOn: a reader that reuses its view searches it
// again, thoroughly, from the clusters the first search left: it reads
// what a reader that searched thoroughly from the start reads, and is
// as Promising. Here as many lattices of random dots as the first search
// tries, each larger than the symbol's, come first: only the thorough
// search reaches the symbol, the first cluster it did not try.
// A search of the same view with other rectangles taken as light starts
// again from its dots.
func TestThoroughSearchGoesOn(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	sym, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "--dotsize=1", "-d", "go on").Render(zint.Scene{Module: 6})
	const px, w, h = 6, 40, 25
	lw, lh := (w+6)*px, (h+6)*px
	canvas := image.NewGray(image.Rect(0, 0, 4*lw, 2*lh+sym.Rect.Dy()))
	for i := range canvas.Pix {
		canvas.Pix[i] = 220
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for k := range maxClusters {
		ox, oy := (k%4)*lw, (k/4)*lh
		for r := range h {
			for c := r % 2; c < w; c += 2 {
				if rng.IntN(9) >= 5 && !(r == 0 || c == 0 || r == h-1 || c >= w-2) {
					continue
				}
				cx, cy := ox+(c+3)*px+px/2, oy+(r+3)*px+px/2
				for y := cy - 2; y <= cy+2; y++ {
					for x := cx - 2; x <= cx+2; x++ {
						if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= 5 {
							canvas.Pix[y*canvas.Stride+x] = 30
						}
					}
				}
			}
		}
	}
	at := image.Pt(3*lw, 2*lh)
	for y := range sym.Rect.Dy() {
		copy(canvas.Pix[(at.Y+y)*canvas.Stride+at.X:], sym.Pix[y*sym.Stride:y*sym.Stride+sym.Rect.Dx()])
	}
	hard := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	src := gozxing.NewLuminanceSourceFromImage(canvas)
	fresh := NewReader()
	if res, err := fresh.DecodeGray(src, nil, 0); err == nil {
		t.Fatalf("the first search read %d symbols: the symbol is not past its clusters", len(res))
	}
	if !fresh.Promising() {
		t.Fatal("no lattice fitted in the first search")
	}
	want, err := fresh.DecodeGray(src, hard, 0)
	if err != nil || len(want) != 1 || want[0].GetText() != "go on" {
		t.Fatalf("a thorough search read %v, %v", want, err)
	}
	r := NewReader()
	r.ReuseViews()
	r.DecodeGray(src, nil, 0)
	got, err := r.DecodeGray(src, hard, 0)
	if err != nil || len(got) != 1 || got[0].GetText() != "go on" || !r.Promising() {
		t.Errorf("the search of the reused view read %v, %v (Promising %v)", got, err, r.Promising())
	}
	if !r.searched.ok {
		// decodeMatrix, the thorough search's last resort, searched the
		// view's dark pixels anew (and forgot the first search).
		t.Error("the search from the clusters left did not read the symbol")
	}
	// The symbol taken as light in the first search, not in the second.
	r.Wipe()
	symbol := image.Rectangle{Min: at, Max: at.Add(sym.Rect.Size())}
	r.DecodeGray(src, map[gozxing.DecodeHintType]interface{}{hint.Erase: []image.Rectangle{symbol}}, 0)
	got, err = r.DecodeGray(src, hard, 0)
	if err != nil || len(got) != 1 || got[0].GetText() != "go on" {
		t.Errorf("after a search without the symbol, the thorough search read %v, %v", got, err)
	}
	if r.searched.ok {
		// Its dots and clusters are the new search's.
		t.Error("a search that read the symbol kept the record of an earlier one")
	}
	r.Wipe()
	keepsNoImage(t, r)
	if len(r.searched.light) != 0 || r.searched.ok {
		t.Error("the wipe kept the search's record")
	}
}
