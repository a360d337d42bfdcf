package maxicode

import "testing"

// The finder's run test, on runs measured across bullseyes of the
// robustness suite's symbols (three pixels a module, rings 2.4 px wide,
// in half pixels where a cross-check measured them).
func TestMatchesBullseye(t *testing.T) {
	for _, tc := range []struct {
		name string
		runs []int
		want bool
	}{
		{"even rings", []int{5, 5, 5, 5, 5, 7, 5, 5, 5, 5, 5}, true},
		// A threshold below the middle: every dark run a pixel wider,
		// every light one a pixel narrower.
		{"dark-biased threshold", []int{3, 2, 3, 2, 3, 3, 3, 2, 3, 2, 3}, true},
		// Down a column the outer ring runs into the dark modules above
		// and below the bullseye, which in a hexagonal grid touch.
		{"outer ring joined to modules", []int{24, 4, 6, 4, 6, 7, 6, 4, 6, 4, 16}, true},
		// A row a ring above the centre, through the first light ring:
		// the dark run across it (5) breaks the rings' period.
		{"off-centre row", []int{3, 2, 3, 3, 5, 3, 3, 2, 3, 4, 10}, false},
		{"one side wider", []int{5, 5, 5, 5, 5, 7, 2, 2, 2, 2, 5}, false},
		{"centre too narrow", []int{5, 5, 5, 5, 5, 1, 5, 5, 5, 5, 5}, false},
		{"too small", []int{1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := matchesBullseye(tc.runs); got != tc.want {
				t.Errorf("matchesBullseye(%v) = %v, want %v", tc.runs, got, tc.want)
			}
		})
	}
}
