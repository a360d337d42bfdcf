package databar

import (
	"strconv"

	"github.com/scannerd/scannerd/scanner/internal/bars"
)

// GS1 DataBar Omnidirectional and Truncated (ISO/IEC 24724 §5.2), read
// along one line: 96 modules in 46 elements, a guard (space, bar), the
// left pair (outside data character 1 of 16 modules, a finder pattern of
// 15, inside data character 2 of 15), the right pair mirrored (inside
// character 4, finder, outside character 3), and a guard (space, bar).
// Each character's elements are counted from its end away from its
// finder: an outside character's outer edge, an inside character's edge
// at the symbol's centre. The four values make the symbol's value
// (1597·v1 + v2)·4537077 + 1597·v3 + v4; one of 10^13 or more carries
// the linkage flag. The finders' values tell the checksum, modulo 79, of
// the elements weighted 3^j, j counted across characters 1, 2, 3, 4.
//
// The widths a line gives are those of the linear reader, whose edges are
// placed to a fraction of a pixel on the gray row: at three pixels a
// module, blurred, a module-wide element keeps its width there, where a
// row binarized pixel by pixel makes it two pixels or four.

// omniGroup is one value group of the data characters (ISO/IEC 24724
// Tables 2 and 3): the odd elements (1st, 3rd, ... counted as above) take
// oddModules, none wider than oddWidest, the even ones the rest, none
// wider than 9 − oddWidest. An outside character's value is base +
// vOdd·evenCount + vEven, an inside one's base + vEven·oddCount + vOdd.
type omniGroup struct {
	base, oddModules, oddWidest int
	oddCount, evenCount         int
	odd, even                   [][4]uint8
	oddSkip, evenSkip           []halfSkip // skipsOf odd and even
}

// omniOutside and omniInside are the groups of the outside (16 module)
// and inside (15 module) characters.
var omniOutside, omniInside = buildOmniGroups()

func buildOmniGroups() (outside, inside [5]omniGroup) {
	build := func(modules int, spec []omniGroup, oddNarrow bool) [5]omniGroup {
		var gs [5]omniGroup
		for i, g := range spec {
			for v := range g.oddCount {
				g.odd = append(g.odd, subsetWidths(v, g.oddModules, g.oddWidest, oddNarrow))
			}
			for v := range g.evenCount {
				g.even = append(g.even, subsetWidths(v, modules-g.oddModules, 9-g.oddWidest, !oddNarrow))
			}
			g.oddSkip, g.evenSkip = skipsOf(g.odd), skipsOf(g.even)
			gs[i] = g
		}
		return gs
	}
	outside = build(16, []omniGroup{
		{base: 0, oddModules: 12, oddWidest: 8, oddCount: 161, evenCount: 1},
		{base: 161, oddModules: 10, oddWidest: 6, oddCount: 80, evenCount: 10},
		{base: 961, oddModules: 8, oddWidest: 4, oddCount: 31, evenCount: 34},
		{base: 2015, oddModules: 6, oddWidest: 3, oddCount: 10, evenCount: 70},
		{base: 2715, oddModules: 4, oddWidest: 1, oddCount: 1, evenCount: 126},
	}, false)
	inside = build(15, []omniGroup{
		{base: 0, oddModules: 5, oddWidest: 2, oddCount: 4, evenCount: 84},
		{base: 336, oddModules: 7, oddWidest: 4, oddCount: 20, evenCount: 35},
		{base: 1036, oddModules: 9, oddWidest: 6, oddCount: 48, evenCount: 10},
		{base: 1516, oddModules: 11, oddWidest: 8, oddCount: 81, evenCount: 1},
	}, true)
	return outside, inside
}

// omniFinders are the nine finder patterns by value, as the left finder
// reads left to right (space first); the right finder is their mirror.
var omniFinders = [9][5]float64{
	{3, 8, 2, 1, 1}, {3, 5, 5, 1, 1}, {3, 3, 7, 1, 1}, {3, 1, 9, 1, 1}, {2, 7, 4, 1, 1},
	{2, 5, 6, 1, 1}, {2, 3, 8, 1, 1}, {1, 5, 7, 1, 1}, {1, 3, 9, 1, 1},
}

const (
	omniLast = 44 // runs from the left guard's bar to the right guard's
	// omniLinkFlag is added to the value of a symbol with a 2D composite
	// component above it (ISO/IEC 24724 §6.2.3).
	omniLinkFlag = 10000000000000
	// maxOmniCharCost bounds the squared module error of a character.
	maxOmniCharCost = 2.0
)

