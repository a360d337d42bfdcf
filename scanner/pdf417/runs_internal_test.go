package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// The detector's row scan takes a row's runs from its run lengths, the
// engine's shared ones where there are (fromLengths); they must be the
// runs fromBitArray makes of the row, for rows starting light and dark,
// all of one colour, and of widths on and off a word's.
func TestFromLengthsAsBitArray(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 438))
	for i := range 400 {
		w := 1 + rng.IntN(100)
		row := gozxing.NewBitArray(w)
		switch i % 4 {
		case 0: // all light
		case 1:
			row.SetRange(0, w)
		default:
			p := 1 + rng.IntN(8) // runs about p long
			dark := rng.IntN(2) == 1
			for x := 0; x < w; x++ {
				if rng.IntN(p) == 0 {
					dark = !dark
				}
				if dark {
					row.Set(x)
				}
			}
		}
		var want, got runList
		want.fromBitArray(row, w)
		got.fromLengths(bitrow.Lengths(row.GetBitArray(), w, nil), w)
		if got.firstDark != want.firstDark || !slices.Equal(got.edges, want.edges) {
			t.Fatalf("row %v: runs %v (dark first %v), want %v (%v)", row, got.edges, got.firstDark, want.edges, want.firstDark)
		}
	}
}
