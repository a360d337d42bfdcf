// Package twooffive reads the non-interleaved 2 of 5 codes: Industrial 2
// of 5 (digits in the bars alone, the spaces all narrow), IATA 2 of 5
// (Industrial's characters between shorter start and stop patterns, on
// airline baggage tags), and Matrix 2 of 5 (digits in three bars and two
// spaces). In each, every digit is five elements of which exactly two are
// wide, with weights 1, 2, 4, 7 and a parity element (0 is 4+7).
//
// A check digit may follow the data (modulo 10, weights 3 and 1), and
// nothing says whether one does: the text is reported as printed.
// (Interleaved 2 of 5 is the ITF symbology, read by the engine's other
// readers.)
package twooffive

import "github.com/scannerd/scannerd/scanner/internal/bars"

// digits maps five elements (first most significant; set where wide) to
// a digit plus one; 0 marks no digit.
var digits = [32]byte{
	0b00110: 1, 0b10001: 2, 0b01001: 3, 0b11000: 4, 0b00101: 5,
	0b10100: 6, 0b01100: 7, 0b00011: 8, 0b10010: 9, 0b01010: 10,
}

// maxDigits bounds a symbol's digits.
const maxDigits = 48

// variant describes how a code lays out its elements.
type variant struct {
	// start and stop are the widths of the start and stop patterns, in
	// elements from a bar (1 narrow, 2 wide), spaces included.
	start, stop []int8
	// spaces: the digits use spaces too (Matrix: five elements and a
	// narrow space, six runs), else bars only (five bars and the narrow
	// spaces after them, ten runs).
	spaces bool
	// minDigits keeps out the shortest symbols, which stripes and print
	// imitate too easily; more where the start pattern is weak.
	minDigits int
}

var (
	industrial = variant{start: []int8{2, 1, 2, 1, 1, 1}, stop: []int8{2, 1, 1, 1, 2}, minDigits: 2}
	// IATA's start is two narrow bars, as common as anything.
	iata   = variant{start: []int8{1, 1, 1, 1}, stop: []int8{2, 1, 1}, minDigits: 3}
	matrix = variant{start: []int8{2, 1, 1, 1, 1, 1}, stop: []int8{2, 1, 1, 1, 1}, spaces: true, minDigits: 2}
)

// digitRuns is the number of runs of one digit.
func (v *variant) digitRuns() int {
	if v.spaces {
		return 6
	}
	return 10
}

// The readers are tried at every bar after a quiet zone of a line, and
// at nearly all no start is there: each first makes the test of startAt
// that turns most bars away, on the runs themselves, before a call
// (IATA's, whose start orders no pair, the whole of it).

// IndustrialAt reads an Industrial 2 of 5 symbol whose start pattern
// begins with dark run i.
func IndustrialAt(runs []int, i int) (bars.Symbol, bool) {
	if !industrialOrder(runs, i) || !industrialWidths(runs, i) {
		return bars.Symbol{}, false
	}
	return industrial.decodeAt(runs, i)
}

// IndustrialMayStartAt, MatrixMayStartAt and IATAMayStartAt are the first
// tests of IndustrialAt, MatrixAt and IATAAt, small enough to be made
// inline at every bar of every row (see industrialOrder, matrixOrder and
// iataStart).
func IndustrialMayStartAt(runs []int, i int) bool { return industrialOrder(runs, i) }

// MatrixMayStartAt: see IndustrialMayStartAt.
func MatrixMayStartAt(runs []int, i int) bool { return matrixOrder(runs, i) }

// industrialWidths and matrixWidths are startAt's tests of the widths of a
// start whose order passed, made in integers before its measure in
// floating point: every wide element wider than every narrow one
// (measure's threshold lies between them), the wide ones' mean 1.76 to 6
// times the narrow ones' (measure asks 1.8 to 6; Matrix's bound is 6.05,
// its narrow mean a fifth), and the light run before the start, unless
// the line's first, five of the narrow mean (Matrix's a unit short: a
// width one less than five of the mean of five is short however the
// division rounds).
func industrialWidths(runs []int, i int) bool {
	r := runs[i : i+6 : i+6]
	sw, sn := r[0]+r[2], r[1]+r[3]+r[4]+r[5] // wide = sw/2, narrow = sn/4
	return r[2] > r[4] && r[2] > r[5] && 25*sw >= 22*sn && sw <= 3*sn && (i <= 1 || 4*runs[i-1] >= 5*sn)
}

func matrixWidths(runs []int, i int) bool {
	sn := runs[i+1] + runs[i+2] + runs[i+3] + runs[i+4] + runs[i+5] // wide = runs[i], narrow = sn/5
	return 125*runs[i] >= 44*sn && 100*runs[i] <= 121*sn && (i <= 1 || runs[i-1] >= sn)
}

