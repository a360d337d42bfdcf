// Package pharmacode reads Pharmacode (Laetus one-track), the bars on
// pharmaceutical cartons and leaflets that tell a packaging line it holds
// the right print. A symbol is a number from 3 to 131070 in 2 to 16 bars,
// narrow or wide (about a half and one and a half times the spaces, which
// are all alike): read from the right, the bar k places from the end adds
// 2^k when narrow and 2^(k+1) when wide.
//
// There is no start pattern and no check: the same bars read backwards
// are another number. The symbol is read left to right as it lies; this
// reader wants at least three bars (values from 7), since two bars beside
// each other are everywhere.
package pharmacode

import (
	"math"
	"strconv"

	"github.com/scannerd/scannerd/scanner/internal/bars"
)

const (
	minBars = 3
	maxBars = 16
)

// MayStartAt is DecodeAt's first test, small enough to be made inline at
// every bar of every row, in integers: three bars fit in the line, the
// second space is within 0.36 of the first (DecodeAt's 0.35, the first
// test of its gathering), and the light run before the first bar, unless
// the line's first, is 1.25 times the two spaces together. DecodeAt asks
// 5.5 times their mean space, and each further space it gathers lies
// within 0.35 of the mean before it, so the mean of up to fifteen falls
// to no less than 0.508 of the first two's (the product of (n+0.64)/(n+1)
// for n from 2 to 14): 5.5 times that is 1.397 times the two. It turns
// away only places where DecodeAt reads nothing.
func MayStartAt(runs []int, i int) bool {
	if i+4 >= len(runs) {
		return false
	}
	s0, s1 := runs[i+1], runs[i+3]
	return 100*s1 >= 64*s0 && 100*s1 <= 136*s0 && (i <= 1 || 4*runs[i-1] >= 5*(s0+s1))
}

// DecodeAt reads a Pharmacode symbol whose first bar is dark run i.
func DecodeAt(runs []int, i int) (bars.Symbol, bool) {
	if !MayStartAt(runs, i) {
		return bars.Symbol{}, false
	}
	return decodeAt(runs, i)
}

// decodeAt is DecodeAt without its first test.
func decodeAt(runs []int, i int) (bars.Symbol, bool) {
	// Gather bars while the spaces between them stay alike: they set
	// the scale. last is the last bar gathered.
	last, space := i, 0.0
	for last+2 < len(runs) && last-i < 2*maxBars {
		s := float64(runs[last+1])
		if spaces := (last - i) / 2; spaces > 0 && !bars.Near(s, space/float64(spaces), 0.35) {
			break
		}
		space += s
		last += 2
	}
	count := (last-i)/2 + 1
	if count < minBars || count > maxBars {
		return bars.Symbol{}, false
	}
	space /= float64(count - 1)
	// The quiet zones are six spaces wide (6 mm); the end of many a
	// barcode is three bars after four narrow spaces. The line's ends
	// count as quiet whatever their width, as for the symbologies with a
	// check character: a symbol drawn or cropped without its margins
	// ends at the image's edge, and what a check character tells of a
	// whole symbol, the shape of its bars in two dimensions tells here
	// (Verify).
	if !bars.QuietOrEdge(runs, i-1, 5.5*space) || !bars.QuietOrEdge(runs, last+1, 5.5*space) {
		return bars.Symbol{}, false
	}
	// A bar and the space beside it are three units when the bar is
	// narrow and five when wide, whatever ink spread and blur do to the
	// edges between them. When both kinds are there, they part halfway;
	// else by the pair's ratio to a space, 1.5 for narrow bars and 2.5 for
	// wide ones; blur and ink spread eat into spaces, so the parting sits
	// above the middle.
	var pairs [maxBars]float64
	lo, hi := math.Inf(1), 0.0
	for k := range count {
		b := i + 2*k
		p := 0.0
		switch {
		case k == 0:
			p = float64(runs[b] + runs[b+1])
		case k == count-1:
			p = float64(runs[b-1] + runs[b])
		default:
			p = float64(runs[b-1]+2*runs[b]+runs[b+1]) / 2
		}
		pairs[k] = p
		lo, hi = min(lo, p), max(hi, p)
	}
	parting := 2.2 * space
	if hi >= 1.4*lo {
		parting = (lo + hi) / 2
	}
	value := 0
	for k := range count {
		p := pairs[count-1-k]
		switch {
		case p < 1.1*space || p > 3.5*space:
			return bars.Symbol{}, false
		case p < parting:
			value += 1 << k
		default:
			value += 2 << k
		}
	}
	return bars.Symbol{Text: strconv.Itoa(value), First: i, Last: last}, true
}