// OmniAt reads a DataBar Omnidirectional (or Truncated) symbol whose left
// guard bar is dark run i. Its text is the symbol's value as thirteen
// digits, with a leading 1 when the linkage flag is set, and a GS1 check
// digit over them: the form gozxing's RSS-14 reader gives, which the
// engine takes apart (the GTIN and whether a 2D component is linked).
func OmniAt(runs []int, i int) (bars.Symbol, bool) {
	if i+omniLast >= len(runs) {
		return bars.Symbol{}, false
	}
	// First the cheap test, made at every bar of every row: the finders
	// are as wide as each other, and the pairs of one-module elements
	// (each finder's, the right guard) are as wide as each other and
	// 2/15 of a finder. A pair's bar and space grow and shrink together.
	fl := runs[i+9] + runs[i+10] + runs[i+11] + runs[i+12] + runs[i+13]
	fr := runs[i+30] + runs[i+31] + runs[i+32] + runs[i+33] + runs[i+34]
	if 4*fl > 5*fr || 4*fr > 5*fl {
		return bars.Symbol{}, false
	}
	p0, p1, p2 := runs[i+12]+runs[i+13], runs[i+30]+runs[i+31], runs[i+43]+runs[i+44]
	if hi, lo := max(p0, p1, p2), min(p0, p1, p2); 2*hi > 3*lo {
		return bars.Symbol{}, false
	}
	if p, f := 5*(p0+p1+p2), fl+fr; 20*p < 13*f || 2*p > 3*f {
		return bars.Symbol{}, false
	}
	left, ok := omniFinder(runs[i+9:i+14], false)
	if !ok {
		return bars.Symbol{}, false
	}
	right, ok := omniFinder(runs[i+30:i+35], true)
	if !ok {
		return bars.Symbol{}, false
	}
	module := (left.module + right.module) / 2
	spread := (left.spread + right.spread) / 2
	if !bars.Quiet(runs, i-1, 0.5*module) {
		return bars.Symbol{}, false
	}
	var v [4]int
	check := 0
	for c, at := range [4]omniCharAt{{i + 1, 1, true}, {i + 21, -1, false}, {i + 42, -1, true}, {i + 22, 1, false}} {
		value, sum, ok := at.read(runs, module, spread, 8*c, false)
		if !ok {
			return bars.Symbol{}, false
		}
		v[c] = value
		check += sum
	}
	text, ok := omniText(1597*v[0]+v[1], 1597*v[2]+v[3], left.value, right.value, check)
	if !ok {
		return bars.Symbol{}, false
	}
	return bars.Symbol{Text: text, ID: "]e0", First: i, Last: i + omniLast}, true
}

// omniCharAt is where a character lies in a line: its runs from first on,
// step +1 or -1, in its element order.
type omniCharAt struct {
	first, step int
	outside     bool
}

// read reads the character, its widths corrected by spread (bars, at odd
// indexes, print that much wider) and scaled to its modules, and returns
// its value and its part of the checksum: its elements weighted 3^j,
// j counted from weight0. With guessFirst set, its first element is
// taken as the rest of its modules (it runs into a space beyond the
// character in the line).
func (at omniCharAt) read(runs []int, module, spread float64, weight0 int, guessFirst bool) (int, int, bool) {
	modules := 15.0
	if at.outside {
		modules = 16
	}
	var x [8]float64
	total := 0.0
	for j := range x {
		k := at.first + j*at.step
		w := float64(runs[k])
		if j == 0 && guessFirst {
			w = modules * module
			for n := 1; n < 8; n++ {
				w -= float64(runs[k+n*at.step])
			}
			if w < 0.5*module || w > float64(runs[k])+0.5*module {
				return 0, 0, false
			}
		}
		if k%2 == 1 {
			w -= spread
		} else {
			w += spread
		}
		x[j] = w
		total += w
	}
	if !bars.Near(total, modules*module, 0.25) {
		return 0, 0, false
	}
	for j := range x {
		x[j] *= modules / total
	}
	value, widths, ok := readOmniCharacter(&x, at.outside)
	if !ok {
		return 0, 0, false
	}
	weight := 1
	for range weight0 {
		weight = weight * 3 % 79
	}
	sum := 0
	for _, w := range widths {
		sum += w * weight
		weight = weight * 3 % 79
	}
	return value, sum, true
}

