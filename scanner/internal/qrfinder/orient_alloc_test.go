package qrfinder

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// TestOrientationsAllocateLittle: laying the square over a finder's
// corners in its eight turns allocates the map the turns are scored on
// and the maps returned, no more (16 allocations before: a map each
// turn, the candidates grown and sort.Slice's swapper).
func TestOrientationsAllocateLittle(t *testing.T) {
	corners := [4][2]float64{{10, 10}, {38, 11}, {37, 39}, {9, 38}}
	turn := 0
	score := func(*geom.Homography) float64 { turn++; return float64(turn % 3) }
	if got := Orientations(corners, true, score, 0); len(got) != turns {
		t.Fatalf("%d orientations, want %d", len(got), turns)
	}
	allocs := testing.AllocsPerRun(10, func() { Orientations(corners, true, score, 0) })
	if allocs > 2 {
		t.Errorf("%v allocations a search of the turns, want at most 2", allocs)
	}
}

// TestOrientationsBestFirst: the maps come best first, those scored alike
// in the order of their turns.
func TestOrientationsBestFirst(t *testing.T) {
	corners := [4][2]float64{{10, 10}, {38, 11}, {37, 39}, {9, 38}}
	scores := []float64{1, 3, 2, 3, 0.5, 1, 3, 2}
	byTurn := map[geom.Homography]int{}
	turn := 0
	score := func(h *geom.Homography) float64 { byTurn[*h] = turn; turn++; return scores[turn-1] }
	var order []int
	for _, h := range Orientations(corners, true, score, 1) {
		order = append(order, byTurn[h])
	}
	want := []int{1, 3, 6, 2, 7, 0, 5}
	if len(order) != len(want) {
		t.Fatalf("turns %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("turns %v, want %v", order, want)
		}
	}
}