// IATAMayStartAt: see IndustrialMayStartAt.
func IATAMayStartAt(runs []int, i int) bool {
	if i+4 >= len(runs) {
		return false
	}
	r0, r1, r2, r3 := runs[i], runs[i+1], runs[i+2], runs[i+3]
	s := r0 + r1 + r2 + r3
	return !(i > 1 && 4*runs[i-1] < 5*s || 2*max(r0, r1, r2, r3) > s)
}

// IATAAt reads an IATA 2 of 5 symbol whose start pattern begins with dark
// run i.
func IATAAt(runs []int, i int) (bars.Symbol, bool) {
	narrow, wide, ok := iataStart(runs, i)
	if !ok || !iataFirstDigit(runs, i) {
		return bars.Symbol{}, false
	}
	return iata.digitsAt(runs, i, narrow, wide)
}

// iataFirstDigit is digit's test of the first digit after an IATA start
// at dark run i, in integers, made before it in floating point: IATA's
// start is two narrow bars, found at a fifth of the bars of a textured
// row, and its first digit turns away nearly all of them. With s the
// start's four runs together (narrow s/4, wide 3s/4 as iataStart
// measures them), the digit's ten runs fit in the line, its spaces are
// at most s/2 (digit's bound, exactly), its bars at least s/13 and at
// most 1.36s (digit's s/12 and 1.35s), and the second widest bar at least
// 1.3 times the third (digit asks 1.4).
func iataFirstDigit(runs []int, i int) bool {
	j := i + 4
	if j+10 > len(runs) {
		return false
	}
	r := runs[j : j+10 : j+10]
	s := runs[i] + runs[i+1] + runs[i+2] + runs[i+3]
	if 2*r[1] > s || 2*r[3] > s || 2*r[5] > s || 2*r[7] > s || 2*r[9] > s {
		return false
	}
	// The three widest bars: w0 >= w1 >= w2.
	w0, w1, w2 := 0, 0, 0
	for k := 0; k < 10; k += 2 {
		b := r[k]
		if 13*b < s || 100*b > 136*s {
			return false
		}
		switch {
		case b > w0:
			w0, w1, w2 = b, w0, w1
		case b > w1:
			w1, w2 = b, w1
		case b > w2:
			w2 = b
		}
	}
	return 10*w1 >= 13*w2
}

// MatrixAt reads a Matrix 2 of 5 symbol whose start pattern begins with
// dark run i.
func MatrixAt(runs []int, i int) (bars.Symbol, bool) {
	if !matrixOrder(runs, i) || !matrixWidths(runs, i) {
		return bars.Symbol{}, false
	}
	return matrix.decodeAt(runs, i)
}

// industrialOrder is the first test of startAt for Industrial's start,
// wide, narrow, wide, then three narrow elements: the pattern and a run
// after it fit in the line, each neighbour is the wrong way round for
// none, and the first bar is wider than every narrow element.
func industrialOrder(runs []int, i int) bool {
	if i+6 >= len(runs) {
		return false
	}
	r := runs[i : i+6 : i+6]
	return r[0] > r[1] && r[1] < r[2] && r[2] > r[3] && r[0] > r[3] && r[0] > r[4] && r[0] > r[5]
}

// matrixOrder is the first test of startAt for Matrix's start, a wide
// bar and five narrow elements: the pattern and a run after it fit in
// the line, and the first bar is wider than each of the others.
func matrixOrder(runs []int, i int) bool {
	if i+6 >= len(runs) {
		return false
	}
	r := runs[i : i+6 : i+6]
	return r[0] > r[1] && r[0] > r[2] && r[0] > r[3] && r[0] > r[4] && r[0] > r[5]
}

// iataStart is startAt and measure for IATA's start, four narrow
// elements, in whole pixels: the pattern and a run after it fit in the
// line, the quiet zone before it (unless the line's first light run) is
// five of their mean width, 5s/4, and none is wider than twice the mean,
// s/2, which measure takes as halfway to a wide element of three. It
// returns the widths measure returns: the mean, and three times it.
func iataStart(runs []int, i int) (narrow, wide float64, ok bool) {
	if !IATAMayStartAt(runs, i) {
		return 0, 0, false
	}
	narrow = float64(runs[i]+runs[i+1]+runs[i+2]+runs[i+3]) / 4
	return narrow, 3 * narrow, true
}

// decodeAt reads a symbol whose start pattern begins with dark run i.
func (v *variant) decodeAt(runs []int, i int) (bars.Symbol, bool) {
	narrow, wide, ok, _ := v.startAt(runs, i)
	if !ok {
		return bars.Symbol{}, false
	}
	return v.digitsAt(runs, i, narrow, wide)
}

// digitsAt reads the digits and stop pattern after a start at dark run i
// that measured narrow and wide.
func (v *variant) digitsAt(runs []int, i int, narrow, wide float64) (bars.Symbol, bool) {
	var buf [maxDigits]byte
	n, step := 0, v.digitRuns()
	for j := i + len(v.start); ; j += step {
		if n >= v.minDigits && v.stopAt(runs, j, narrow, wide) {
			return bars.Symbol{Text: string(buf[:n]), First: i, Last: j + len(v.stop) - 1}, true
		}
		if j+step > len(runs) || n == maxDigits {
			return bars.Symbol{}, false
		}
		d, ok := v.digit(runs[j:j+step], &narrow, &wide)
		if !ok {
			return bars.Symbol{}, false
		}
		buf[n] = d
		n++
	}
}

