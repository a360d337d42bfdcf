package console

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLargestFirstIsTheFrontOfASort checks largestFirst against a full sort
// on many sizes, with ties broken by name as the charts break them.
func TestLargestFirstIsTheFrontOfASort(t *testing.T) {
	t.Parallel()
	before := func(a, b series) int { return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Name, b.Name)) }
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 2, 7, 50, 1000} {
		for _, n := range []int{0, 1, 6, 49, 200, 2000} {
			xs := make([]series, size)
			for i := range xs {
				xs[i] = series{Name: string(rune('a' + r.IntN(26))), Total: uint64(r.IntN(10))}
			}
			want := slices.Clone(xs)
			slices.SortFunc(want, before)
			largestFirst(xs, n, before)
			front := min(n, size)
			if !slices.EqualFunc(xs[:front], want[:front], func(a, b series) bool { return before(a, b) == 0 }) {
				t.Fatalf("%d of %d: front %v, want %v", n, size, xs[:front], want[:front])
			}
			rest := slices.Clone(xs[front:])
			slices.SortFunc(rest, before)
			if !slices.EqualFunc(rest, want[front:], func(a, b series) bool { return before(a, b) == 0 }) {
				t.Fatalf("%d of %d: the rest is not what is left", n, size)
			}
		}
	}
}
