package aztec

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// Every array the detector keeps from image to image, outgrown, is
// cleared as it is let go: dropped, it would keep what the image before
// left in it where no wipe reaches. A compact symbol at 1.5 px a module,
// too fine to read, leaves its copy, row hits, a centre, runs, a blob,
// floods and the points of four rings in arrays that the search of a
// frame of noise round two symbols, after it without a wipe, outgrows.
func TestOutgrownArraysAreCleared(t *testing.T) {
	zint.Need(t)
	const full, compact = "SECRET AZTEC 42, FULL RANGE", "SECRET 7"
	fine, _ := zint.Image(t, "-b", "AZTEC", "-d", compact).Render(zint.Scene{Module: 1.5})
	fullSym, _ := zint.Image(t, "-b", "AZTEC", "--vers=6", "-d", full).Render(zint.Scene{Module: 4, Angle: 12})
	compactSym, _ := zint.Image(t, "-b", "AZTEC", "-d", compact).Render(zint.Scene{Module: 4})
	_, small := hybridtest.Matrix(t, fine)
	_, busy := hybridtest.Matrix(t, noisyFrame(placed{fullSym, 400, 240}, placed{compactSym, 20, 20}))
	d := &NewReader().det
	search(d, small)
	// The window is cleared after each use; a panic in a flood would
	// leave the pixels it had not reached, as these stand for.
	pixels := d.window[:cap(d.window)]
	for i := range pixels {
		pixels[i] = 1
	}
	arrays := []scrubtest.Held{
		scrubtest.Hold("image copy", &d.img.words),
		scrubtest.Hold("column", &d.img.col),
		scrubtest.Hold("row runs", &d.runs),
		scrubtest.Hold("row hits", &d.hits),
		scrubtest.Hold("sorted row hits", &d.sorted),
		scrubtest.Hold("centres", &d.centres),
		scrubtest.Hold("window", &d.window),
		scrubtest.Hold("blobs", &d.blobs),
		scrubtest.Hold("flood", &d.fill),
		scrubtest.Hold("line runs", &d.colRuns),
		scrubtest.Hold("line run starts", &d.colStarts),
		scrubtest.Hold("ring points", &d.ringPts),
	}
	scrubtest.NeedHeld(t, arrays...)
	if got := search(d, busy); !slices.Equal(got, []string{full, compact}) {
		t.Fatalf("the symbols in noise read %q", got)
	}
	scrubtest.LetGoCleared(t, arrays...)
}
