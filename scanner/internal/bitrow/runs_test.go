package bitrow

import (
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestRuns(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		first   int
		runs    []int
	}{
		{"..##.###....#", 2, []int{2, 1, 3, 4, 1}},
		{"###..", 0, []int{3}},
		{".....", 5, nil},
		{"#.#.#", 0, []int{1, 1, 1, 1, 1}},
	} {
		row := gozxing.NewBitArray(len(tc.pattern))
		for i, c := range tc.pattern {
			if c == '#' {
				row.Set(i)
			}
		}
		first, runs := Runs(row, len(tc.pattern), nil)
		if first != tc.first || !slices.Equal(runs, tc.runs) {
			t.Errorf("%s: first %d runs %v, want %d %v", tc.pattern, first, runs, tc.first, tc.runs)
		}
	}
}
