package linear

import "github.com/scannerd/scannerd/scanner/internal/scrub"

// Codabar (AIM BC3): characters of four bars and three spaces, each
// narrow or wide, separated by a narrow space; one of A, B, C and D
// starts and one stops the symbol. codabarWide gives each character's
// wide elements (bit 6 the first bar, bit 0 the last). A character has
// one or three wide bars, and none to two wide spaces.
const codabarChars = "0123456789-$:/.+ABCD"

var codabarWide = [...]uint8{
	0x03, 0x06, 0x09, 0x60, 0x12, 0x42, 0x21, 0x24, 0x30, 0x48,
	0x0c, 0x18, 0x45, 0x51, 0x54, 0x15, 0x1a, 0x29, 0x0b, 0x0e,
}

var codabarByWide = func() (t [128]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, w := range codabarWide {
		t[w] = int8(i)
	}
	return t
}()

const codabarA = 16 // A, B, C, D follow

// twoWidths tracks the widths of narrow and wide bars and spaces along
// a symbol of a two-width symbology (Codabar, Code 39): they differ
// between bars and spaces when ink spreads or the threshold is off
// centre, and change along a line seen in perspective, so bars are judged
// against bars and spaces against spaces. Within a character whose bars
// (or spaces) differ clearly in width, the threshold is halfway between
// its narrowest and widest: printers do not keep one wide width for every
// character. When they hardly differ, they are all narrow or all wide,
// and the threshold is halfway between the narrow and wide widths learned
// from the characters read so far.
type twoWidths struct{ narrowBar, wideBar, narrowSpace, wideSpace float64 }

// threshold returns the width between narrow and wide of the elements
// w[from], w[from+2], …: their own when they differ clearly, else learned.
func threshold(w []int, from int, learned float64) float64 {
	lo, hi := w[from], w[from]
	for j := from; j < len(w); j += 2 {
		lo, hi = min(lo, w[j]), max(hi, w[j])
	}
	if 2*hi >= 3*lo {
		return float64(lo+hi) / 2
	}
	return learned
}

// classify returns the wide elements of w (bit n-1 the first, bars at even
// positions).
func (c *twoWidths) classify(w []int) int {
	barT := threshold(w, 0, (c.narrowBar+c.wideBar)/2)
	spaceT := threshold(w, 1, (c.narrowSpace+c.wideSpace)/2)
	bits := 0
	for j, v := range w {
		t := spaceT
		if j%2 == 0 {
			t = barT
		}
		bits <<= 1
		if float64(v) > t {
			bits |= 1
		}
	}
	return bits
}

// learn moves the widths halfway towards those of w, whose wide elements
// are bits.
func (c *twoWidths) learn(w []int, bits int) {
	var sum [4]float64
	var n [4]int
	for j, v := range w {
		kind := j % 2 * 2 // 0 bar, 2 space
		if bits&(1<<(len(w)-1-j)) != 0 {
			kind++
		}
		sum[kind] += float64(v)
		n[kind]++
	}
	avg := func(old float64, i int) float64 {
		if n[i] == 0 {
			return old
		}
		return (old + sum[i]/float64(n[i])) / 2
	}
	c.narrowBar, c.wideBar = avg(c.narrowBar, 0), avg(c.wideBar, 1)
	c.narrowSpace, c.wideSpace = avg(c.narrowSpace, 2), avg(c.wideSpace, 3)
}

// consistentWidths checks a whole symbol of a two-width symbology, its
// characters of n elements separated by one space, the wide elements of
// each given by bits: a character classified against its own widths can
// be found in noise anywhere, but a symbol is printed with about one
// narrow width per kind (bars, spaces), and wide elements clearly wider.
// Wide widths vary more: some printers widen them by character.
func consistentWidths(w []int, n int, bits []int) bool {
	var sum [4]float64 // narrow bars, wide bars, narrow spaces, wide spaces
	var cnt [4]int
	kindOf := func(c, j int) int {
		kind := j % 2 * 2
		if bits[c]&(1<<(n-1-j)) != 0 {
			kind++
		}
		return kind
	}
	for c := range bits {
		for j := 0; j < n; j++ {
			k := kindOf(c, j)
			sum[k] += float64(w[c*(n+1)+j])
			cnt[k]++
		}
	}
	var mean [4]float64
	for k := range mean {
		if cnt[k] > 0 {
			mean[k] = sum[k] / float64(cnt[k])
		}
	}
	for c := range bits {
		for j := 0; j < n; j++ {
			k := kindOf(c, j)
			v := float64(w[c*(n+1)+j])
			if k%2 == 0 && (v < 0.5*mean[k] || v > 1.6*mean[k]) ||
				k%2 == 1 && (v < 1.3*mean[k-1] || v < 0.5*mean[k] || v > 2*mean[k]) {
				return false
			}
		}
	}
	return true
}

