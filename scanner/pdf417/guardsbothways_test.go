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

// TestWideBarFitsRefusesOnlyWhatMatchGuardRefuses: wherever matchGuard
// keeps a start or stop pattern, its wide bar fits (wideBarFits), on
// patterns at one to ten pixels a module whose wide bar and the element
// after it are every width near theirs, the rest a pixel off or not.
func TestWideBarFitsRefusesOnlyWhatMatchGuardRefuses(t *testing.T) {
	kept, refused := 0, 0
	for _, g := range []struct {
		pattern       []int
		wide, modules int
	}{{startPattern, 8, startModules}, {stopPattern, 7, stopModules}} {
		for u := 1; u <= 10; u++ {
			for w0 := g.wide*u - u - 2; w0 <= g.wide*u+u+2; w0++ {
				for w1 := 1; w1 <= 2*u+2; w1++ {
					for off := -1; off <= 1; off++ {
						r := runList{firstDark: true, edges: []int{0}}
						x := 0
						for k, m := range g.pattern {
							width := m*u + off*(k%2)
							switch k {
							case 0:
								width = w0
							case 1:
								width = w1
							}
							x += max(width, 1)
							r.edges = append(r.edges, x)
						}
						total := r.edges[len(g.pattern)]
						_, ok := matchGuard(&r, 0, g.pattern, g.modules)
						fits := wideBarFits(w0, total, g.wide, g.modules)
						if ok && !fits {
							t.Fatalf("u %d, widths %v: matchGuard keeps the pattern, wideBarFits refuses it", u, r.edges)
						}
						if ok {
							kept++
						} else if !fits {
							refused++
						}
					}
				}
			}
		}
	}
	if kept < 100 || refused < 100 {
		t.Fatalf("%d patterns kept, %d refused by wideBarFits: the sweep misses the bound", kept, refused)
	}
}
