package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestReverseRuns checks the run lengths of a row read right to left
// against those of the reversed row, on rows that start and end either way.
func TestReverseRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 500; i++ {
		row := gozxing.NewBitArray(1 + rng.IntN(200))
		dark := rng.IntN(2) == 0
		for x := 0; x < row.GetSize(); x++ {
			if rng.IntN(4) == 0 {
				dark = !dark
			}
			if dark {
				row.Set(x)
			}
		}
		got := reverseRuns(runLengths(row, nil), nil)
		row.Reverse()
		if want := runLengths(row, nil); !slices.Equal(got, want) {
			t.Fatalf("row of %d: reversed runs %v, want %v", row.GetSize(), got, want)
		}
	}
}
