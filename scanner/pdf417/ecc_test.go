package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCorrectErrors(t *testing.T) {
	tests := []struct {
		name              string
		dataLen, ecLevel  int
		errors, erasures  int
		wantUncorrectable bool
	}{
		{"clean", 20, 2, 0, 0, false},
		{"one error level 0", 10, 0, 1, 0, false},
		{"one erasure level 0", 10, 0, 0, 1, false},
		{"max errors level 3", 40, 3, 8, 0, false},
		{"max erasures level 3", 40, 3, 0, 15, false},
		{"erasures leave no check", 40, 3, 0, 16, true},
		{"mixed level 4", 100, 4, 10, 11, false},
		{"level 8 long", 300, 8, 100, 300, false},
		{"too many errors", 40, 3, 12, 0, true},
		{"too many erasures", 40, 2, 0, 9, true},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			numEC := 2 << tc.ecLevel
			data := make([]int, tc.dataLen)
			for i := range data {
				data[i] = rng.IntN(fieldSize)
			}
			want := append(slices.Clone(data), ecCodewords(data, numEC)...)
			got := slices.Clone(want)
			perm := rng.Perm(len(got))
			for _, p := range perm[:tc.errors] {
				got[p] = (got[p] + 1 + rng.IntN(fieldSize-1)) % fieldSize
			}
			erasures := perm[tc.errors : tc.errors+tc.erasures]
			for _, p := range erasures {
				got[p] = 0
			}
			n, err := correctErrors(got, erasures, numEC)
			if tc.wantUncorrectable {
				if err == nil && slices.Equal(got, want) {
					t.Fatalf("corrected %d errors + %d erasures with %d check codewords", tc.errors, tc.erasures, numEC)
				}
				return
			}
			if err != nil {
				t.Fatalf("correctErrors: %v", err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("corrected codewords differ from the original")
			}
			if n != tc.errors {
				t.Errorf("reported %d errors, want %d", n, tc.errors)
			}
		})
	}
}
