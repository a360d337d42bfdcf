package dxfilmedge

import (
	"testing"

	"github.com/scannerd/scannerd/internal/testimage"
	"github.com/scannerd/scannerd/scanner/dxfilmedge/dxtest"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// The data track's modules, kept from read to read, are cleared as the
// array they are in is let go for a larger one: dropped, it would keep
// the modules of the symbol before where no Wipe reaches. A short
// symbol's 23 modules leave an array that a long one's 31 outgrow.
func TestOutgrownArraysAreCleared(t *testing.T) {
	read := func(r *Reader, want string, dx1, dx2, frame int, withFrame bool) {
		t.Helper()
		clk, data := dxtest.Tracks(dx1, dx2, frame, false, withFrame)
		sc := testimage.Scene{Module: 4}
		sc.Width = int(float64(len(clk)+10) * sc.Module)
		sc.Height = sc.Width
		img := render(clk, data, sc)
		_, m := hybridtest.Matrix(t, img)
		if got := r.Read(m, grayImage{img}, nil); len(got) != 1 || got[0].Text != want {
			t.Fatalf("read %v, want %q", got, want)
		}
	}
	r := &Reader{}
	read(r, "115-10", 115, 10, 0, false)
	arrays := []scrubtest.Held{scrubtest.Hold("data track modules", &r.bits)}
	scrubtest.NeedHeld(t, arrays...)
	read(r, "79-7/62", 79, 7, 62, true)
	scrubtest.LetGoCleared(t, arrays...)
}
