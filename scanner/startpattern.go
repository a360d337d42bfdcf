package scanner

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/oned/rss"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// Start-pattern filters.
//
// A gozxing row decoder searches the row for its start pattern pixel by
// pixel and, in most rows, reports failure with an exception that captures
// a stack trace. Together that is most of the cost of scanning rows that
// hold no barcode, which in a photo are nearly all of them. The filters
// below run the same start-pattern tests on the row's run lengths, which
// are computed once per row, and a decoder is only called on rows where
// its start pattern is present. Each filter accepts every row whose start
// pattern the decoder itself would accept (a test checks this on every row
// of the test images), so skipping a row never loses a read.

// runLengths returns in out the lengths of the alternating light and dark
// runs of the whole row, the first light (of length 0 when the row starts
// dark).
func runLengths(row *gozxing.BitArray, out []int) []int {
	return bitrow.Lengths(row, row.GetSize(), out)
}

// startFilter reports whether a row, given as runLengths, may hold a
// decoder's start pattern. rev is the same row read right to left, for
// decoders that search both ways.
type startFilter func(runs, rev []int) bool

// reverseRuns returns in out the run lengths of the row that runs describes,
// read right to left (again starting with a light run).
func reverseRuns(runs, out []int) []int {
	out = out[:0]
	if len(runs)%2 == 0 { // the row ends dark
		out = append(out, 0)
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if i == 0 && runs[0] == 0 {
			break
		}
		out = append(out, runs[i])
	}
	return out
}

// oneWay adapts a filter of a decoder that reads left to right only.
func oneWay(f func(runs []int) bool) startFilter {
	return func(runs, _ []int) bool { return f(runs) }
}

