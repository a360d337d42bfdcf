package maxicode

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// The arrays the reader keeps from read to read grow where a read needs
// more than an earlier one did: the array let go must be left all zero,
// for no Wipe reaches it after. The corrector's scratch, made for the
// largest half of a message at once, is never outgrown and is not held
// here.

// TestLargerReadClearsWhatItOutgrows: after a read of one symbol, a read
// of twelve of them tiled, wider and with more bullseyes, outgrows the
// bullseyes found and a row's run lengths: each array is cleared as it is
// let go.
func TestLargerReadClearsWhatItOutgrows(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "MAXICODE", "-d", "SECRET MAXI").Render(zint.Scene{Module: 4})
	small, large := hybridtest.Bitmap(t, sym), hybridtest.Bitmap(t, tiled(sym, 4, 3))
	r := NewReader()
	if res, err := r.Decode(small, nil); err != nil || res.GetText() != "SECRET MAXI" {
		t.Fatalf("the symbol reads %v, %v", res, err)
	}
	held := []scrubtest.Held{scrubtest.Hold("bullseyes", &r.found), scrubtest.Hold("run lengths", &r.runs)}
	scrubtest.NeedHeld(t, held...)
	if _, err := r.Decode(large, nil); err != nil {
		t.Fatalf("the tiled symbols read: %v", err)
	}
	scrubtest.LetGoCleared(t, held...)
}
