package linear

import "github.com/scannerd/scannerd/scanner/internal/scrub"

// Code 39 (ISO/IEC 16388): characters of five bars and four spaces, three
// of the nine wide, separated by a narrow space; "*" starts and stops.
// code39Chars lists the characters and code39Wide their wide elements
// (bit 8 the first bar, bit 0 the last).
const code39Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%*"

var code39Wide = [...]uint16{
	0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064,
	0x109, 0x049, 0x148, 0x019, 0x118, 0x058, 0x00d, 0x10c, 0x04c, 0x01c,
	0x103, 0x043, 0x142, 0x013, 0x112, 0x052, 0x007, 0x106, 0x046, 0x016,
	0x181, 0x0c1, 0x1c0, 0x091, 0x190, 0x0d0, 0x085, 0x184, 0x0c4, 0x0a8,
	0x0a2, 0x08a, 0x02a, 0x094,
}

// code39ByWide maps the wide-element bits of a character to its index in
// code39Chars, or -1.
var code39ByWide = func() (t [512]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, w := range code39Wide {
		t[w] = int8(i)
	}
	return t
}()

const code39Star = 43

func (r *Reader) readCode39(runs []int, k int) (Symbol, bool) {
	if k+9 >= len(runs) {
		return Symbol{}, false
	}
	// "*" has two wide bars, its third and fourth, and one wide space,
	// its first: checked on their own first, the search being tried on
	// every bar after a quiet zone.
	w := runs[k : k+9]
	if min(w[4], w[6]) <= max(w[0], w[2], w[8]) || w[1] <= max(w[3], w[5], w[7]) {
		return Symbol{}, false
	}
	widths, bits, ok := twoWidthsOf(w, 2, 1)
	if !ok || code39ByWide[bits] != code39Star {
		return Symbol{}, false
	}
	startWidth := sum(runs[k : k+9])
	if !quietBefore(runs, k, float64(startWidth)/2) {
		return Symbol{}, false
	}
	out := r.text[:0]
	chars := append(r.values[:0], bits)
	defer func() { r.text, r.values = scrub.Kept(r.text, out), scrub.Kept(r.values, chars) }()
	for i := k + 10; i+9 <= len(runs); i += 10 {
		width := sum(runs[i : i+9])
		// The gap between characters is at most 5.3 narrow elements (a
		// character is 12 to 15 wide); a character is as wide as the
		// start, give or take the perspective.
		if 2*width < startWidth || width > 2*startWidth || 20*runs[i-1] > 9*startWidth {
			break
		}
		w := runs[i : i+9]
		bits := widths.classify(w)
		c := int(code39ByWide[bits])
		if c < 0 {
			break
		}
		widths.learn(w, bits)
		chars = append(chars, bits)
		if c != code39Star {
			out = append(out, code39Chars[c])
			continue
		}
		last := i + 8
		if len(out) == 0 || !quietAfter(runs, last, float64(width)/2) || !consistentWidths(runs[k:last+1], 9, chars) {
			break
		}
		return Symbol{Format: Code39, Text: string(out), ID: "]A0", First: k, Last: last}, true
	}
	return Symbol{}, false
}