// omniText checks the checksum of a symbol whose pairs have the values
// left and right (1597·outside + inside) and the finders lf and rf, and
// returns its text (see OmniAt).
func omniText(left, right, lf, rf, check int) (string, bool) {
	want := 9*lf + rf
	if want > 72 {
		want--
	}
	if want > 8 {
		want--
	}
	if check%79 != want {
		return "", false
	}
	value := int64(left)*4537077 + int64(right)
	if value >= 2*omniLinkFlag {
		return "", false
	}
	digits := strconv.AppendInt(nil, value, 10)
	for len(digits) < 13 {
		digits = append([]byte{'0'}, digits...)
	}
	digits = append(digits, gtinCheckDigit(digits))
	return string(digits), true
}

// OmniPair is one pair of a GS1 DataBar Omnidirectional symbol, an outside
// character, a finder and an inside character, read on a line: what a
// line across one row of a DataBar Stacked or Stacked Omnidirectional
// symbol shows (ISO/IEC 24724 §5.2.2, §5.2.3), the left pair on the top
// row and the right pair below it. JoinOmni makes a symbol of a left and
// a right pair.
type OmniPair struct {
	Right  bool
	Finder int // the finder's value
	Value  int // 1597·outside + inside
	Check  int // the pair's part of the checksum
	// First and Last index the runs of the pair's first and last bar.
	First, Last int
}

// OmniLeftAt reads a left pair whose guard bar is dark run i: the guard
// bar, the outside character (space first), the finder, the inside
// character, whose last space may run into the space after the row.
func OmniLeftAt(runs []int, i int) (OmniPair, bool) {
	if i+21 >= len(runs) {
		return OmniPair{}, false
	}
	f, ok := pairFinder(runs, i+9, false)
	if !ok || 15*2*runs[i] > 3*f || !near15(runs[i+1:i+9], 16, f) {
		return OmniPair{}, false
	}
	fm, ok := omniFinder(runs[i+9:i+14], false)
	if !ok {
		return OmniPair{}, false
	}
	outside, c1, ok := omniCharAt{i + 1, 1, true}.read(runs, fm.module, fm.spread, 0, false)
	if !ok {
		return OmniPair{}, false
	}
	inside, c2, ok := omniCharAt{i + 21, -1, false}.read(runs, fm.module, fm.spread, 8, true)
	if !ok {
		return OmniPair{}, false
	}
	return OmniPair{Finder: fm.value, Value: 1597*outside + inside, Check: c1 + c2, First: i, Last: i + 20}, true
}

// OmniRightAt reads a right pair whose inside character's first bar is
// dark run i: the inside character (bar first), the finder mirrored, the
// outside character, ending with a bar.
func OmniRightAt(runs []int, i int) (OmniPair, bool) {
	if i+21 >= len(runs) {
		return OmniPair{}, false
	}
	f, ok := pairFinder(runs, i+8, true)
	if !ok || !near15(runs[i:i+8], 15, f) || !near15(runs[i+13:i+21], 16, f) {
		return OmniPair{}, false
	}
	fm, ok := omniFinder(runs[i+8:i+13], true)
	if !ok {
		return OmniPair{}, false
	}
	inside, c4, ok := omniCharAt{i, 1, false}.read(runs, fm.module, fm.spread, 24, false)
	if !ok {
		return OmniPair{}, false
	}
	outside, c3, ok := omniCharAt{i + 20, -1, true}.read(runs, fm.module, fm.spread, 16, false)
	if !ok {
		return OmniPair{}, false
	}
	return OmniPair{Right: true, Finder: fm.value, Value: 1597*outside + inside, Check: c3 + c4, First: i, Last: i + 20}, true
}

// OmniPairs calls found with each pair OmniLeftAt or OmniRightAt reads at
// a dark run of the line, left pairs before right ones at each. Most bars
// are given up on at once: both pairs' finders have their two widest
// elements two runs beyond the bar that starts their inside character's
// test (see pairFinder), which is shared.
func OmniPairs(runs []int, found func(OmniPair)) {
	for i := 1; i+21 < len(runs); i += 2 {
		w := runs[i+10] + runs[i+11]
		if n := runs[i+12] + runs[i+13]; 2*w >= 5*n && w <= 6*n {
			if p, ok := OmniLeftAt(runs, i); ok {
				found(p)
			}
		}
		if n := runs[i+8] + runs[i+9]; 2*w >= 5*n && w <= 6*n {
			if p, ok := OmniRightAt(runs, i); ok {
				found(p)
			}
		}
	}
}

