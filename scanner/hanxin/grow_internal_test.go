package hanxin

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// The arrays the reader keeps from read to read grow where a read needs
// more than an earlier one did: the array let go must be left all zero,
// for no Wipe reaches it after. The tests below hold a field's array
// after a small read, make a larger read outgrow it, and look at what it
// holds.

// TestLargerReadClearsWhatItOutgrows: after a read of one small symbol,
// a read of six larger ones outgrows the runs of a line, the finder
// candidates, the cells' heads and chains, the rows copied, the
// distances and lights, the modules sampled and the codewords decoded:
// each array is cleared as it is let go.
func TestLargerReadClearsWhatItOutgrows(t *testing.T) {
	zint.Need(t)
	small, _ := zint.Image(t, "-b", "HANXIN", "-d", "secret hanxin").Render(zint.Scene{Module: 3})
	large, _ := zint.Image(t, "-b", "HANXIN", "--vers=6", "-d", "a larger secret, in a symbol of version 6").Render(zint.Scene{Module: 3})
	many := six(large)
	r := NewReader()
	read := func(img *image.Gray) []*gozxing.Result { return readAll(t, r, img) }
	if res := read(small); len(res) != 1 {
		t.Fatalf("read %d symbols of the small one, want it", len(res))
	}
	held := []scrubtest.Held{
		scrubtest.Hold("runs", &r.runs), scrubtest.Hold("candidates", &r.cands), scrubtest.Hold("cells' chains", &r.near.next),
		scrubtest.Hold("distances", &r.dist), scrubtest.Hold("lights", &r.lights),
		scrubtest.Hold("block's codewords", &r.dec.ints), scrubtest.Hold("codewords placed", &r.dec.placed), scrubtest.Hold("codewords", &r.dec.cw),
		scrubtest.Hold("modules sampled", &r.g.dark), scrubtest.Hold("cells' heads", &r.near.head),
		scrubtest.Hold("rows copied", &r.lines.rows),
	}
	scrubtest.NeedHeld(t, held...)
	if res := read(many); len(res) == 0 {
		t.Fatal("read none of the six larger symbols")
	}
	scrubtest.LetGoCleared(t, held...)
}

// TestInfoClearsWhatItOutgrows: the function information's seven
// symbols outgrow a smaller array, cleared as it is let go. No read
// leaves one (a block holds 25 codewords at least), so the test sets it.
func TestInfoClearsWhatItOutgrows(t *testing.T) {
	d := newDecoder()
	d.ints = []int{1, 2, 3}
	held := scrubtest.Hold("information's symbols", &d.ints)
	scrubtest.NeedHeld(t, held)
	d.decodeInfo([7]int{1, 2, 3, 4, 5, 6, 7})
	scrubtest.LetGoCleared(t, held)
}
