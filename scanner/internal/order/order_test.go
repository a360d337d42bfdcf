package order

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSelect: the k-th smallest selected is the k-th of the sorted
// values, for every k, with many equal values and few, and the values
// before it are at most it, those after at least it.
func TestSelect(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		n := 1 + rng.IntN(70)
		levels := 1 + rng.IntN(300)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(levels)) / 3
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for k := range n {
			ys := slices.Clone(xs)
			got := Select(ys, k)
			if got != sorted[k] || ys[k] != got {
				t.Fatalf("trial %d, k %d of %v: %v, want %v", trial, k, xs, got, sorted[k])
			}
			for i, y := range ys {
				if i < k && y > got || i > k && y < got {
					t.Fatalf("trial %d, k %d: %v not split at %v", trial, k, ys, got)
				}
			}
		}
	}
}

// TestSelectMiddle: the middle one selected is what sorting puts at
// len/2, repeated values, sorted and reversed input included.
func TestSelectMiddle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 60; n++ {
		for trial := range 20 {
			xs := make([]float64, n)
			for i := range xs {
				switch trial % 4 {
				case 0:
					xs[i] = rng.Float64()
				case 1:
					xs[i] = float64(rng.IntN(3)) // many ties
				case 2:
					xs[i] = float64(i)
				default:
					xs[i] = float64(n - i)
				}
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			if got := Select(xs, n/2); got != want[n/2] {
				t.Fatalf("%d values, trial %d: Select %v, want %v", n, trial, got, want[n/2])
			}
		}
	}
}