// pairFinder is the cheap test of a pair's finder at runs i to i+4, made
// at every bar of every row: its two one-module elements (at its end
// toward the inside character) are 2/15 of it, its two middle elements
// 10 to 12/15. It returns the finder's width.
func pairFinder(runs []int, i int, mirrored bool) (int, bool) {
	n, w, outer := runs[i+3]+runs[i+4], runs[i+1]+runs[i+2], runs[i]
	if mirrored {
		n, w, outer = runs[i]+runs[i+1], runs[i+2]+runs[i+3], runs[i+4]
	}
	// The middle elements are 5 to 12 times the narrow ones' mean.
	if 2*w < 5*n || w > 6*n {
		return 0, false
	}
	f := n + w + outer
	return f, 15*n >= f && 15*n <= 3*f && 15*w >= 9*f && 15*w <= 13*f
}

// near15 reports whether runs are within a fifth of modules fifteenths
// of f wide.
func near15(runs []int, modules, f int) bool {
	s := 0
	for _, r := range runs {
		s += r
	}
	return 5*15*s >= 4*modules*f && 5*15*s <= 6*modules*f
}

// JoinOmni returns the text (see OmniAt) of the symbol of pairs left and
// right, when their checksum agrees with their finders.
func JoinOmni(left, right OmniPair) (string, bool) {
	if left.Right || !right.Right {
		return "", false
	}
	return omniText(left.Value, right.Value, left.Finder, right.Finder, left.Check+right.Check)
}

// omniFinderMatch is a finder pattern read on a line.
type omniFinderMatch struct {
	value          int
	module, spread float64
}

// omniFinder matches five runs, left to right, against the finder
// patterns: the left finder's (space first), or mirrored the right
// finder's (bar first).
func omniFinder(r []int, mirrored bool) (omniFinderMatch, bool) {
	var x [5]float64
	for j := range x {
		x[j] = float64(r[j])
	}
	fits := &omniFits[0]
	if mirrored {
		fits = &omniFits[1]
	}
	best, bestCost := omniFinderMatch{}, maxFinderCost
	found := false
	for value := range fits {
		m, spread, cost, ok := fitWidths(&x, &fits[value], bestCost)
		if ok && cost < bestCost {
			best, bestCost, found = omniFinderMatch{value: value, module: m, spread: spread}, cost, true
		}
	}
	return best, found
}

// omniFits are the finder patterns as omniFinder matches them: the left
// finder's (space first), and mirrored the right finder's (bar first).
var omniFits = func() (fs [2][len(omniFinders)]widthsFit) {
	for value, p := range omniFinders {
		var mirror [5]float64
		for j := range p {
			mirror[j] = p[4-j]
		}
		fs[0][value] = newWidthsFit(p, [5]float64{-1, 1, -1, 1, -1})
		fs[1][value] = newWidthsFit(mirror, [5]float64{1, -1, 1, -1, 1})
	}
	return fs
}()

// readOmniCharacter finds the character whose widths are closest (least
// squares, in modules) to x, scaled to its modules, and returns its value
// and widths.
func readOmniCharacter(x *[8]float64, outside bool) (int, [8]int, bool) {
	groups := omniInside[:4]
	if outside {
		groups = omniOutside[:]
	}
	bestCost := maxOmniCharCost
	value, found := 0, false
	var widths [8]int
	for gi := range groups {
		g := &groups[gi]
		vo, oddCost := nearestHalf(g.odd, g.oddSkip, x, 0, bestCost)
		if oddCost >= bestCost {
			continue
		}
		ve, evenCost := nearestHalf(g.even, g.evenSkip, x, 1, bestCost-oddCost)
		if oddCost+evenCost >= bestCost {
			continue
		}
		bestCost, found = oddCost+evenCost, true
		if outside {
			value = g.base + vo*g.evenCount + ve
		} else {
			value = g.base + ve*g.oddCount + vo
		}
		for j := range 4 {
			widths[2*j], widths[2*j+1] = int(g.odd[vo][j]), int(g.even[ve][j])
		}
	}
	return value, widths, found
}
