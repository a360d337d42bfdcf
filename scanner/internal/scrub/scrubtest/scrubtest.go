// Package scrubtest checks, in tests, that the readers' wipes left
// nothing in the arrays they keep (see package scrub).
package scrubtest

import (
	"reflect"
	"slices"
	"testing"
)

// Zero reports whether every entry of s's array, to its capacity, is its
// type's zero.
func Zero[T comparable](s []T) bool {
	var zero T
	return !slices.ContainsFunc(s[:cap(s)], func(v T) bool { return v != zero })
}

// FieldHeld reports whether the slice field name of the struct v holds
// anything but zeros to its capacity: for the arrays of a type of another
// package, unexported there.
func FieldHeld(v reflect.Value, name string) bool {
	s := v.FieldByName(name)
	s = s.Slice(0, s.Cap())
	for i := range s.Len() {
		if !s.Index(i).IsZero() {
			return true
		}
	}
	return false
}

// Held is an array a reader keeps, taken as it was (Hold), for a test to
// see, once a larger read outgrew it, that it was cleared as it was let
// go: no wipe reaches it after.
type Held struct {
	name string
	zero func() bool // the array taken holds only zeros
	grew func() bool // the field holds another array now
}

// Hold takes the array *field holds now, to its capacity.
func Hold[T comparable](name string, field *[]T) Held {
	old := (*field)[:cap(*field)]
	return Held{name, func() bool { return Zero(old) }, func() bool { return cap(*field) != cap(old) }}
}

// NeedHeld fails t, and ends the test, where an array taken holds nothing:
// the read before left the test nothing to see cleared.
func NeedHeld(t testing.TB, held ...Held) {
	t.Helper()
	for _, h := range held {
		if h.zero() {
			t.Errorf("%s: the first read left nothing in the array, nothing for the test to see cleared", h.name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// LetGoCleared fails t for each array taken that no read since outgrew
// (the test sees nothing let go), and for each let go holding anything.
func LetGoCleared(t testing.TB, held ...Held) {
	t.Helper()
	for _, h := range held {
		switch {
		case !h.grew():
			t.Errorf("%s: the larger read kept the array, nothing for the test to see let go", h.name)
		case !h.zero():
			t.Errorf("%s: the array outgrown was let go holding what it held", h.name)
		}
	}
}
