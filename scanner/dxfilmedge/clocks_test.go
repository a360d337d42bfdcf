package dxfilmedge

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// TestHasRuns: a line has n runs or more as bitrow.Lengths measures
// them, for widths that fill whole words and not, with set bits past the
// width ignored.
func TestHasRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		w := 1 + rng.IntN(150)
		line := make([]uint32, (w+31)/32+rng.IntN(2))
		for i := range line {
			switch rng.IntN(4) {
			case 0:
				line[i] = 0
			case 1:
				line[i] = ^uint32(0)
			default:
				line[i] = rng.Uint32()
			}
		}
		runs := len(bitrow.Lengths(line, w, nil))
		for _, n := range []int{1, runs - 1, runs, runs + 1, minRuns} {
			if got := hasRuns(line, w, n); got != (runs >= n) {
				t.Fatalf("trial %d, width %d, %d runs: has %d %v", trial, w, runs, n, got)
			}
		}
	}
}

// plainClocks is findClocks without its shortcuts: every dark run tried
// as a clock of either length.
func plainClocks(l []int, y int) []clock {
	var out []clock
	for i := 1; i < len(l); i += 2 {
		for _, n := range []int{shortLength, longLength} {
			end := i + n - 6
			if end > len(l)-1 {
				continue
			}
			total := 0
			for _, v := range l[i:end] {
				total += v
			}
			x := 0
			for _, v := range l[:i] {
				x += v
			}
			if 2*total > n*l[i-1] || 2*total > n*l[end] {
				continue
			}
			if reversed, ok := matchClock(l[i:end], total, n); ok {
				c := clock{y: y, n: n, reversed: reversed}
				if c.fit(l[i:end], x) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// TestFindClocksAsPlain: the clocks found on random lines, clocks of
// both lengths either way round at one to six pixels a module with runs
// a pixel or two off among runs of texture, are those every dark run
// tried finds.
func TestFindClocksAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var r Reader
	found := 0
	for trial := range 3000 {
		l := []int{rng.IntN(20)}
		for len(l) < 60 {
			if rng.IntN(4) == 0 {
				u := 1 + rng.IntN(6)
				n := []int{shortLength, longLength}[rng.IntN(2)]
				mods := append([]int{5}, make([]int, n-8)...)
				for k := range mods[1:] {
					mods[1+k] = 1
				}
				mods = append(mods, 3)
				if rng.IntN(2) == 0 {
					slices.Reverse(mods)
				}
				if len(l)%2 == 1 { // a dark run before the quiet zone
					l = append(l, 1+rng.IntN(3))
				}
				l = append(l, 2*u+rng.IntN(3*u+1))
				for _, m := range mods {
					l = append(l, max(1, m*u+rng.IntN(3)-1))
				}
				l = append(l, 2*u+rng.IntN(3*u+1))
				continue
			}
			l = append(l, 1+rng.IntN(12))
		}
		if len(l)%2 == 0 {
			l = append(l, rng.IntN(20))
		}
		want := plainClocks(l, trial)
		got := r.findClocks(l, trial)
		found += len(want)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d, runs %v: clocks %+v, want %+v", trial, l, got, want)
		}
	}
	if found < 100 {
		t.Fatalf("%d clocks found in all: the lines test little", found)
	}
}
