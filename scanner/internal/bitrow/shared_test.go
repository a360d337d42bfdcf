package bitrow

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestSharedColumns: readers given the shared columns of the image bound
// get its columns, transposed once between them; the columns of another
// image, or of the image after a Reset (a symbol painted out of it), are
// its own; and Wipe clears what was kept.
func TestSharedColumns(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(w, h int) *gozxing.BitMatrix {
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
	same := func(what string, cols [][]uint32, bm *gozxing.BitMatrix) {
		t.Helper()
		for x := range bm.GetWidth() {
			for y := range bm.GetHeight() {
				if bit(cols[x], y) != bm.Get(x, y) {
					t.Fatalf("%s: column %d row %d differs", what, x, y)
				}
			}
		}
	}
	var s SharedColumns
	hints := map[gozxing.DecodeHintType]interface{}{hint.Columns: &s}
	var a, b Columns // two readers' own
	bm, other := random(70, 45), random(40, 50)
	s.Bind(bm)
	same("first reader", a.OfShared(bm, hints), bm)
	same("second reader", b.OfShared(bm, hints), bm)
	if s.Transposed != 1 || s.Served != 2 {
		t.Errorf("two readers of one image: %d transpositions, %d served, want 1 and 2", s.Transposed, s.Served)
	}
	same("another image", a.OfShared(other, hints), other)
	same("without the hint", a.OfShared(bm, nil), bm)
	if s.Transposed != 1 {
		t.Errorf("images not bound were shared: %d transpositions", s.Transposed)
	}

	bm.Unset(3, 5)
	bm.Set(4, 6)
	s.Reset()
	same("unbound after a change", a.OfShared(bm, hints), bm)
	s.Bind(bm)
	same("bound again", b.OfShared(bm, hints), bm)
	if s.Transposed != 2 {
		t.Errorf("after Reset and Bind: %d transpositions, want 2", s.Transposed)
	}

	cols := b.OfShared(bm, hints)
	s.Wipe()
	for x, c := range cols {
		if nextSet(c, 0) >= 0 {
			t.Fatalf("column %d kept a pixel after Wipe", x)
		}
	}
	same("after Wipe, unbound", a.OfShared(bm, hints), bm)
}