// barWindows calls match for every window of n runs that starts with a dark
// run and is followed by at least one more run (the decoders test a window
// only when the colour changes after it), with the light run before it
// (the whole margin for the first dark run, which the decoders always take
// as quiet). It stops at the first window match accepts.
func barWindows(runs []int, n int, match func(window []int, before int, first bool) bool) bool {
	for k := 1; k+n < len(runs); k += 2 {
		if match(runs[k:k+n], runs[k-1], k == 1) {
			return true
		}
	}
	return false
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// quietBefore is the decoders' quiet-zone test: light for half the
// pattern's width before it, or the pattern's bar is the row's first.
func quietBefore(window []int, before int, first bool) bool {
	return first || before >= sum(window)/2
}

// code39Start finds the Code 39 start character "*": bars and spaces
// narrow, wide, narrow, narrow, wide, narrow, wide, narrow, narrow
// (ISO/IEC 16388), with a quiet zone.
func code39Start(runs []int) bool {
	return barWindows(runs, 9, func(w []int, before int, first bool) bool {
		return isCode39Asterisk(w) && quietBefore(w, before, first)
	})
}

// isCode39Asterisk tells whether nine elements read as "*" the way gozxing
// classifies them: it raises a narrow threshold from the smallest element
// until no more than three are wider, and takes exactly three wide
// elements none of which is half their total width or more. That holds
// for "*" exactly when its three wide elements are each wider than every
// narrow one and within that bound.
func isCode39Asterisk(w []int) bool {
	narrow := max(w[0], w[2], w[3], w[5], w[7], w[8])
	total := w[1] + w[4] + w[6]
	for _, c := range [3]int{w[1], w[4], w[6]} {
		if c <= narrow || 2*c >= total {
			return false
		}
	}
	return true
}

// code93Start finds the Code 93 start character: bar and space widths
// 1 1 1 1 4 1 modules (ISO/IEC 15424's AIM USS Code 93 table).
func code93Start(runs []int) bool {
	return barWindows(runs, 6, func(w []int, _ int, _ bool) bool {
		total := float64(sum(w))
		for i, want := range [6]int{1, 1, 1, 1, 4, 1} {
			if int(float64(w[i])*9/total+0.5) != want {
				return false
			}
		}
		return true
	})
}

// code128Starts are the start characters A, B and C in modules (ISO/IEC
// 15417, table 1, values 103 to 105).
var code128Starts = [3][]int{{2, 1, 1, 4, 1, 2}, {2, 1, 1, 2, 1, 4}, {2, 1, 1, 2, 3, 2}}

// code128Start finds a Code 128 start character within the variance gozxing
// accepts, with a quiet zone.
func code128Start(runs []int) bool {
	const maxAvg, maxIndividual = 0.25, 0.7
	return barWindows(runs, 6, func(w []int, before int, first bool) bool {
		// All three start characters begin 2 1 1 (of 11 modules); gozxing
		// rejects any element more than 0.7 module off. Checked first,
		// a little more loosely so that rounding cannot make it stricter.
		total := sum(w)
		for i, want := range [3]int{2, 1, 1} {
			if 100*abs(11*w[i]-want*total) > 75*total {
				return false
			}
		}
		for _, p := range code128Starts {
			if oned.PatternMatchVariance(w, p, maxIndividual) < maxAvg {
				return quietBefore(w, before, first)
			}
		}
		return false
	})
}

// codabarStarts are the start/stop characters A, B, C and D as narrow (0)
// and wide (1) bars and spaces (ANSI/AIM BC3), first element highest.
var codabarStarts = [4]int{0b0011010, 0b0101001, 0b0001011, 0b0001110}

// codabarStart finds a Codabar start character, with gozxing's thresholds
// (bars and spaces each split halfway between their narrowest and widest)
// and quiet zone. gozxing counts runs from the first light pixel.
func codabarStart(runs []int) bool {
	c := runs
	if len(c) > 0 && c[0] == 0 {
		c = c[min(2, len(c)):]
	}
	for i := 1; i+7 < len(c); i += 2 {
		w := c[i : i+7]
		if !isCodabarStart(w) {
			continue
		}
		if i == 1 || c[i-1] >= sum(w)/2 {
			return true
		}
	}
	return false
}

func isCodabarStart(w []int) bool {
	var lo, hi [2]int
	lo = [2]int{math.MaxInt32, math.MaxInt32}
	for i, c := range w {
		lo[i&1], hi[i&1] = min(lo[i&1], c), max(hi[i&1], c)
	}
	pattern := 0
	for i, c := range w {
		pattern <<= 1
		if c > (lo[i&1]+hi[i&1])/2 {
			pattern |= 1
		}
	}
	for _, s := range codabarStarts {
		if pattern == s {
			return true
		}
	}
	return false
}

// upceanStart finds what gozxing's UPC/EAN readers need before anything
// else: the first start guard (bar, space, bar of one module each) with a
// quiet zone at least as wide, which is the only one they try, followed by
// four digits of the L or G sets (ISO/IEC 15420), which EAN-13, UPC-A,
// UPC-E and EAN-8 all begin with.
func upceanStart(runs []int) bool {
	const maxAvg, maxIndividual = 0.48, 0.7
	for k := 1; k+3 < len(runs); {
		w := runs[k : k+3]
		if oned.PatternMatchVariance(w, upceanGuard, maxIndividual) >= maxAvg {
			k += 2
			continue
		}
		if runs[k-1] < sum(w) {
			k += 4 // the search goes on after the guard
			continue
		}
		digits := runs[k+3:]
		for d := 0; d < 4; d++ {
			if len(digits) < 4 || !upceanDigit(digits[:4], maxAvg, maxIndividual) {
				return false
			}
			digits = digits[4:]
		}
		return true
	}
	return false
}

var upceanGuard = []int{1, 1, 1}

// upceanDigitSets are the widths of the digits 0 to 9 in the L set and,
// reversed, the G set: space, bar, space, bar in modules.
var upceanDigitSets = func() [20][]int {
	l := [10][]int{{3, 2, 1, 1}, {2, 2, 2, 1}, {2, 1, 2, 2}, {1, 4, 1, 1}, {1, 1, 3, 2},
		{1, 2, 3, 1}, {1, 1, 1, 4}, {1, 3, 1, 2}, {1, 2, 1, 3}, {3, 1, 1, 2}}
	var sets [20][]int
	for i, p := range l {
		sets[i] = p
		sets[10+i] = []int{p[3], p[2], p[1], p[0]}
	}
	return sets
}()

func upceanDigit(w []int, maxAvg, maxIndividual float64) bool {
	for _, p := range upceanDigitSets {
		if oned.PatternMatchVariance(w, p, maxIndividual) < maxAvg {
			return true
		}
	}
	return false
}

// itfStart finds gozxing's ITF start: the first four narrow elements (bar,
// space, bar, space) after the row's first bar, which must have a quiet zone
// of ten narrow elements before them (or reach back to the row's edge).
func itfStart(runs []int) bool {
	const maxAvg, maxIndividual = 0.38, 0.5
	for k := 1; k+4 < len(runs); k += 2 {
		w := runs[k : k+4]
		if oned.PatternMatchVariance(w, itfGuard, maxIndividual) < maxAvg {
			return k == 1 || runs[k-1] >= 10*(sum(w)/4)
		}
	}
	return false
}

var itfGuard = []int{1, 1, 1, 1}

// dataBarFinder finds what gozxing's DataBar (RSS-14) decoder needs to take
// anything from a row: a finder pattern, whose first two elements make up
// 9.5/12 to 12.5/14 of its four (ISO/IEC 24724), searched from the first
// dark pixel of the row for the left half and, in the row read right to
// left, from the first light pixel for the right half. A row without one
// adds nothing to what the decoder has gathered from earlier rows, so
// skipping it only spares a repeat of an earlier answer.
func dataBarFinder(runs, rev []int) bool {
	return finderWindows(runs, 1) || finderWindows(rev, firstLight(rev))
}

func firstLight(runs []int) int {
	if len(runs) > 0 && runs[0] == 0 {
		return 2
	}
	return 0
}

func finderWindows(runs []int, k int) bool {
	for ; k+4 < len(runs); k += 2 {
		if rss.RSSReader_isFinderPattern(runs[k : k+4]) {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
