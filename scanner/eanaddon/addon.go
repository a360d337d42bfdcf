// Package eanaddon reads the two- and five-digit add-on symbols printed to
// the right of an EAN-13, UPC-A or UPC-E symbol (ISO/IEC 15420 §5.2.6, GS1
// General Specifications §5.2.2.6): a book's price, a periodical's issue.
//
// An add-on starts with the guard 1011 (bar, space, double bar), then
// carries its digits in the left-half character sets A and B of EAN-13
// (seven modules, space first), each pair of digits separated by the
// delineator 01. Which digits use set B encodes a check: for EAN-2 the
// value modulo 4, for EAN-5 a weighted digit sum modulo 10.
package eanaddon

// Addon is an add-on read along one row.
type Addon struct {
	Text   string  // the two or five digits
	X0, X1 float64 // its span along the row, in pixels
}

// patterns are the element widths (space, bar, space, bar) of the digits
// in character set A; set B's are the same widths reversed.
var patterns = [10][4]int8{
	{3, 2, 1, 1}, {2, 2, 2, 1}, {2, 1, 2, 2}, {1, 4, 1, 1}, {1, 1, 3, 2},
	{1, 2, 3, 1}, {1, 1, 1, 4}, {1, 3, 1, 2}, {1, 2, 1, 3}, {3, 1, 1, 2},
}

// ean5Parity gives, for each check value, which of the five digits use
// set B (bit 4 the first digit).
var ean5Parity = [10]uint8{0x18, 0x14, 0x12, 0x11, 0x0c, 0x06, 0x03, 0x0a, 0x09, 0x05}

// Read looks along a row for an add-on whose start guard begins between
// from and to (in the units of the runs), and returns the first it reads.
// runs are the row's run lengths, light first, read in the direction of
// the main symbol, which ends before from.
func Read(runs []int, from, to float64) (Addon, bool) {
	x := 0
	for i, r := range runs {
		if float64(x) > to {
			break
		}
		if i%2 == 1 && float64(x) >= from {
			if a, ok := readAt(runs, i, x, 0); ok {
				return a, true
			}
		}
		x += r
	}
	return Addon{}, false
}

// At reads the add-on whose start guard is dark run k, after the light
// gap that follows a main symbol of modules module wide: the gap is 7 to
// 12 modules (a little less or more is taken).
func At(runs []int, k int, module float64) (Addon, bool) {
	if k < 2 || k >= len(runs) {
		return Addon{}, false
	}
	if gap := float64(runs[k-1]); gap < 5*module || gap > 15*module {
		return Addon{}, false
	}
	x := 0
	for _, r := range runs[:k] {
		x += r
	}
	return readAt(runs, k, x, module)
}

// readAt reads an add-on whose start guard is the dark run i, starting
// at x; main is the main symbol's module, or 0 when unknown.
func readAt(runs []int, i, x int, main float64) (Addon, bool) {
	if i+3+8+2 > len(runs) {
		return Addon{}, false
	}
	// The guard 1 1 2 is four modules.
	g := runs[i : i+3]
	m := float64(g[0]+g[1]+g[2]) / 4
	if main > 0 && !near(int(m+0.5), main, 1) { // the main symbol's module
		return Addon{}, false
	}
	if !near(g[0], m, 1) || !near(g[1], m, 1) || !near(g[2], 2*m, 2) {
		return Addon{}, false
	}
	if float64(runs[i-1]) < 4*m { // the gap after the main symbol
		return Addon{}, false
	}
	var digits [5]byte
	var setB uint8
	n := 0
	j := i + 3
	for n < 5 {
		if j+4 > len(runs) {
			break
		}
		d, b, ok := readDigit(runs[j:j+4], m)
		if !ok {
			break
		}
		digits[n] = '0' + d
		setB = setB<<1 | b
		n++
		j += 4
		// A delineator 01 follows every digit but the last; a quiet zone
		// (or the row's end) follows the last.
		if j+2 < len(runs) && near(runs[j], m, 1) && near(runs[j+1], m, 1) && n < 5 {
			j += 2
			continue
		}
		break
	}
	if j < len(runs)-1 && float64(runs[j]) < 4*m { // no quiet zone after it
		return Addon{}, false
	}
	end := x
	for _, r := range runs[i:j] {
		end += r
	}
	a := Addon{Text: string(digits[:n]), X0: float64(x), X1: float64(end)}
	switch n {
	case 2:
		v := int(digits[0]-'0')*10 + int(digits[1]-'0')
		return a, setB == uint8(v%4) // sets AA AB BA BB for 0…3
	case 5:
		s := 0
		for k, c := range digits {
			w := 3
			if k%2 == 1 {
				w = 9
			}
			s += w * int(c-'0')
		}
		return a, ean5Parity[s%10] == setB
	}
	return Addon{}, false
}

// near reports whether a run of w pixels is about want pixels of an
// element of modules modules: within 40 % of a module plus a sixth of
// its size.
func near(w int, want float64, modules int) bool {
	tol := want/float64(modules)*0.45 + want/6
	return float64(w) >= want-tol && float64(w) <= want+tol
}

// readDigit matches four elements (space first) against the digits of
// sets A and B; m is the module width the guard gave.
func readDigit(w []int, m float64) (digit, setB uint8, ok bool) {
	total := float64(w[0] + w[1] + w[2] + w[3])
	if total < 7*m*0.7 || total > 7*m*1.3 {
		return 0, 0, false
	}
	best, second := 1e9, 1e9
	for d, p := range patterns {
		for b := uint8(0); b < 2; b++ {
			e := 0.0
			for k := range 4 {
				want := p[k]
				if b == 1 {
					want = p[3-k]
				}
				diff := float64(w[k])*7/total - float64(want)
				e += diff * diff
			}
			switch {
			case e < best:
				second, best = best, e
				digit, setB = uint8(d), b
			case e < second:
				second = e
			}
		}
	}
	// The closest pattern must fit well and clearly better than the next.
	return digit, setB, best < 0.6 && second > 2*best
}
