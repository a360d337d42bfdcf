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

// TestSharedRowsWipeAcrossSizes: after a large image's rows and then a
// smaller one's, each wiped, every word of the shared rows is zero to
// the buffer's capacity (Wipe clears as far as the bindings since the
// last one reached).
func TestSharedRowsWipeAcrossSizes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	var s SharedRows
	hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &s}
	for i, size := range [][2]int{{300, 60}, {40, 8}, {100, 30}, {40, 8}} {
		bm := randomMatrix(rng, size[0], size[1])
		s.Bind(bm)
		var r Rows
		r.Of(bm, hints)
		for y := range size[1] {
			r.Row(y)
		}
		s.Wipe()
		if slices.ContainsFunc(s.words[:cap(s.words)], func(w uint32) bool { return w != 0 }) {
			t.Errorf("image %d (%d×%d): shared rows kept a pixel after Wipe", i, size[0], size[1])
		}
		if cap(s.words) < 10*60 {
			t.Fatalf("image %d: the words hold %d: the large image's buffer is not reused", i, cap(s.words))
		}
	}
}

// TestGrownRowsLetGoCleared: every array the shared rows or a reader's
// own row outgrow (the words, the row fetched, a row's run lengths and
// the rows' run counts, the row a reader copied) is let go cleared.
func TestGrownRowsLetGoCleared(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	held := func(s []uint32) bool { return slices.ContainsFunc(s, func(w uint32) bool { return w != 0 }) }
	var s SharedRows
	hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &s}
	// Row 0 of the first image is all light: one run, a short array.
	small := randomMatrix(rng, 40, 8)
	for x := range 40 {
		small.Unset(x, 0)
	}
	s.Bind(small)
	var r Rows
	r.Of(small, hints)
	for y := range 8 {
		r.Lengths(y, nil)
	}
	words, fetch := s.words[:cap(s.words)], s.fetch.GetBitArray()
	lengths, counts := s.lengths[0][:cap(s.lengths[0])], s.lengthsHeld[:cap(s.lengthsHeld)]
	if !held(words) || !held(fetch) || !slices.ContainsFunc(counts, func(n int) bool { return n > 0 }) || len(lengths) == 0 {
		t.Fatal("the first image's rows kept nothing: nothing for the test to see let go")
	}
	large := randomMatrix(rng, 300, 60)
	s.Bind(large)
	r.Of(large, hints)
	for y := range 60 {
		r.Lengths(y, nil)
	}
	if &s.lengths[0][:1][0] == &lengths[0] || &s.lengthsHeld[0] == &counts[0] {
		t.Fatal("the larger image outgrew neither row 0's lengths nor the run counts: the test shows little")
	}
	if held(words) {
		t.Error("the words outgrown were let go holding the first image's rows")
	}
	if held(fetch) {
		t.Error("the row fetched last was let go holding a row of the first image")
	}
	if slices.ContainsFunc(lengths, func(n int) bool { return n != 0 }) {
		t.Error("row 0's run lengths outgrown were let go uncleared")
	}
	if slices.ContainsFunc(counts, func(n int) bool { return n != 0 }) {
		t.Error("the rows' run counts outgrown were let go uncleared")
	}
	// A reader's own row, copied out of the matrix, likewise.
	var own Rows
	own.Of(small, nil)
	row := own.Row(3)
	if !held(row) {
		t.Fatal("a random row all light: nothing for the test to see let go")
	}
	own.Of(large, nil)
	own.Row(3)
	if held(row) {
		t.Error("the row a reader copied was let go holding a row of the first image")
	}
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
			if !slices.Equal(got[x], want[x]) {
				t.Fatalf("%dx%d: column %d differs made from the shared rows", size[0], size[1], x)
			}
		}
		if s.Copies != bm.GetHeight() {
			t.Errorf("%dx%d: %d rows copied, want %d", size[0], size[1], s.Copies, bm.GetHeight())
		}
	}
}