// startAt measures the start pattern at dark run i and the quiet zone
// before it, and tells whether it measured at all: measure takes a wide
// element wider and a narrow one narrower than the mean of the two
// widths, so where two neighbouring runs are the wrong way round for the
// pattern, or a narrow run is as wide as the first, wide, one (an
// Industrial or Matrix start's first bar no wider than the space after
// it, as at most bars of most rows), no start can be there.
func (v *variant) startAt(runs []int, i int) (narrow, wide float64, ok, measured bool) {
	if i+len(v.start) >= len(runs) {
		return 0, 0, false, false
	}
	r := runs[i : i+len(v.start)]
	for k := 1; k < len(r); k++ {
		if v.start[k-1] > v.start[k] && r[k-1] <= r[k] || v.start[k-1] < v.start[k] && r[k-1] >= r[k] ||
			v.start[0] > v.start[k] && r[0] <= r[k] {
			return 0, 0, false, false
		}
	}
	// The quiet zone, five of the start's narrow elements wide, turns
	// away most of the rest first (IATA's start, all narrow, orders no
	// pair): measure takes their mean as this.
	if !bars.Quiet(runs, i-1, 5*narrowMean(r, v.start)) {
		return 0, 0, false, false
	}
	narrow, wide, ok = measure(r, v.start)
	return narrow, wide, ok, true
}

// narrowMean is the mean width of the narrow elements of pattern, as
// measure takes it.
func narrowMean(runs []int, pattern []int8) float64 {
	var narrow, nn float64
	for k, p := range pattern {
		if p != 2 {
			narrow += float64(runs[k])
			nn++
		}
	}
	return narrow / nn
}

// measure checks runs against a pattern of narrow (1) and wide (2)
// elements and returns the mean narrow and wide widths; a pattern without
// wide elements (IATA's start) takes wide as three narrow ones, the
// common ratio, until the first digit measures it.
func measure(runs []int, pattern []int8) (narrow, wide float64, ok bool) {
	var nn, nw float64
	for k, p := range pattern {
		if p == 2 {
			wide += float64(runs[k])
			nw++
		} else {
			narrow += float64(runs[k])
			nn++
		}
	}
	narrow /= nn
	if nw == 0 {
		wide = 3 * narrow
	} else {
		wide /= nw
	}
	// Wide elements are two to three narrow ones; Matrix 2 of 5's start
	// and stop bars are often four.
	if wide < 1.8*narrow || wide > 6*narrow {
		return 0, 0, false
	}
	t := (narrow + wide) / 2
	for k, p := range pattern {
		if (float64(runs[k]) > t) != (p == 2) {
			return 0, 0, false
		}
	}
	return narrow, wide, true
}

// digit reads the runs of one digit: the two widest of the five elements
// that carry it are its wide ones, clearly wider than the other three, and
// the spaces beside the elements are narrow. It updates the running
// narrow and wide widths.
func (v *variant) digit(runs []int, narrow, wide *float64) (byte, bool) {
	var carry [5]float64
	n := 0
	for k, r := range runs {
		w := float64(r)
		if w > 1.8**wide || w < *narrow/3 {
			return 0, false
		}
		if k%2 == 0 || v.spaces && k < 5 {
			carry[n] = w
			n++
		} else if w > (*narrow+*wide)/2 {
			return 0, false // a space between bars is narrow
		}
	}
	// The second widest element parts wide from narrow.
	first, second := 0, 1
	if carry[1] > carry[0] {
		first, second = 1, 0
	}
	for k := 2; k < 5; k++ {
		switch {
		case carry[k] > carry[first]:
			first, second = k, first
		case carry[k] > carry[second]:
			second = k
		}
	}
	var p uint8
	var sn, sw float64
	maxNarrow := 0.0
	for k, w := range carry {
		p <<= 1
		if k == first || k == second {
			p |= 1
			sw += w
		} else {
			sn += w
			maxNarrow = max(maxNarrow, w)
		}
	}
	if carry[second] < 1.4*maxNarrow {
		return 0, false
	}
	*narrow = (3**narrow + sn/3) / 4
	*wide = (3**wide + sw/2) / 4
	return '0' + digits[p] - 1, true
}

// stopAt reports whether the stop pattern starts at dark run j and a
// quiet zone follows it.
func (v *variant) stopAt(runs []int, j int, narrow, wide float64) bool {
	if j+len(v.stop) > len(runs) {
		return false
	}
	n, w, ok := measure(runs[j:j+len(v.stop)], v.stop)
	return ok && bars.Near(n, narrow, 0.5) && bars.Near(w, wide, 0.5) && bars.Quiet(runs, j+len(v.stop), 5*narrow)
}
