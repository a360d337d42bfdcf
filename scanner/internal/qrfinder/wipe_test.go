package qrfinder

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// noiseMatrix is a w×h image of pixel noise, whose specks pass for
// finders by the thousand.
func noiseMatrix(t *testing.T, w, h int, seed uint64) *gozxing.BitMatrix {
	t.Helper()
	bm, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	for y := range h {
		for x := range w {
			if rng.IntN(2) == 0 {
				bm.Set(x, y)
			}
		}
	}
	return bm
}

// finderMatrix is a 120×120 image holding one finder pattern of 4-pixel
// modules, and nothing else.
func finderMatrix(t *testing.T) *gozxing.BitMatrix {
	t.Helper()
	bm, err := gozxing.NewBitMatrix(120, 120)
	if err != nil {
		t.Fatal(err)
	}
	for v := range 7 {
		for u := range 7 {
			if max(u-3, 3-u, v-3, 3-v) != 2 {
				bm.SetRegion(40+4*u, 40+4*v, 4, 4)
			}
		}
	}
	return bm
}

// After Wipe a Scanner keeps nothing of the searches since the last
// Wipe, a larger image's before a smaller one's too: neither the
// finders (where the image's patterns lie), to the array's capacity,
// nor the rows' and columns' run lengths; nor do the arrays it outgrew
// on the way hold any.
func TestScannerWipeClearsFindersAndRuns(t *testing.T) {
	small, large := finderMatrix(t), noiseMatrix(t, 640, 480, 3)
	var s Scanner
	if len(s.Find(small, 2)) != 1 {
		t.Fatal("the small image shows no finder: nothing for the test to see wiped")
	}
	firstFinders, firstRuns := s.finders[:cap(s.finders)], s.runs[:cap(s.runs)]
	if len(s.Find(large, 1)) != maxFinders || len(s.FindColumns(large, 1, nil)) != maxFinders {
		t.Fatal("the noise no longer fills the finders' bound: the test shows little")
	}
	if cap(s.finders) <= maxFinders || cap(s.runs) <= cap(firstRuns) {
		t.Fatal("the large image grew neither array: the test shows nothing of their growth")
	}
	if !scrubtest.Zero(firstFinders) || !scrubtest.Zero(firstRuns) {
		t.Error("an array a search outgrew was let go holding finders or run lengths")
	}
	// The smaller search writes over the first entries only.
	s.Find(small, 2)
	s.FindColumns(small, 2, nil)
	if scrubtest.Zero(s.finders) || scrubtest.Zero(s.runs) {
		t.Fatal("the searches kept nothing: nothing for the test to see wiped")
	}
	s.Wipe()
	if !scrubtest.Zero(s.finders) {
		t.Error("finders kept after Wipe")
	}
	if !scrubtest.Zero(s.runs) {
		t.Error("run lengths kept after Wipe")
	}
	if s.reach != 0 {
		t.Errorf("reach %v kept after Wipe", s.reach)
	}
	// Down the columns alone, likewise.
	var c Scanner
	c.FindColumns(small, 2, nil)
	firstRuns = c.runs[:cap(c.runs)]
	c.FindColumns(large, 1, nil)
	if !scrubtest.Zero(firstRuns) {
		t.Error("an array a search down the columns outgrew was let go holding run lengths")
	}
	c.Wipe()
	if !scrubtest.Zero(c.finders) || !scrubtest.Zero(c.runs) {
		t.Error("a search down the columns left finders or run lengths after Wipe")
	}
	// A search after Wipe finds what it found before.
	want := []Finder{s.Find(small, 2)[0]}
	s.Wipe()
	var fresh Scanner
	if got := fresh.Find(small, 2); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(s.Find(small, 2), want) {
		t.Errorf("after Wipe, finders %v, want %v", s.Find(small, 2), want)
	}
}

// After Wipe a Shared keeps nothing of the images bound since the last
// Wipe, a larger image's before a smaller one's too: neither its
// searches' finders and run lengths, to their arrays' capacity, nor the
// finders' outlines (their corners and the square's fits to them); it
// is bound to no image, and bound again, finds what it found before.
func TestSharedWipeClearsSearchesAndOutlines(t *testing.T) {
	small, large := finderMatrix(t), noiseMatrix(t, 640, 480, 5)
	var s Shared
	hints := map[gozxing.DecodeHintType]interface{}{hint.Finders: &s}
	var own Scanner
	score := func(h *geom.Homography) float64 { return h[0] }
	outline := func(bm *gozxing.BitMatrix) []Finder {
		s.Reset()
		s.Bind(bm)
		var fs []Finder
		for step := 1; step <= 2; step++ {
			fs = append(fs, own.FindShared(bm, step, hints)...)
		}
		for _, f := range fs {
			if c, ok := CornersShared(bm, f, hints); ok {
				OrientationsShared(bm, f, hints, c, true, score, 0)
			}
		}
		return fs
	}
	outline(large)
	many := len(s.outlines)
	if many < maxFinders {
		t.Fatalf("%d outlines of the noise, fewer than a search's bound: the test shows little", many)
	}
	want := append([]Finder(nil), outline(small)...)
	if len(want) != 2 || len(s.outlines) == 0 || len(s.outlines) >= many || s.outlines[0].fitted == 0 {
		t.Fatalf("the small image's finders %v, outlines %d: not the one finder at each step, outlined and fitted", want, len(s.outlines))
	}
	s.Wipe()
	for i := range s.scans {
		if !scrubtest.Zero(s.scans[i].finders) || !scrubtest.Zero(s.scans[i].runs) {
			t.Errorf("the search at step %d kept finders or run lengths after Wipe", i+1)
		}
	}
	if !scrubtest.Zero(s.outlines) {
		t.Error("outlines kept after Wipe")
	}
	if s.found[0] != nil || s.found[1] != nil || s.bound(small) || s.done != [2]bool{} {
		t.Error("after Wipe the image and its searches are still bound")
	}
	searches := s.Searches
	s.Bind(small)
	got := append(own.FindShared(small, 1, hints), own.FindShared(small, 2, hints)...)
	if !reflect.DeepEqual(got, want) || s.Searches != searches+2 {
		t.Errorf("bound again after Wipe: finders %v in %d searches, want %v in 2", got, s.Searches-searches, want)
	}
}
