package pdf417

import "testing"

// TestRAPsAdvance: the RAPs down a symbol's edge go forward through their
// cycle, one row every two scan rows, some misread (a pattern of neither
// set) or read as the next one; those of a 1D symbol's bars, read as one
// pattern or its neighbours in the cycle, go back as often as forward,
// and make the reader no more Promising than texture.
func TestRAPsAdvance(t *testing.T) {
	const module = 3.0
	hitsOf := func(places []int) []microHit {
		var hits []microHit
		for k, p := range places {
			h := microHit{y: int32(6 * k), module: module}
			if p >= 0 {
				h.rap = sideRAP(p)
			}
			hits = append(hits, h)
		}
		return hits
	}
	for _, tc := range []struct {
		name   string
		places []int // side RAPs down the edge, a row (6 pixels) apart; -1 none
		want   bool
	}{
		{"symbol", []int{10, 11, 12, 13, 14, 15, 16, 17, 18}, true},
		{"symbol across the cycle's end", []int{47, 48, 49, 50, 51, 0, 1, 2, 3}, true},
		{"symbol, some misread", []int{10, -1, 12, 13, -1, 15, 16, 16, 17, 18, 19, 20, 22, 21}, true},
		{"eight rows", []int{10, 11, 12, 13, 14, 15, 16, 17}, false},
		{"1D bars", []int{20, 21, 20, 20, 21, 20, 21, 22, 21, 20}, false},
		{"1D bars drifting", []int{20, 21, 22, 21, 22, 23, 22, 23, 24, 23, 24, 25, 24, 25, 26}, false},
	} {
		hits := hitsOf(tc.places)
		if got := rapsAdvance(hits, module, nil); got != tc.want {
			f, b := rapSteps(hits, module, nil)
			t.Errorf("%s: rapsAdvance %v (forward %d, back %d), want %v", tc.name, got, f, b, tc.want)
		}
	}
}
