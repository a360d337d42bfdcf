package hanxin

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

// After Wipe the reader keeps nothing of the last image it searched: its
// binarized row and the runs it measured are image data.
func TestWipeClearsWhatTheSearchKept(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m, _ := gozxing.NewBitMatrix(320, 240)
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			if (x/4+y/4)%2 == 0 || rng.IntN(8) == 0 {
				m.Set(x, y)
			}
		}
	}
	r := NewReader()
	r.findCandidates(m, 2, nil)
	if !slices.ContainsFunc(r.lines.rows, func(w uint32) bool { return w != 0 }) {
		t.Fatal("the search kept no row: nothing for the test to see wiped")
	}
	r.Wipe()
	if !scrubtest.Zero(r.lines.rows) {
		t.Error("a binarized row kept after Wipe")
	}
	if !scrubtest.Zero(r.runs) {
		t.Error("the runs of a row kept after Wipe")
	}
}

// TestWipeClearsOnlyWhatWasWritten: Wipe clears the grid and codewords
// of a symbol sampled, and clears nothing again where the reader neither
// searched nor sampled since the last Wipe: the engine wipes every area
// reader after each frame and whenever the rows of a pass change size,
// whether it searched since or not. (The values left in the buffers below
// stand for image data that would still be there had Wipe not cleared
// it; a Wipe that cleared them again clears them.)
func TestWipeClearsOnlyWhatWasWritten(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(120, 120)
	for y := 20; y < 100; y++ {
		for x := 20; x < 100; x++ {
			if (x/4+y/4)%2 == 0 {
				m.Set(x, y)
			}
		}
	}
	r := NewReader()
	h, _ := fit([4]candidate{{x: 20, y: 20}, {x: 100, y: 20}, {x: 100, y: 100}, {x: 20, y: 100}}, [4]int{0, 1, 2, 3}, sizeOf(1))
	r.sample(m, &h, sizeOf(1), false)
	if !slices.Contains(r.g.dark, true) {
		t.Fatal("the grid sampled no dark module: nothing for the test to see wiped")
	}
	r.Wipe()
	if !scrubtest.Zero(r.g.dark) {
		t.Error("a sampled module kept after Wipe")
	}
	r.findCandidates(m, 3, nil)
	r.Wipe()
	r.g.dark[0], r.runs[:1][0] = true, 1
	r.Wipe()
	if !r.g.dark[0] || r.runs[:1][0] != 1 {
		t.Error("a Wipe after a Wipe, with no search or sampling between, cleared the buffers again")
	}
}

// The gray levels a grid was read from (DecodeGray's) and the box of the
// image they lay in are image data: Wipe clears them.
func TestWipeClearsGrayLevels(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 120, 120))
	for i := range img.Pix {
		img.Pix[i] = byte(40 + i%7*25)
	}
	r := NewReader()
	r.eq.src = gozxing.NewLuminanceSourceFromImage(img)
	h, _ := fit([4]candidate{{x: 20, y: 20}, {x: 100, y: 20}, {x: 100, y: 100}, {x: 20, y: 100}}, [4]int{0, 1, 2, 3}, sizeOf(1))
	if !r.sampleGray(&h, r.dec.layout(1)) {
		t.Fatal("sampleGray read nothing: nothing for the test to see wiped")
	}
	r.eq.src = nil
	r.Wipe()
	for name, kept := range map[string]bool{
		"row":    !scrubtest.Zero(r.eq.row),
		"pixels": !scrubtest.Zero(r.eq.pix),
		"levels": !scrubtest.Zero(r.eq.level),
		"states": !scrubtest.Zero(r.eq.dark),
		"grid":   !scrubtest.Zero(r.g.dark),
		"box":    r.eq.x0 != 0 || r.eq.y0 != 0 || r.eq.w != 0 || r.eq.h != 0,
	} {
		if kept {
			t.Errorf("the gray view's %s kept after Wipe", name)
		}
	}
}

// After Wipe the reader keeps no finder candidate of the searches since
// the last Wipe, a larger search's before a smaller one's too: where
// they lie, the cells that index them, their distances and the light
// measured beside them are places in the image.
func TestWipeClearsTheCandidates(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "HANXIN", "-d", "secret hanxin").Render(zint.Scene{Module: 3})
	// Six symbols: more candidates, in more cells, than one symbol makes.
	many := six(sym)
	r := NewReader()
	read := func(img *image.Gray) []*gozxing.Result { return readAll(t, r, img) }
	read(many)
	cands, cells, pairs := len(r.cands), len(r.near.head), len(r.dist)
	if res := read(sym); len(res) != 1 || res[0].GetText() != "secret hanxin" {
		t.Fatalf("read %v of the symbol alone, want it", res)
	}
	if len(r.cands) >= cands || len(r.near.head) >= cells || len(r.dist) >= pairs {
		t.Fatalf("the symbol alone made %d candidates in %d cells and %d distances, the six %d, %d and %d: want fewer",
			len(r.cands), len(r.near.head), len(r.dist), cands, cells, pairs)
	}
	r.Wipe()
	for name, kept := range map[string]bool{
		"candidates":     !scrubtest.Zero(r.cands),
		"cells":          !scrubtest.Zero(r.near.head),
		"cells' chains":  !scrubtest.Zero(r.near.next),
		"largest module": r.near.maxModule != 0,
		"distances":      !scrubtest.Zero(r.dist),
		"lights":         !scrubtest.Zero(r.lights) || r.lightsN != 0,
	} {
		if kept {
			t.Errorf("the %s kept after Wipe", name)
		}
	}
}

// six is six copies of img, three by two.
func six(img *image.Gray) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, 3*w, 2*h))
	for i := range 6 {
		x0, y0 := i%3*w, i/3*h
		for y := range h {
			copy(out.Pix[(y0+y)*out.Stride+x0:], img.Pix[y*img.Stride:y*img.Stride+w])
		}
	}
	return out
}

// readAll is what r reads of img, binarized as the engine's first pass
// does it.
func readAll(t *testing.T, r *Reader, img image.Image) []*gozxing.Result {
	t.Helper()
	res, _ := r.DecodeMultiple(hybridtest.Bitmap(t, img), nil)
	return res
}
