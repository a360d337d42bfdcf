package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestSignAgreement: the share of two lines' samples on the same side of
// the threshold, taken from their packed dark bits, is what comparing
// them sample by sample gives, at every shift, for lines of lengths round
// the words' bounds.
func TestSignAgreement(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{40, 63, 64, 65, 127, 128, 129, 300} {
		s := signSampler{n: n, mid: 128, ring: make([][]byte, 2), dark: make([][]uint64, 2), packed: make([]bool, 2)}
		for trial := range 20 {
			for i := range s.ring {
				s.ring[i] = make([]byte, n)
				for k := range s.ring[i] {
					s.ring[i][k] = byte(rng.IntN(256))
				}
				if trial%2 == 1 && i == 1 { // mostly alike: a line further up the same bars
					copy(s.ring[1], s.ring[0])
					s.ring[1][rng.IntN(n)] ^= 0x80
				}
				s.packed[i] = false
			}
			for slack := range 2 {
				if got, want := s.agreement(0, 1, slack), agreementBySample(&s, slack); got != want {
					t.Errorf("%d samples, slack %d: agreement %v, want %v", n, slack, got, want)
				}
			}
		}
	}
}

// agreementBySample is agreement compared sample by sample.
func agreementBySample(s *signSampler, slack int) float64 {
	a, b := s.ring[0], s.ring[1]
	best := 0
	for shift := -slack; shift <= slack; shift++ {
		same := 0
		for k := max(0, -shift); k < min(len(a), len(b)-shift); k++ {
			if (int(a[k]) < s.mid) == (int(b[k+shift]) < s.mid) {
				same++
			}
		}
		best = max(best, same)
	}
	return float64(best) / float64(len(a))
}
