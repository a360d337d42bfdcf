package scanner

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// In a thorough decode of a frame with finder patterns and no symbol,
// the tilted-QR locator and the Micro QR reader, both searching the first
// pass's binarized image every other row, search it once between them;
// no pass searches more than once at each row step.
func TestPassSharesFinderSearch(t *testing.T) {
	const mod, side = 4, 50
	w := side * mod
	pix := make([]byte, w*w)
	for i := range pix {
		pix[i] = 255
	}
	for _, at := range [3][2]int{{6, 6}, {37, 6}, {6, 37}} {
		for v := range 7 {
			for u := range 7 {
				if max(u-3, 3-u, v-3, 3-v) == 2 {
					continue // the light ring
				}
				for y := range mod {
					for x := range mod {
						pix[((at[1]+v)*mod+y)*w+(at[0]+u)*mod+x] = 0
					}
				}
			}
		}
	}
	d := newDecoder()
	var perPass []int
	last := 0
	d.passDone = func(*gozxing.BinaryBitmap, gozxing.Binarizer, bool) {
		perPass = append(perPass, d.finders.Searches-last)
		last = d.finders.Searches
	}
	res, timings := d.decode(NewFrame(pix, w, w, w), Options{TryHarder: true, Symbologies: NewSymbologySet(QRCode, MicroQR)})
	if len(res) != 0 {
		t.Fatalf("read %v from finders alone", res)
	}
	if len(perPass) == 0 || perPass[0] != 1 {
		t.Fatalf("shared finder searches per pass %v, want 1 in the first (%v)", perPass, timings)
	}
	for i, n := range perPass {
		if n > 2 {
			t.Errorf("pass %d (%s) ran %d finder searches, want at most one a step", i, timings[i].Name, n)
		}
	}
}

// In a thorough decode, turned symbols too, of a frame with no symbol,
// Han Xin's finder search and the DX film edge reader, both along the
// columns of the first pass's binarized image, transpose it once between
// them.
func TestPassSharesColumns(t *testing.T) {
	const w, h = 160, 120
	pix := texture(w, h)
	d := newDecoder()
	var perPass [][2]int // transposed, served
	var last [2]int
	d.passDone = func(*gozxing.BinaryBitmap, gozxing.Binarizer, bool) {
		now := [2]int{d.columns.Transposed, d.columns.Served}
		perPass = append(perPass, [2]int{now[0] - last[0], now[1] - last[1]})
		last = now
	}
	res, timings := d.decode(NewFrame(pix, w, h, w), Options{TryHarder: true, TryRotated: true, Symbologies: NewSymbologySet(HanXin, DXFilmEdge)})
	if len(res) != 0 {
		t.Fatalf("read %v from texture", res)
	}
	if len(perPass) == 0 || perPass[0] != [2]int{1, 2} {
		t.Fatalf("shared columns per pass (transposed, served) %v, want 1 and 2 in the first (%v)", perPass, timings)
	}
	for i, n := range perPass {
		if n[0] > 1 {
			t.Errorf("pass %d (%s) transposed its image %d times, want at most once", i, timings[i].Name, n[0])
		}
	}
}

// In a thorough decode, turned symbols too, of a frame with no symbol,
// the readers that read the rows of a pass's binarized image (the engine's
// region search first) read its rows as the binarizer set them, kept in
// the shared rows: none is copied back out of it.
func TestPassSharesRows(t *testing.T) {
	const w, h = 160, 120
	pix := texture(w, h)
	d := newDecoder()
	type count struct{ copies, kept, served, height int }
	var perPass []count
	var last count
	d.passDone = func(bm *gozxing.BinaryBitmap, _ gozxing.Binarizer, _ bool) {
		now := count{d.sharedRows.Copies, d.sharedRows.Kept, d.sharedRows.Served, 0}
		perPass = append(perPass, count{now.copies - last.copies, now.kept - last.kept, now.served - last.served, bm.GetHeight()})
		last = now
	}
	syms := NewSymbologySet(QRCode, DataMatrix, Aztec, MaxiCode, HanXin, DXFilmEdge)
	res, timings := d.decode(NewFrame(pix, w, h, w), Options{TryHarder: true, TryRotated: true, Symbologies: syms})
	if len(res) != 0 {
		t.Fatalf("read %v from texture", res)
	}
	if len(perPass) == 0 || perPass[0].kept != perPass[0].height || perPass[0].copies != 0 || perPass[0].served < 4*perPass[0].kept {
		t.Fatalf("shared rows per pass %+v: want the first pass's rows kept as binarized, none copied, each served several times (%v)", perPass, timings)
	}
	for i, n := range perPass {
		if n.copies != 0 || n.kept > n.height {
			t.Errorf("pass %d (%s) copied %d and kept %d rows of an image %d tall, want none copied", i, timings[i].Name, n.copies, n.kept, n.height)
		}
	}
}

// texture is a w×h frame of slanted dark stripes and no symbol: enough
// edges that every pass binarizes it.
func texture(w, h int) []byte {
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = 255
		if x, y := i%w, i/w; (x/5+y/7)%3 == 0 {
			pix[i] = 0
		}
	}
	return pix
}
