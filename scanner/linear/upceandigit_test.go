package linear

import (
	"math/rand/v2"
	"testing"
)

// upceanDigitPlain is upceanDigit trying every digit's rounded distances.
func upceanDigitPlain(runs []int, i int, right bool) int {
	w := runs[i : i+4]
	var buf [3]float64
	e := edges(w, 7, buf[:])
	total := float64(sum(w))
	b0 := 1
	sets := upceanDigits
	if right {
		b0, sets = 0, upceanDigits[:10]
	}
	bars := float64(w[b0]+w[b0+2]) * 7 / total
	var rounded [3]uint8
	for j, v := range e {
		rounded[j] = uint8(v + 0.5)
	}
	best, bestD, secondD := -1, 1e9, 1e9
	exact := -1
	for d, p := range sets {
		barDiff := bars - float64(p[b0]+p[b0+2])
		if barDiff < 0 {
			barDiff = -barDiff
		}
		if rounded[0] == p[0]+p[1] && rounded[1] == p[1]+p[2] && rounded[2] == p[2]+p[3] &&
			(exact < 0 || barDiff < bestD) {
			exact, bestD = d, barDiff
		}
	}
	if exact >= 0 {
		return exact
	}
	bestD = 1e9
	for d, p := range sets {
		v := edgeMatch(e, p)
		switch {
		case v < bestD:
			best, bestD, secondD = d, v, bestD
		case v < secondD:
			secondD = v
		}
	}
	if bestD > 1.2 || secondD-bestD < 0.5 {
		return -1
	}
	return best
}

// TestUPCEANDigitAsPlain: upceanDigit, which looks the digits up by
// their rounded edge distances, classifies digits of every set, printed
// at one to five pixels a module with bars grown or shrunk and widths
// off by a pixel, and runs of random widths, as the search through every
// digit's distances does.
func TestUPCEANDigitAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 20000 {
		var runs [4]int
		if n%4 == 0 {
			for j := range runs {
				runs[j] = 1 + rng.IntN(20)
			}
		} else {
			p := upceanDigits[rng.IntN(len(upceanDigits))]
			u := 1 + rng.IntN(5)
			grow := rng.IntN(3) - 1
			for j := range runs {
				runs[j] = max(1, int(p[j])*u+rng.IntN(3)-1+grow*(j%2*2-1))
			}
		}
		for _, right := range []bool{false, true} {
			if got, want := upceanDigit(runs[:], 0, right), upceanDigitPlain(runs[:], 0, right); got != want {
				t.Fatalf("%v, right %v: %d, want %d", runs, right, got, want)
			}
		}
	}
}
