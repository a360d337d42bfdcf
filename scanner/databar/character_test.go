package databar

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing/oned/rss"
)

// TestCharacterWidths checks every character value against the structure
// of ISO/IEC 24724 Table 7, and its halves against gozxing's independent
// implementation of the width-to-value function (whose narrow flag reads
// the other way round: true where a narrow element is required).
func TestCharacterWidths(t *testing.T) {
	seen := map[[8]int]int{}
	for v := 0; v < 4192; v++ {
		w, ok := characterWidths(v)
		if !ok {
			t.Fatalf("value %d: no widths", v)
		}
		if prev, dup := seen[w]; dup {
			t.Fatalf("values %d and %d share widths %v", prev, v, w)
		}
		seen[w] = v
		gi := 4
		for gi > 0 && v < charGroups[gi].base {
			gi--
		}
		g := &charGroups[gi]
		odd := []int{w[0], w[2], w[4], w[6]}
		even := []int{w[1], w[3], w[5], w[7]}
		sum := func(a []int) (s int) {
			for _, x := range a {
				s += x
			}
			return s
		}
		if sum(odd) != g.oddModules || sum(odd)+sum(even) != 17 {
			t.Fatalf("value %d: widths %v, want %d odd modules of 17", v, w, g.oddModules)
		}
		rel := v - g.base
		if got := rss.RSSUtils_getRSSvalue(odd, g.oddWidest, true); got != rel/g.evenCount {
			t.Fatalf("value %d: odd widths %v give %d, want %d", v, odd, got, rel/g.evenCount)
		}
		if got := rss.RSSUtils_getRSSvalue(even, g.evenWidest, false); got != rel%g.evenCount {
			t.Fatalf("value %d: even widths %v give %d, want %d", v, even, got, rel%g.evenCount)
		}
	}
	for _, v := range []int{-1, 4192} {
		if _, ok := characterWidths(v); ok {
			t.Errorf("value %d has widths", v)
		}
	}
}

func TestReadCharacterExact(t *testing.T) {
	for v := 0; v < 4192; v++ {
		w, _ := characterWidths(v)
		var x [8]float64
		for i := range w {
			x[i] = float64(w[i])
		}
		if best := readCharacter(&x); best.value != v || best.cost != 0 || best.widths != w {
			t.Fatalf("value %d read as %d, widths %v (cost %g)", v, best.value, best.widths, best.cost)
		}
	}
}

func TestReadCharacterNoisy(t *testing.T) {
	// Ink spread already removed, each element off by up to 0.4 module.
	w, _ := characterWidths(2015)
	off := [8]float64{0.4, -0.3, 0.2, -0.4, 0.3, -0.1, -0.4, 0.3}
	var x [8]float64
	for i := range w {
		x[i] = float64(w[i]) + off[i]
	}
	if best := readCharacter(&x); best.value != 2015 {
		t.Errorf("read %d, want 2015", best.value)
	}
}

func TestChecksumWeights(t *testing.T) {
	// First, second and last rows of ISO/IEC 24724 Table 14.
	tests := []struct {
		row  int
		want [8]int
	}{
		{0, [8]int{1, 3, 9, 27, 81, 32, 96, 77}},
		{1, [8]int{20, 60, 180, 118, 143, 7, 21, 63}},
		{22, [8]int{45, 135, 194, 160, 58, 174, 100, 89}},
	}
	for _, tc := range tests {
		if weights[tc.row] != tc.want {
			t.Errorf("row %d: %v, want %v", tc.row, weights[tc.row], tc.want)
		}
	}
	w, _ := characterWidths(0)
	if got := checksumPart(&w, -1); got != 0 {
		t.Errorf("check character contributes %d, want 0", got)
	}
}

func TestFinderSequences(t *testing.T) {
	for n := 2; n <= 11; n++ {
		seq := finderSequences[n]
		if len(seq) != n {
			t.Fatalf("%d pairs: sequence %v", n, seq)
		}
		if seq[0] != 0 {
			t.Errorf("%d pairs: starts with %v, want A1", n, seq[0])
		}
		seen := map[finderID]bool{}
		for p, f := range seq {
			if seen[f] {
				t.Errorf("%d pairs: finder %v twice", n, f)
			}
			seen[f] = true
			if f.version() != p%2+1 {
				t.Errorf("%d pairs: pair %d has version %d", n, p, f.version())
			}
		}
	}
}

func TestMatchFinder(t *testing.T) {
	for p := range finderWidths {
		for version := 1; version <= 2; version++ {
			for _, module := range []float64{1, 2.5, 7} {
				for _, spread := range []float64{0, 0.3, -0.3} {
					var r [5]float64
					firstBar := version == 2
					for i := 0; i < 5; i++ {
						w := finderWidths[p][i]
						if version == 2 {
							w = finderWidths[p][4-i]
						}
						bar := (i%2 == 0) == firstBar
						r[i] = float64(w) * module
						if bar {
							r[i] += spread * module
						} else {
							r[i] -= spread * module
						}
					}
					m, ok := matchFinder(&r, firstBar)
					want := makeFinderID(p, version)
					if !ok || m.id != want {
						t.Errorf("pattern %d v%d module %g spread %g: got %v %v, want %v", p, version, module, spread, m.id, ok, want)
					}
				}
			}
		}
	}
}

// TestMatchFinderRejects checks shapes that are not Expanded finders: the
// RSS-14 finders among them, whose symbols the RSS-14 reader owns.
func TestMatchFinderRejects(t *testing.T) {
	for _, r := range [][5]float64{
		// The nine RSS-14 finders (ISO/IEC 24724 Table 4).
		{3, 8, 2, 1, 1}, {3, 5, 5, 1, 1}, {3, 3, 7, 1, 1}, {3, 1, 9, 1, 1}, {2, 7, 4, 1, 1},
		{2, 5, 6, 1, 1}, {2, 3, 8, 1, 1}, {1, 5, 7, 1, 1}, {1, 3, 9, 1, 1},
		{1, 1, 1, 1, 1}, {5, 5, 5, 5, 5}, {1, 2, 1, 2, 9},
	} {
		for _, firstBar := range []bool{false, true} {
			if m, ok := matchFinder(&r, firstBar); ok {
				t.Errorf("%v (first bar %v) matched as %v, cost %g", r, firstBar, m.id, m.cost)
			}
		}
	}
}

// TestReadCharacterIsNearest: the search that gives up on patterns once
// they cost more than the best so far finds what trying every character of
// every group finds, for measured widths near and far from any character.
func TestReadCharacterIsNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2))
	for n := range 3000 {
		var x [8]float64
		for i := range x {
			x[i] = 1 + rng.Float64()*8
			if n%2 == 0 {
				x[i] = math.Round(x[i]) + rng.NormFloat64()*0.3
			}
		}
		want := charReading{cost: math.Inf(1)}
		for gi := range charGroups {
			g := &charGroups[gi]
			for vo, odd := range g.odd {
				for ve, even := range g.even {
					c := 0.0
					for k := 0; k < 4; k++ {
						d, e := x[2*k]-float64(odd[k]), x[2*k+1]-float64(even[k])
						c += d*d + e*e
					}
					if c < want.cost-1e-9 {
						want.value, want.cost = g.base+vo*g.evenCount+ve, c
					}
				}
			}
		}
		if got := readCharacter(&x); got.value != want.value || math.Abs(got.cost-want.cost) > 1e-9 {
			t.Fatalf("widths %v: character %d (cost %g), want %d (cost %g)", x, got.value, got.cost, want.value, want.cost)
		}
	}
}