// TestSharedLengths: the run lengths readers of the shared rows are given
// are those Lengths measures of the row, measured once a binding; the
// buffer a reader keeps is never the shared lengths, so writing into it
// leaves them as they are; and RunsOf and WindowsOf of lengths read as
// Runs and Windows of the row.
func TestSharedLengths(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 9))
	for _, size := range [][2]int{{64, 12}, {77, 20}, {5, 9}} {
		w, h := size[0], size[1]
		bm := randomMatrix(rng, w, h)
		for y := range h / 2 { // rows of long runs too
			for x := range w {
				if (x/7+y)%3 == 0 {
					bm.Unset(x, y)
				}
			}
		}
		var s SharedRows
		hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &s}
		for round := range 2 {
			bm.Flip(rng.IntN(w), rng.IntN(h))
			s.Reset()
			s.Bind(bm)
			measured := s.Measured
			var a, b, own Rows
			a.Of(bm, hints)
			b.Of(bm, hints)
			own.Of(bm, nil)
			var bufA, bufOwn []int
			var row *gozxing.BitArray
			for y := range h {
				row = bm.GetRow(y, row)
				want := Lengths(row.GetBitArray(), w, nil)
				var la, lb, lo []int
				la, bufA = a.Lengths(y, bufA)
				lb, _ = b.Lengths(y, nil)
				lo, bufOwn = own.Lengths(y, bufOwn)
				for _, got := range [][]int{la, lb, lo} {
					if !slices.Equal(got, want) {
						t.Fatalf("%dx%d round %d row %d: lengths %v, want %v", w, h, round, y, got, want)
					}
				}
				bufA = append(bufA[:0], 99, 99, 99) // a reader's own buffer
				if again, _ := b.Lengths(y, nil); !slices.Equal(again, want) {
					t.Fatalf("row %d: a reader's buffer wrote into the shared lengths", y)
				}

				wantFirst, wantRuns := Runs(row.GetBitArray(), w, nil)
				if first, runs := RunsOf(want); first != wantFirst || !slices.Equal(runs, wantRuns) {
					t.Fatalf("row %d: RunsOf %d %v, Runs %d %v", y, first, runs, wantFirst, wantRuns)
				}
				for _, n := range []int{1, 5, 11} {
					type win struct {
						w []int
						c float64
					}
					var wantWins, gotWins []win
					Windows(row.GetBitArray(), w, n, nil, func(ws []int, c float64) { wantWins = append(wantWins, win{slices.Clone(ws), c}) })
					WindowsOf(la, n, func(ws []int, c float64) { gotWins = append(gotWins, win{slices.Clone(ws), c}) })
					if !slices.EqualFunc(gotWins, wantWins, func(p, q win) bool { return p.c == q.c && slices.Equal(p.w, q.w) }) {
						t.Fatalf("row %d, n %d: WindowsOf %v, Windows %v", y, n, gotWins, wantWins)
					}
				}
			}
			if n := s.Measured - measured; n != h {
				t.Errorf("two readers of %d rows: %d rows measured, want each once", h, n)
			}
		}
		s.Wipe()
		for y, l := range s.lengths {
			if slices.ContainsFunc(l[:cap(l)], func(v int) bool { return v != 0 }) {
				t.Fatalf("row %d's lengths kept after Wipe", y)
			}
		}
	}
}

// TestSharedRowsPrimed: rows kept as their matrix was set are served as
// GetRow gives them, with no copy out of the matrix; priming a matrix
// bound already forgets its rows of before (the scratch matrices are
// set anew pass after pass); a Bind of the primed matrix keeps the rows;
// and Wipe clears rows kept where none was copied.
func TestSharedRowsPrimed(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 3))
	var s SharedRows
	hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &s}
	kept := 0
	for _, size := range [][2]int{{64, 9}, {70, 45}} {
		src := randomMatrix(rng, size[0], size[1])
		bm, _ := gozxing.NewBitMatrix(size[0], size[1])
		s.Bind(bm)
		var r Rows
		r.Of(bm, hints)
		r.Row(0) // a row of the image before, copied under the old binding
		s.Prime(bm)
		var row *gozxing.BitArray
		for y := range bm.GetHeight() {
			row = src.GetRow(y, row)
			bm.SetRow(y, row)
			s.Keep(y, row.GetBitArray())
		}
		s.Bind(bm)
		if s.Kept != kept+bm.GetHeight() {
			t.Errorf("%v: %d rows kept, want %d", size, s.Kept-kept, bm.GetHeight())
		}
		kept = s.Kept
		copies := s.Copies
		r.Of(bm, hints)
		for y := range bm.GetHeight() {
			want := bm.GetRow(y, nil).GetBitArray()
			if got := r.Row(y); !slices.Equal(got, want) {
				t.Fatalf("%v: kept row %d is %x, GetRow gives %x", size, y, got, want)
			}
		}
		if s.Copies != copies {
			t.Errorf("%v: %d rows copied out of a primed matrix", size, s.Copies-copies)
		}
	}
	// Rows kept, none ever copied out of a matrix: Wipe clears them too.
	var only SharedRows
	bm := randomMatrix(rng, 40, 3)
	only.Prime(bm)
	for y := range bm.GetHeight() {
		only.Keep(y, bm.GetRow(y, nil).GetBitArray())
	}
	only.Wipe()
	if slices.ContainsFunc(only.words, func(w uint32) bool { return w != 0 }) {
		t.Error("kept rows outlived the wipe")
	}
}
