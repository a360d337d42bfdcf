package scrub

import (
	"slices"
	"testing"
)

// TestUpTo: the first n entries, or the whole array where it has fewer,
// whatever s's length.
func TestUpTo(t *testing.T) {
	s := make([]int, 2, 8)
	if got := UpTo(s, 5); len(got) != 5 || &got[0] != &s[0] {
		t.Errorf("UpTo(s, 5) has length %d", len(got))
	}
	if got := UpTo(s, 20); len(got) != 8 {
		t.Errorf("UpTo(s, 20) has length %d, want the capacity 8", len(got))
	}
}

// TestRoomAndGrowClearWhatTheyLetGo: an array too small is replaced by
// a new one, with s's entries for Grow, and left all zero; one large
// enough is kept.
func TestRoomAndGrowClearWhatTheyLetGo(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(s []int) []int
		keep bool // s's entries carried over
	}{
		{"Room", func(s []int) []int { return Room(s, 10) }, false},
		{"Grow", func(s []int) []int { return Grow(s, 10) }, true},
	} {
		old := make([]int, 3, 4)
		full := old[:cap(old)]
		for i := range full {
			full[i] = i + 1
		}
		got := tc.make(old)
		if cap(got)-len(got) < 10 && tc.keep || cap(got) < 10 {
			t.Errorf("%s: capacity %d for length %d", tc.name, cap(got), len(got))
		}
		if slices.ContainsFunc(full, func(v int) bool { return v != 0 }) {
			t.Errorf("%s: the array let go holds %v", tc.name, full)
		}
		if tc.keep && !slices.Equal(got, []int{1, 2, 3}) || !tc.keep && len(got) != 0 {
			t.Errorf("%s: got %v", tc.name, got)
		}
		big := make([]int, 2, 64)
		big[0] = 7
		if kept := tc.make(big); &kept[:1][0] != &big[0] || big[0] != 7 {
			t.Errorf("%s: an array with room was replaced or cleared", tc.name)
		}
	}
}

// TestKeptClearsAnOutgrownArray: Kept clears old's array where the
// appends to it outgrew it, and leaves it where they did not.
func TestKeptClearsAnOutgrownArray(t *testing.T) {
	old := []int{1, 2}
	if got := Kept(old, append(old[:0], 3, 4, 5)); !slices.Equal(old, []int{0, 0}) || !slices.Equal(got, []int{3, 4, 5}) {
		t.Errorf("outgrown: old %v, kept %v", old, got)
	}
	old = make([]int, 1, 4)
	got := append(old[:0], 7, 8)
	if Kept(old, got); old[0] != 7 {
		t.Errorf("within its room, the array was cleared: %v", old)
	}
}
