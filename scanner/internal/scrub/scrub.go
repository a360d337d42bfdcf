// Package scrub helps the readers keep their scratch arrays from frame to
// frame without keeping the frames: a wipe clears an array as far as the
// reads since the last one wrote it (UpTo), and an array outgrown is
// cleared as it is let go (Room, Grow), so that no array dropped for a
// larger one holds what it held of an image, where nothing would clear it.
package scrub

import "slices"

// UpTo returns the first n entries of s's array, or all it has room for.
func UpTo[T any](s []T, n int) []T { return s[:min(n, cap(s))] }

// Room returns s emptied, with room for n entries: a new array where s's
// has less, the old one cleared.
func Room[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	clear(s[:cap(s)])
	return make([]T, 0, max(n, 2*cap(s)))
}

// Kept returns s, appended to from old[:0], to keep in old's place:
// where the appends outgrew old's array, that array is cleared first.
func Kept[T any](old, s []T) []T {
	if cap(s) != cap(old) {
		clear(old[:cap(old)])
	}
	return s
}

// Grow returns s with room for n more entries, as slices.Grow does, but
// where it grows s into a new array it clears the old one.
func Grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return regrow(s, n)
}

// regrow is Grow's way out, on its own and never inlined so that Grow's
// test stays inline in the loops that append, and only the test: inlined
// there, slices.Grow's reallocation and the clear would take registers
// the loops' values need, an instruction or two an append.
//
//go:noinline
func regrow[T any](s []T, n int) []T {
	g := slices.Grow(s[:len(s):len(s)], n)
	clear(s[:cap(s)])
	return g
}
