package hanxin

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestForGroupsAsNestedLoops: the groups of four candidates tried are
// those four nested loops testing each pair met try, in the same order,
// a group read taking its candidates out of the rest, on random
// candidates of alike and unlike modules, until a read or a number of
// failures stops the search, or to the end.
func TestForGroupsAsNestedLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tried := 0
	for k := range 300 {
		n := 4 + rng.IntN(maxCandidates-3)
		cands := make([]candidate, n)
		for i := range cands {
			// Finders of a few grids of squares and stray ones.
			g := rng.IntN(4)
			side := float64(40 + 30*g)
			cands[i] = candidate{
				x:      float64(100*g) + side*float64(rng.IntN(2)) + rng.Float64()*side/4,
				y:      float64(50*g) + side*float64(rng.IntN(2)) + rng.Float64()*side/4,
				module: 2 + float64(g)/2 + rng.Float64(),
			}
		}
		dist := make([]float64, n*n)
		for i := range n {
			for j := range n {
				dist[i*n+j] = math.Hypot(cands[i].x-cands[j].x, cands[i].y-cands[j].y)
			}
		}
		// A group's outcome, the same whichever way it is met.
		outcome := func(a, b, c, d int) int { return (a*7 + b*13 + c*29 + d*31 + k) % 11 } // 0: read; 1 to 4: failed
		all, maxFailed := k%2 == 0, 1+k%5
		var want, got [][4]int
		// The nested loops.
		used := make([]bool, n)
		alike := func(i, j int) bool { return !used[i] && !used[j] && pairable(cands[i], cands[j], dist[i*n+j]) }
		failed := 0
	loops:
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				if !alike(a, b) {
					continue
				}
				for c := b + 1; c < n; c++ {
					if !alike(a, c) || !alike(b, c) || !rightish(dist, n, a, b, c) {
						continue
					}
					for d := c + 1; d < n && failed < maxFailed; d++ {
						if !alike(a, d) || !alike(b, d) || !alike(c, d) || !squarish(dist, n, a, b, c, d) {
							continue
						}
						want = append(want, [4]int{a, b, c, d})
						switch o := outcome(a, b, c, d); {
						case o == 0 && !all:
							break loops
						case o == 0:
							used[a], used[b], used[c], used[d] = true, true, true, true
						case o <= 4:
							failed++
						}
					}
				}
			}
		}
		failed = 0
		forGroups(cands, dist, func(a, b, c, d int) (taken, stop bool) {
			got = append(got, [4]int{a, b, c, d})
			switch o := outcome(a, b, c, d); {
			case o == 0:
				return true, !all
			case o <= 4:
				failed++
			}
			return false, failed == maxFailed
		})
		if !slices.Equal(got, want) {
			t.Fatalf("case %d, %d candidates: groups %v, want %v", k, n, got, want)
		}
		tried += len(want)
	}
	if tried < 300 {
		t.Fatalf("%d groups tried in all: the candidates make too few", tried)
	}
}

// TestSquarishPicksOrderStatistics: squarish, which picks the shortest
// and the three longest distances out, decides as the test on all six
// sorted does, on distances of every kind, ties among them often.
func TestSquarishPicksOrderStatistics(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const n = 4
	dist := make([]float64, n*n)
	yes := 0
	for range 50000 {
		for i := range n {
			for j := i + 1; j < n; j++ {
				v := 10 + float64(rng.IntN(12)) // ties often
				if rng.IntN(2) == 0 {
					v = 10 + 8*rng.Float64()
				}
				dist[i*n+j], dist[j*n+i] = v, v
			}
		}
		ds := []float64{dist[0*n+1], dist[0*n+2], dist[0*n+3], dist[1*n+2], dist[1*n+3], dist[2*n+3]}
		slices.Sort(ds)
		want := ds[3] < 1.6*ds[0] && ds[5] < 1.4*ds[4] && ds[4] > 1.2*ds[0]
		if got := squarish(dist, n, 0, 1, 2, 3); got != want {
			t.Fatalf("distances %v: squarish %v, want %v", ds, got, want)
		}
		if want {
			yes++
		}
	}
	if yes < 250 {
		t.Fatalf("%d of the groups squarish: the distances test too few", yes)
	}
}

// TestSidesMayFitKeepsEveryShape: sidesMayFit turns away only groups
// whose shape groupShape turns away, on fours about a square's corners
// jittered, many of them beyond what a symbol's finders make, and
// shuffled.
func TestSidesMayFitKeepsEveryShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	kept, turned := 0, 0
	for range 20000 {
		side, module := 20+200*rng.Float64(), 1+3*rng.Float64()
		jitter := side * rng.Float64()
		cands := make([]candidate, 4)
		for i, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
			cands[i] = candidate{
				x:      100 + side*c[0] + jitter*(rng.Float64()-0.5),
				y:      100 + side*c[1] + jitter*(rng.Float64()-0.5),
				module: module * (0.8 + 0.4*rng.Float64()),
			}
		}
		rng.Shuffle(4, func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		dist := make([]float64, 16)
		for i := range 4 {
			for j := range 4 {
				dist[i*4+j] = math.Hypot(cands[i].x-cands[j].x, cands[i].y-cands[j].y)
			}
		}
		q, ids := [4]candidate(cands), [4]int{0, 1, 2, 3}
		_, _, _, shaped := groupShape(&q, &ids)
		switch may := sidesMayFit(cands, dist, [4]int{0, 1, 2, 3}); {
		case shaped && !may:
			t.Fatalf("candidates %+v: turned away, groupShape keeps them", cands)
		case may:
			kept++
		default:
			turned++
		}
	}
	if kept < 1000 || turned < 1000 {
		t.Fatalf("%d groups kept and %d turned away: the jitter tests too few of either", kept, turned)
	}
}
