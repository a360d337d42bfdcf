package dotcode

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// The arrays the reader keeps from read to read grow where a read needs
// more than an earlier one did: the array let go must be left all zero,
// for no wipe reaches it after. Each test below holds a field's array
// after a small read, makes a larger or busier read outgrow it, and looks
// at what it holds.

// TestBlobSearchClearsWhatItOutgrows: a search of a busier image than the
// last outgrows the rows' runs, the patches' records and the dots, and
// clears each array as it lets it go.
func TestBlobSearchClearsWhatItOutgrows(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 1))
	var f blobFinder
	f.findWords(texture(rng, 64, 16, 0.3))
	held := []scrubtest.Held{scrubtest.Hold("runs", &f.runs), scrubtest.Hold("patches", &f.acc), scrubtest.Hold("dots", &f.blobs)}
	// The runs are cleared after each search: the array the busier one
	// outgrows holds that search's own rows, not the first's.
	scrubtest.NeedHeld(t, held[1:]...)
	f.findWords(texture(rng, 640, 120, 0.3))
	scrubtest.LetGoCleared(t, held...)
}

// TestRunPastClearsWhatItOutgrows: a row whose runs fill the runs' array to
// its capacity, with no room left for the run past them, outgrows it as
// that run is appended, and clears it.
func TestRunPastClearsWhatItOutgrows(t *testing.T) {
	var f blobFinder
	f.findWords(texture(rand.New(rand.NewPCG(31, 2)), 64, 16, 0.3))
	// Row 0 holds, in words of one-pixel runs two apart, as many runs as
	// the array has room for: appendRuns makes room for a word's 16 runs
	// before it writes them, so the last word's fill it. Row 1, empty,
	// swaps row 0's array back into f.runs.
	room := cap(f.runs)
	if room < 16 {
		t.Fatalf("the small search left room for %d runs, under a word's", room)
	}
	var words []uint32
	for range room / 16 {
		words = append(words, 0x55555555) // 16 runs
	}
	if n := room % 16; n > 0 {
		words = slices.Insert(words, 0, uint32(0x55555555)&(1<<(2*n)-1)) // n runs
	}
	var m wordImage
	m.resize(32*len(words), 2)
	copy(m.row(0), words)
	held := scrubtest.Hold("runs", &f.runs)
	f.findWords(&m)
	if f.labelled != room {
		t.Fatalf("labelled %d runs, want %d", f.labelled, room)
	}
	scrubtest.LetGoCleared(t, held)
}

// dotGrid returns n by n dots of size 3, pitch pixels apart, from
// (x0, y0): a lattice for clusters to group and fitLattice to walk.
func dotGrid(x0, y0 float64, n int, pitch float64) []blob {
	var bs []blob
	for i := range n {
		for j := range n {
			bs = append(bs, blob{x: x0 + pitch*float64(i), y: y0 + pitch*float64(j), size: 3})
		}
	}
	return bs
}

// TestLatticeScratchClearsWhatItOutgrows: after a lattice of 16 dots is
// grouped and fitted, three of 144 outgrow every array clusters and
// fitLattice append to or index in: each is cleared as it is let go.
func TestLatticeScratchClearsWhatItOutgrows(t *testing.T) {
	var sc latticeScratch
	fit := func(bs []blob, groups int) {
		t.Helper()
		gs := sc.clusters(bs)
		if len(gs) != groups {
			t.Fatalf("%d clusters, want %d", len(gs), groups)
		}
		if _, ok := sc.fitLattice(bs, slices.Clone(gs[0])); !ok {
			t.Fatal("no lattice fitted")
		}
	}
	fit(dotGrid(50, 50, 4, 10), 1)
	held := []scrubtest.Held{
		scrubtest.Hold("clusters' neighbourhood", &sc.near.at), scrubtest.Hold("the walk's neighbourhood", &sc.walk.at),
		scrubtest.Hold("cells filled", &sc.fill), scrubtest.Hold("groups' sizes", &sc.sizes),
		scrubtest.Hold("places walked", &sc.order), scrubtest.Hold("steps", &sc.step), scrubtest.Hold("points fitted", &sc.pts),
	}
	scrubtest.NeedHeld(t, held...)
	// The groups are slices, which scrubtest.Zero cannot compare.
	out := sc.out[:cap(sc.out)]
	var bs []blob
	for k := range 3 {
		bs = append(bs, dotGrid(50+200*float64(k), 50, 12, 10)...)
	}
	fit(bs, 3)
	scrubtest.LetGoCleared(t, held...)
	if cap(sc.out) == cap(out) {
		t.Error("groups kept: the larger read kept the array: the test sees no growth")
	} else if slices.ContainsFunc(out, func(g []int) bool { return g != nil }) {
		t.Error("groups kept: the array outgrown was let go holding what it held")
	}
}

// TestKeptRowClearsWhatItOutgrows: a reader that reuses its views and
// searches a wider one with rectangles taken as light outgrows the row it
// keeps, and clears the narrower view's as it lets it go.
func TestKeptRowClearsWhatItOutgrows(t *testing.T) {
	// Dark dots on light, 6 pixels apart, centred on rows 3, 9, ... 27:
	// the dark centres of the row last copied, the light band's last.
	dots := func(w, h int) gozxing.LuminanceSource {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Pix[y*img.Stride+x] = 220
				if dx, dy := x%6-3, y%6-3; dx*dx+dy*dy <= 5 {
					img.Pix[y*img.Stride+x] = 30
				}
			}
		}
		return gozxing.NewLuminanceSourceFromImage(img)
	}
	light := map[gozxing.DecodeHintType]interface{}{hint.Erase: []image.Rectangle{image.Rect(0, 20, 8, 28)}}
	r := NewReader()
	r.ReuseViews()
	defer r.Wipe()
	r.DecodeGray(dots(100, 80), light, 1)
	if scrubtest.Zero(r.kept) {
		t.Fatal("the narrow view's search kept no row: nothing for the test to see let go")
	}
	held := scrubtest.Hold("row kept", &r.kept)
	scrubtest.NeedHeld(t, held)
	r.DecodeGray(dots(400, 300), light, 1)
	scrubtest.LetGoCleared(t, held)
}

// TestWordImageClearsWhatItOutgrows: a larger view's binarized words
// outgrow a smaller one's, which are cleared as they are let go.
func TestWordImageClearsWhatItOutgrows(t *testing.T) {
	m := texture(rand.New(rand.NewPCG(31, 3)), 64, 16, 0.3)
	held := scrubtest.Hold("words", &m.words)
	scrubtest.NeedHeld(t, held)
	m.resize(640, 120)
	scrubtest.LetGoCleared(t, held)
}
