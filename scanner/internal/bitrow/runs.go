// Package bitrow reads binarized image rows as runs of equal pixels, the
// form finder-pattern searches work on.
package bitrow

import (
	"math/bits"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Lengths returns in buf the lengths of the alternating light and dark
// runs of the first width pixels of row (a row's words, as
// gozxing.BitArray holds them), starting with a light run (of
// length 0 when the row starts dark) and ending with the run that reaches
// the row's end. It works a 32-pixel word at a time. Where the runs
// outgrow buf's array, the array let go is cleared (it held another row's
// lengths).
func Lengths(row []uint32, width int, buf []int) []int {
	out := buf[:0]
	start := 0
	var carry uint32 // the last pixel of the word before, dark (1) or not
	words := min(len(row), (width+31)/32)
	for i := range words {
		w := row[i]
		// Bit j of t is set where pixel 32i+j differs from the one
		// before; in the word the row ends in, only the row's pixels.
		t := w ^ (w<<1 | carry)
		carry = w >> 31
		if rest := width - i*32; rest < 32 {
			t &= 1<<uint(rest) - 1
		}
		base := i * 32
		if t != 0 {
			out = scrub.Grow(out, 32) // a word's changes, 32 at most
		}
		for ; t != 0; t &= t - 1 {
			x := base + bits.TrailingZeros32(t)
			out = append(out, x-start)
			start = x
		}
	}
	return append(scrub.Grow(out, 1), width-start)
}

// Runs appends to buf the lengths of the alternating dark and light runs
// of the first width pixels of row, starting with its first dark run and
// ending with its last, and returns where that run starts. Dark runs sit
// at even indexes. A row without dark pixels gives first == width and no
// runs.
func Runs(row []uint32, width int, buf []int) (first int, runs []int) {
	l := Lengths(row, width, buf)
	first = l[0]
	runs = l[:copy(l, l[1:])]
	if len(runs)%2 == 0 && len(runs) > 0 { // it ends light
		runs = runs[:len(runs)-1]
	}
	return first, runs
}

// RunsOf is Runs of the row whose lengths, as Lengths gives them, are l:
// runs is l's tail, not a copy, and l is only read.
func RunsOf(l []int) (first int, runs []int) {
	first, runs = l[0], l[1:]
	if len(runs)%2 == 0 && len(runs) > 0 { // it ends light
		runs = runs[:len(runs)-1]
	}
	return first, runs
}

// Windows calls visit for every window of n consecutive runs of the row
// (as Runs gives them) that starts with a dark run, with the x of the
// middle of its middle run (n is odd): the candidates of a finder pattern
// that a row crosses through its centre. visit must not change win. It
// returns buf for reuse.
func Windows(row []uint32, width, n int, buf []int, visit func(win []int, centre float64)) []int {
	l := Lengths(row, width, buf)
	WindowsOf(l, n, visit)
	return l
}

// WindowsOf is Windows of the row whose lengths, as Lengths gives them,
// are l; it only reads l.
func WindowsOf(l []int, n int, visit func(win []int, centre float64)) {
	pos, runs := RunsOf(l)
	if n > len(runs) {
		return
	}
	// start is where the window's middle run starts: pos and the runs
	// before the middle, kept as the window moves on two runs.
	start := pos
	for _, r := range runs[:n/2] {
		start += r
	}
	for i := 0; i+n <= len(runs); i += 2 {
		visit(runs[i:i+n], float64(start)+float64(runs[i+n/2])/2)
		if i+n/2+1 < len(runs) {
			start += runs[i+n/2] + runs[i+n/2+1]
		}
	}
}
