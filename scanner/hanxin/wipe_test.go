package hanxin

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// After Wipe the reader keeps nothing of the last image it searched: its
// binarized row and the runs it measured are image data.
func TestWipeClearsWhatTheSearchKept(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m, _ := gozxing.NewBitMatrix(320, 240)
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			if (x/4+y/4)%2 == 0 || rng.IntN(8) == 0 {
				m.Set(x, y)
			}
		}
	}
	r := NewReader()
	r.findCandidates(m, 2, nil)
	if !slices.ContainsFunc(r.lines.rows, func(w uint32) bool { return w != 0 }) {
		t.Fatal("the search kept no row: nothing for the test to see wiped")
	}
	r.Wipe()
	if slices.ContainsFunc(r.lines.rows[:cap(r.lines.rows)], func(w uint32) bool { return w != 0 }) {
		t.Error("a binarized row kept after Wipe")
	}
	if slices.ContainsFunc(r.runs[:cap(r.runs)], func(v int) bool { return v != 0 }) {
		t.Error("the runs of a row kept after Wipe")
	}
}
