package aztec

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// watched is an array a detector keeps, as it was when watch took it.
type watched struct {
	name string
	held func() bool // the array holds something
	grew func() bool // the detector has let it go for a larger one
}

// watch takes the array *s has now, to its capacity.
func watch[T comparable](name string, s *[]T) watched {
	old := (*s)[:cap(*s)]
	return watched{
		name: name,
		held: func() bool { return !scrubtest.Zero(old) },
		grew: func() bool { return cap(*s) > cap(old) },
	}
}

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
	small, err := binarized(t, fine).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	busy, err := binarized(t, noisyFrame(placed{fullSym, 400, 240}, placed{compactSym, 20, 20})).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	d := &NewReader().det
	search(d, small)
	// The window is cleared after each use; a panic in a flood would
	// leave the pixels it had not reached, as these stand for.
	pixels := d.window[:cap(d.window)]
	for i := range pixels {
		pixels[i] = 1
	}
	arrays := []watched{
		watch("image copy", &d.img.words),
		watch("column", &d.img.col),
		watch("row runs", &d.runs),
		watch("row hits", &d.hits),
		watch("sorted row hits", &d.sorted),
		watch("centres", &d.centres),
		watch("window", &d.window),
		watch("blobs", &d.blobs),
		watch("flood", &d.fill),
		watch("line runs", &d.colRuns),
		watch("line run starts", &d.colStarts),
		watch("ring points", &d.ringPts),
	}
	for _, a := range arrays {
		if !a.held() {
			t.Errorf("the search of the fine symbol left nothing in the %s: nothing for the test to see cleared", a.name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	if got := search(d, busy); !slices.Equal(got, []string{full, compact}) {
		t.Fatalf("the symbols in noise read %q", got)
	}
	for _, a := range arrays {
		t.Run(a.name, func(t *testing.T) {
			if !a.grew() {
				t.Fatalf("%s: the busy frame did not outgrow the array, nothing for the test to see cleared", a.name)
			}
			if a.held() {
				t.Errorf("%s: the array the busy frame outgrew was let go with what the fine symbol left in it", a.name)
			}
		})
	}
}
