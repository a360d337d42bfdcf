package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFindGuardsBothWaysAsReversed: findGuardsBothWays finds on a run
// list the guard patterns findGuards finds on it, and those findGuards
// finds on it reversed, in the same order, at the same edges: on lines of
// random runs among which start and stop patterns lie either way round,
// at one to four pixels a module give or take a pixel, lines starting
// and ending dark or light.
func TestFindGuardsBothWaysAsReversed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var fwdHits, backHits int
	for line := range 400 {
		var widths []int
		firstDark := rng.IntN(2) == 0
		for len(widths) < 120 {
			if rng.IntN(4) == 0 {
				p := startPattern
				if rng.IntN(2) == 0 {
					p = stopPattern
				}
				p = slices.Clone(p)
				if rng.IntN(2) == 0 {
					slices.Reverse(p)
				}
				// A pattern starts with a bar: pad to a dark run.
				if (len(widths)%2 == 0) != firstDark {
					widths = append(widths, 1+rng.IntN(12))
				}
				u := 1 + rng.IntN(4)
				for _, m := range p {
					widths = append(widths, max(1, m*u+rng.IntN(3)-1))
				}
				continue
			}
			widths = append(widths, 1+rng.IntN(10))
		}
		var r runList
		r.firstDark = firstDark
		x := 0
		r.edges = append(r.edges, x)
		for _, w := range widths {
			x += w
			r.edges = append(r.edges, x)
		}
		y, yBack := line, 1000-line
		var want [2]scanSet
		want[0].starts, want[0].stops = findGuards(&r, y, nil, nil)
		rev := runList{edges: slices.Clone(r.edges), firstDark: r.firstDark}
		rev.reverse()
		want[1].starts, want[1].stops = findGuards(&rev, yBack, nil, nil)
		var got [2]scanSet
		findGuardsBothWays(&r, y, yBack, &got[0], &got[1])
		for i := range got {
			if !slices.Equal(got[i].starts, want[i].starts) || !slices.Equal(got[i].stops, want[i].stops) {
				t.Fatalf("line %d, way %d: starts %v stops %v, want %v %v", line, i, got[i].starts, got[i].stops, want[i].starts, want[i].stops)
			}
		}
		fwdHits += len(want[0].starts) + len(want[0].stops)
		backHits += len(want[1].starts) + len(want[1].stops)
	}
	if fwdHits < 100 || backHits < 100 {
		t.Fatalf("only %d patterns found forwards, %d backwards", fwdHits, backHits)
	}
}
