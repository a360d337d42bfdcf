package databar

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// findPairsPlain is findPairs summing each window's runs afresh and
// trying both ways of reading it.
func (s *rowScanner) findPairsPlain(y int, obs []pairObs) []pairObs {
	runs := s.runs
	var r [5]float64
	for k := 1; k+5 < len(runs); k++ {
		firstBar := k%2 == 1
		total := runs[k] + runs[k+1] + runs[k+2] + runs[k+3] + runs[k+4]
		if float64(total) < finderModules*s.unit {
			continue
		}
		front := finderProportions(runs[k]+runs[k+1], runs[k+2]+runs[k+3], total)
		back := finderProportions(runs[k+3]+runs[k+4], runs[k+1]+runs[k+2], total)
		for _, rtl := range [2]bool{false, true} {
			if firstBar != rtl && !front || firstBar == rtl && !back {
				continue
			}
			for i := 0; i < 5; i++ {
				if rtl {
					r[i] = float64(runs[k+4-i])
				} else {
					r[i] = float64(runs[k+i])
				}
			}
			m, ok := matchFinder(&r, firstBar)
			if !ok {
				continue
			}
			if p, ok := s.readPair(k, rtl, m, y); ok {
				obs = append(obs, p)
			}
		}
	}
	return obs
}

// TestFindPairsAsPlain: findPairs, which keeps the window's width as it
// moves and passes over windows neither way of reading fits, finds the
// pairs the plain loop does, on lines across symbols of two to eight
// pairs, either way round, at one to four pixels a module (or in
// sixteenths of a pixel) with every run a little off, among random runs.
func TestFindPairsAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	found := 0
	for n := range 300 {
		values := make([]int, 3+rng.IntN(14))
		for i := range values {
			values[i] = rng.IntN(4192)
		}
		row := layoutModules(values, 0)[0]
		var modules []int // run lengths in modules, light first
		dark, length := false, 0
		for _, m := range row {
			if m != dark {
				modules = append(modules, length)
				dark, length = m, 0
			}
			length++
		}
		modules = append(modules, length)
		if rng.IntN(2) == 0 {
			slices.Reverse(modules)
			if len(modules)%2 == 0 { // light first again
				modules = append([]int{0}, modules...)
			}
		}
		unit := 1.0
		if n%3 == 0 {
			unit = LineUnit
		}
		scale := float64(1+rng.IntN(4)) * unit
		runs := []int{int(scale * 10)}
		for range rng.IntN(30) {
			runs = append(runs, 1+rng.IntN(int(4*scale)))
		}
		if len(runs)%2 == 0 {
			runs = append(runs, int(scale*10))
		}
		for _, m := range modules[1:] {
			runs = append(runs, max(1, int(float64(m)*scale+rng.NormFloat64()*0.15*scale)))
		}
		s := rowScanner{runs: runs, unit: unit}
		s.positions()
		got := s.findPairs(n, nil)
		want := s.findPairsPlain(n, nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("line %d: findPairs %v, plain %v", n, got, want)
		}
		found += len(want)
	}
	if found < 300 {
		t.Fatalf("only %d pairs found on 300 lines", found)
	}
}
