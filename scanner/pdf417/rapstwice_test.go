package pdf417

import (
	"math/rand"
	"testing"
)

// TestRapsTwiceAsCounted: rapsTwice tells what counting each pattern's
// hits in a map tells, whether two patterns show on two hits or more,
// over hits of few patterns and of many, the highest and lowest among
// them.
func TestRapsTwiceAsCounted(t *testing.T) {
	counted := func(hits []microHit) bool {
		counts := map[uint16]int{}
		twice := 0
		for _, h := range hits {
			if counts[h.rap]++; counts[h.rap] == 2 {
				twice++
			}
		}
		return twice >= 2
	}
	rng := rand.New(rand.NewSource(1))
	var hits []microHit
	for n := range 2000 {
		hits = hits[:0]
		patterns := 1 + n%12
		for range rng.Intn(20) {
			p := uint16(rng.Intn(1 << (2 * rapElements)))
			switch rng.Intn(patterns) {
			case 0:
				p = 0
			case 1:
				p = 1<<(2*rapElements) - 1
			case 2:
				p = 63
			case 3:
				p = 64
			}
			hits = append(hits, microHit{rap: p})
		}
		if got, want := rapsTwice(hits), counted(hits); got != want {
			t.Fatalf("hits of patterns %v: rapsTwice %v, counted %v", raps(hits), got, want)
		}
	}
}

func raps(hits []microHit) []uint16 {
	out := make([]uint16, len(hits))
	for i, h := range hits {
		out[i] = h.rap
	}
	return out
}
