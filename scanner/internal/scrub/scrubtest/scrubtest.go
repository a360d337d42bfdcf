// Package scrubtest checks, in tests, that the readers' wipes left
// nothing in the arrays they keep (see package scrub).
package scrubtest

import (
	"reflect"
	"slices"
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
