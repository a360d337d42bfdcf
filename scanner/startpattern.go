package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/oned/rss"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// Start-pattern filters.
//
// A gozxing row decoder searches the row for its start pattern pixel by
// pixel and, in most rows, reports failure with an exception that captures
// a stack trace. The filter below runs the same start-pattern test on the
// row's run lengths, which are computed once per row, and the decoder is
// only called on rows where its start pattern is present. It accepts every
// row whose start pattern the decoder itself would accept (a test checks
// this on every row of the test images), so skipping a row never loses a
// read. (The linear reader reads the other 1D symbologies from the run
// lengths itself.)

// runLengths returns in out the lengths of the alternating light and dark
// runs of the whole row, the first light (of length 0 when the row starts
// dark).
func runLengths(row *gozxing.BitArray, out []int) []int {
	return bitrow.Lengths(row.GetBitArray(), row.GetSize(), out)
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

// dataBarFinder finds what gozxing's DataBar (RSS-14) decoder needs to take
// anything from a row: a finder pattern. The decoder takes the first four
// elements whose first two make up 9.5/12 to 12.5/14 of them, searched
// from the first dark pixel of the row for the left half and, in the row
// read right to left, from the first light pixel for the right half, and
// goes no further when the element before them and their first three are
// not one of the nine finder patterns (ISO/IEC 24724 table 6). A row
// without one adds nothing to what the decoder has gathered from earlier
// rows, so skipping it only spares a repeat of an earlier answer.
func dataBarFinder(runs, rev []int) bool {
	return firstFinder(runs, 1) || firstFinder(rev, firstLight(rev))
}

func firstLight(runs []int) int {
	if len(runs) > 0 && runs[0] == 0 {
		return 2
	}
	return 0
}

// dataBarFinders are the first four elements of the finder patterns of
// GS1 DataBar Omnidirectional in modules (the fifth is 1).
var dataBarFinders = [][]int{
	{3, 8, 2, 1}, {3, 5, 5, 1}, {3, 3, 7, 1}, {3, 1, 9, 1}, {2, 7, 4, 1},
	{2, 5, 6, 1}, {2, 3, 8, 1}, {1, 5, 7, 1}, {1, 3, 9, 1},
}

func firstFinder(runs []int, k int) bool {
	for ; k+4 < len(runs); k += 2 {
		if !rss.RSSReader_isFinderPattern(runs[k : k+4]) {
			continue
		}
		if k == 0 {
			return false // no element before it
		}
		// The decoder's own test, with a little slack: the row's widths
		// here are to a sixteenth of a pixel, its own to a pixel.
		c := []int{runs[k-1], runs[k], runs[k+1], runs[k+2]}
		for _, p := range dataBarFinders {
			if oned.PatternMatchVariance(c, p, 0.6) < 0.3 {
				return true
			}
		}
		return false
	}
	return false
}
