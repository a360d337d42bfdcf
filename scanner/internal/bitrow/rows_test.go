package bitrow

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// randomMatrix returns a w×h matrix of random pixels.
func randomMatrix(rng *rand.Rand, w, h int) *gozxing.BitMatrix {
	bm, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			if rng.IntN(2) == 1 {
				bm.Set(x, y)
			}
		}
	}
	return bm
}

// TestSharedRows: every row a reader reads, shared or its own, is the
// row GetRow copies, word for word; readers of the image bound copy each
// row out of it once between them; another image, or the image after a
// Reset (a symbol painted out of it), is read as it is now; and Wipe
// clears what was kept.
func TestSharedRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	same := func(what string, r *Rows, bm *gozxing.BitMatrix) {
		t.Helper()
		var want *gozxing.BitArray
		for y := range bm.GetHeight() {
			want = bm.GetRow(y, want)
			if got := r.Row(y); !slices.Equal(got, want.GetBitArray()) {
				t.Fatalf("%s: row %d is %x, GetRow gives %x", what, y, got, want.GetBitArray())
			}
		}
	}
	var s SharedRows
	hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &s}
	var a, b Rows // two readers'
	// Widths of whole words, and not; the second image wider, then one
	// narrower, as the engine's scratch matrices come.
	for _, size := range [][2]int{{64, 9}, {70, 45}, {33, 60}} {
		bm, other := randomMatrix(rng, size[0], size[1]), randomMatrix(rng, size[1], size[0])
		s.Bind(bm)
		copies := s.Copies
		a.Of(bm, hints)
		b.Of(bm, hints)
		if !a.Shared() || !b.Shared() {
			t.Fatal("readers of the image bound do not share its rows")
		}
		same("first reader", &a, bm)
		same("second reader", &b, bm)
		if n := s.Copies - copies; n != bm.GetHeight() {
			t.Errorf("two readers of %d rows: %d rows copied, want each once", bm.GetHeight(), n)
		}
		a.Of(other, hints)
		same("another image", &a, other)
		a.Of(bm, nil)
		same("without the hint", &a, bm)
		if a.Shared() {
			t.Error("rows shared without the hint")
		}

		bm.Flip(3, 5)
		bm.Flip(size[0]-1, size[1]-1)
		s.Reset()
		a.Of(bm, hints)
		if a.Shared() {
			t.Error("rows shared after Reset")
		}
		same("unbound after a change", &a, bm)
		s.Bind(bm)
		b.Of(bm, hints)
		same("bound again after a change", &b, bm)
	}
	s.Wipe()
	if slices.ContainsFunc(s.words[:cap(s.words)], func(w uint32) bool { return w != 0 }) {
		t.Error("shared rows kept a pixel after Wipe")
	}
	bm := randomMatrix(rng, 40, 8)
	a.Of(bm, hints)
	same("after Wipe, unbound", &a, bm)
}

// TestRowsDoneClears: the row a reader copied for itself, image data, is
// cleared by Done.
func TestRowsDoneClears(t *testing.T) {
	t.Parallel()
	bm := randomMatrix(rand.New(rand.NewPCG(1, 2)), 50, 4)
	var r Rows
	r.Of(bm, nil)
	if row := r.Row(2); !slices.ContainsFunc(row, func(w uint32) bool { return w != 0 }) {
		t.Fatal("a random row all light: nothing for the test to see cleared")
	}
	r.Done()
	if slices.ContainsFunc(r.own.GetBitArray(), func(w uint32) bool { return w != 0 }) {
		t.Error("the row copied kept a pixel after Done")
	}
}

// TestColumnsOfSharedRows: the columns made from shared rows are those
// made from the matrix.
func TestColumnsOfSharedRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, size := range [][2]int{{64, 64}, {70, 45}, {31, 90}} {
		bm := randomMatrix(rng, size[0], size[1])
		var s SharedRows
		s.Bind(bm)
		var plain, fromRows Columns
		want, got := plain.Of(bm), fromRows.of(bm, &s)
		for x := range bm.GetWidth() {
			if !slices.Equal(got[x].GetBitArray(), want[x].GetBitArray()) {
				t.Fatalf("%dx%d: column %d differs made from the shared rows", size[0], size[1], x)
			}
		}
		if s.Copies != bm.GetHeight() {
			t.Errorf("%dx%d: %d rows copied, want %d", size[0], size[1], s.Copies, bm.GetHeight())
		}
	}
}