// twoWidthsOf takes the first estimate from a character whose bars and
// spaces each hold a wide element: its wideBars widest bars and
// wideSpaces widest spaces are wide, when clearly wider than the others.
// It returns the character's wide elements too.
func twoWidthsOf(w []int, wideBars, wideSpaces int) (twoWidths, int, bool) {
	nb, ns := (len(w)+1)/2, len(w)/2
	barBits, barRatio := wideRanks(w, 2, nb, wideBars)
	spaceBits, spaceRatio := wideRanks(w[1:], 2, ns, wideSpaces)
	if barRatio < 1.4 || spaceRatio < 1.4 {
		return twoWidths{}, 0, false
	}
	var c twoWidths
	bits := 0
	for j := range w {
		wide := j%2 == 0 && barBits&(1<<(j/2)) != 0 || j%2 == 1 && spaceBits&(1<<(j/2)) != 0
		bits <<= 1
		if wide {
			bits |= 1
		}
	}
	// Seed the estimates with the character itself: learn averages them
	// with these.
	for j, v := range w {
		wide := bits&(1<<(len(w)-1-j)) != 0
		switch {
		case j%2 == 0 && wide:
			c.wideBar = float64(v)
		case j%2 == 0:
			c.narrowBar = float64(v)
		case wide:
			c.wideSpace = float64(v)
		default:
			c.narrowSpace = float64(v)
		}
	}
	c.learn(w, bits)
	return c, bits, true
}

func (r *Reader) readCodabar(runs []int, k int) (Symbol, bool) {
	if k+7 >= len(runs) {
		return Symbol{}, false
	}
	// A start character has one wide bar and two wide spaces: its
	// narrowest space is narrower than the other two, checked first, the
	// search being tried on every bar after a quiet zone.
	w := runs[k : k+7]
	if n := min(w[1], w[3], w[5]); 2*n >= w[1]+w[3]+w[5]-n {
		return Symbol{}, false
	}
	// twoWidthsOf asks the widest bar to be 1.4 times the next, and the
	// second widest space 1.4 times the narrowest; in integers first,
	// which most bars fail (a ratio below 14/10 is below 1.4 as a float
	// too: runs are far too narrow for rounding to bridge a tenth over
	// their width).
	if b1, b2 := top2(w[0], w[2], w[4], w[6]); 10*b1 < 14*b2 {
		return Symbol{}, false
	}
	if s := w[1] + w[3] + w[5] - max(w[1], w[3], w[5]); 10*(s-min(w[1], w[3], w[5])) < 14*min(w[1], w[3], w[5]) {
		return Symbol{}, false
	}
	// Where both ratios hold, the widest bar and the narrowest space are
	// each clearly so, and they name the character: a start character has
	// its wide bar second, third or fourth, and its narrow space first,
	// or third after the fourth bar.
	bar := 0
	for j := 2; j < 7; j += 2 {
		if w[j] > w[bar] {
			bar = j
		}
	}
	space := 1
	for j := 3; j < 7; j += 2 {
		if w[j] < w[space] {
			space = j
		}
	}
	if !(space == 1 && bar > 0 || space == 5 && bar == 6) {
		return Symbol{}, false
	}
	widths, bits, ok := twoWidthsOf(w, 1, 2)
	if !ok || codabarByWide[bits] < codabarA {
		return Symbol{}, false
	}
	startWidth := sum(runs[k : k+7])
	if !quietBefore(runs, k, float64(startWidth)/2) {
		return Symbol{}, false
	}
	out := r.text[:0]
	chars := append(r.values[:0], bits)
	defer func() { r.text, r.values = scrub.Kept(r.text, out), scrub.Kept(r.values, chars) }()
	for i := k + 8; i+7 <= len(runs); i += 8 {
		width := sum(runs[i : i+7])
		gap := float64(runs[i-1])
		if 2*width < startWidth || width > 2*startWidth || gap > 2*widths.wideSpace {
			break
		}
		w := runs[i : i+7]
		bits := widths.classify(w)
		c := int(codabarByWide[bits])
		if c < 0 {
			break
		}
		widths.learn(w, bits)
		chars = append(chars, bits)
		if c < codabarA {
			out = append(out, codabarChars[c])
			continue
		}
		last := i + 6
		// A stop after at least two data characters, then whitespace
		// half a character wide: Codabar has no check character, so a
		// symbol of one character would be too easy to find in noise.
		if len(out) < 2 || !quietAfter(runs, last, float64(width)/2) || !consistentWidths(runs[k:last+1], 7, chars) {
			break
		}
		return Symbol{Format: Codabar, Text: string(out), ID: "]F0", First: k, Last: last}, true
	}
	return Symbol{}, false
}

// top2 returns the widest of four widths and the next widest.
func top2(a, b, c, d int) (first, second int) {
	first, second = max(a, b), min(a, b)
	for _, v := range [2]int{c, d} {
		if v > first {
			first, second = v, first
		} else if v > second {
			second = v
		}
	}
	return first, second
}
