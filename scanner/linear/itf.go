package linear

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Interleaved 2 of 5 (ISO/IEC 16390): digits in pairs, the first in five
// bars, the second in the five spaces between them, two of each five wide.
// Four narrow elements start the symbol; a wide bar, a narrow space and a
// narrow bar stop it. itfWide gives each digit's wide elements (bit 4 the
// first). ITF has no check character, and its start pattern is common, so
// a symbol needs quiet zones ten narrow elements wide (see itfQuiet) and
// at least six digits, as ZXing's readers ask by default.
var itfWide = [10]uint8{0b00110, 0b10001, 0b01001, 0b11000, 0b00101, 0b10100, 0b01100, 0b00011, 0b10010, 0b01010}

var itfByWide = func() (t [32]int8) {
	for i := range t {
		t[i] = -1
	}
	for d, w := range itfWide {
		t[w] = int8(d)
	}
	return t
}()

// itfPair reads the pair of digits whose bars and spaces interleave in the
// ten elements w, narrow being the narrow width before the pair, and
// returns them with the narrow width the next pair follows. Which elements
// are wide is told by ranks, two of each five, and each element is then
// measured in narrow widths: two to three where wide, one where narrow.
//
// The narrow width is first the mean of the pair's six narrow elements,
// passed on to the next pair. A pair's narrow width follows the one
// before, narrow, within the change of a module's size along a tilted or
// curved symbol: at the ends of a label wrapped round a can the modules
// grow by a third from one pair to the next, and the start pattern, four
// narrow elements measured at the very edge, is narrower still than the
// first pair's. Where the mean does not read the pair, a narrow width that
// changes along it does (itfSloped).
func itfPair(w []int, narrow float64) (a, b int, end float64) {
	bars, barRatio := wideRanks(w, 2, 5, 2)
	spaces, spaceRatio := wideRanks(w[1:], 2, 5, 2)
	if barRatio >= 1.5 && spaceRatio >= 1.5 {
		sum := 0
		for j, v := range w[:10] {
			if !itfWideAt(bars, spaces, j) {
				sum += v
			}
		}
		own := float64(sum) / 6
		if r := own / narrow; r >= 0.6 && r <= 1.6 {
			var m [10]float64
			for j, v := range w[:10] {
				m[j] = float64(v) / own
			}
			if a, b := itfDigits(&m, bars, spaces, 0.4, 1.6); a >= 0 && b >= 0 {
				return a, b, own
			}
		}
	}
	return itfSloped(w, narrow, bars, spaces)
}

// itfSloped reads the pair of digits in the ten elements w against a
// narrow width that changes along the pair linearly, bars and spaces
// ranked wide by their widths as measured.
//
// Round a can at 1.2 radians of half-width the modules double from the
// first element of the pair at the symbol's end to its last, and a wide
// space at its far end measures more than four of the pair's mean narrow
// widths. Against a straight line, fitted to the widths at the elements'
// centres, each element measured at its own centre, a module size that
// changes smoothly (a curve, a perspective) is exact to first order. Each
// narrow element's width is a sample of the line, each wide one's is
// ratio samples, ratio the pair's wide elements' mean width over its
// narrow ones': the wide elements reach to the pair's ends, to which the
// line would be extrapolated otherwise, and its least-squares fit less
// noisy. Where measuring against the line ranks the elements otherwise
// (at a pair's wide end a narrow element can be wider than a wide one at
// its narrow end), the line is fitted again to the new ranks.
//
// The line is a freedom the mean does not have, paid for with tighter
// bounds, each with room round what the robustness suite's ITF symbols
// read so measure, every axis, on the rows across their middle: the line
// begins at two thirds to one and a half times the narrow width before
// the pair (0.80 to 1.34); it changes along the pair by a factor of 2.5 at
// most (1.77); narrow elements measure half to one and a half narrow
// widths (0.69 to 1.18); and the narrower wide element of each five is
// 1.8 times the widest narrow one or more (2.34; ITF-14 prints wide
// elements 2.25 to 3 narrow ones). Pairs of random widths, half a module
// to four or one to three modules off by a fifth, read so 6 to 8 % more
// often than with the mean alone; with 1.5, as the mean asks, 40 to 50 %
// more.
func itfSloped(w []int, narrow float64, bars, spaces int) (a, b int, end float64) {
	var at [10]float64 // each element's centre, from the pair's start
	total := 0.0
	for j, v := range w[:10] {
		at[j] = total + float64(v)/2
		total += float64(v)
	}
	for range 2 {
		var wide, thin float64
		for j, v := range w[:10] {
			if itfWideAt(bars, spaces, j) {
				wide += float64(v)
			} else {
				thin += float64(v)
			}
		}
		if thin == 0 {
			return -1, -1, 0
		}
		ratio := wide / 4 / (thin / 6)
		var y [10]float64
		var mx, my float64
		for j, v := range w[:10] {
			y[j] = float64(v)
			if itfWideAt(bars, spaces, j) {
				y[j] /= ratio
			}
			mx += at[j]
			my += y[j]
		}
		mx, my = mx/10, my/10
		var sxx, sxy float64
		for j := range y {
			sxx += (at[j] - mx) * (at[j] - mx)
			sxy += (at[j] - mx) * (y[j] - my)
		}
		slope := sxy / sxx
		first, last := my-slope*mx, my+slope*(total-mx)
		if r := first / narrow; !(r >= 2.0/3 && r <= 1.5) || !(last > 0 && last <= 2.5*first && first <= 2.5*last) {
			return -1, -1, 0
		}
		var m [10]float64
		for j, v := range w[:10] {
			m[j] = float64(v) / (first + slope*at[j])
		}
		nb, barRatio := itfRanks(&m, 0)
		ns, spaceRatio := itfRanks(&m, 1)
		if nb != bars || ns != spaces {
			bars, spaces = nb, ns
			continue
		}
		if !(barRatio >= 1.8 && spaceRatio >= 1.8) {
			return -1, -1, 0
		}
		a, b := itfDigits(&m, bars, spaces, 0.5, 1.5)
		return a, b, last
	}
	return -1, -1, 0
}

// itfWideAt tells whether element j of a pair is wide, bars and spaces
// its wide bars and spaces (bit i the i-th of each).
func itfWideAt(bars, spaces, j int) bool {
	return [2]int{bars, spaces}[j%2]&(1<<(j/2)) != 0
}

// itfRanks is wideRanks for the five elements first, first+2, … of m: the
// two widest, and how much wider the narrower of them is than the widest
// other one.
func itfRanks(m *[10]float64, first int) (bits int, ratio float64) {
	minWide, maxNarrow := math.Inf(1), 0.0
	for range 2 {
		best := -1
		for i := 0; i < 5; i++ {
			if bits&(1<<i) == 0 && (best < 0 || m[first+2*i] > m[first+2*best]) {
				best = i
			}
		}
		bits |= 1 << best
		minWide = min(minWide, m[first+2*best])
	}
	for i := 0; i < 5; i++ {
		if bits&(1<<i) == 0 {
			maxNarrow = max(maxNarrow, m[first+2*i])
		}
	}
	return bits, minWide / maxNarrow
}

// itfDigits returns the digit of the bars and that of the spaces of m,
// the elements in narrow widths, whose wide ones bars and spaces give (-1
// where not a digit): the wide ones two to three narrow widths, with room
// (1.6 to 4), the narrow ones between lo and hi.
func itfDigits(m *[10]float64, bars, spaces int, lo, hi float64) (a, b int) {
	digit := func(first, bits int) int {
		rev := 0
		for j := 0; j < 5; j++ {
			v := m[first+2*j]
			if wide := bits&(1<<j) != 0; wide && !(v >= 1.6 && v <= 4) || !wide && !(v >= lo && v <= hi) {
				return -1
			}
			rev = rev<<1 | bits>>j&1
		}
		return int(itfByWide[rev])
	}
	return digit(0, bars), digit(1, spaces)
}

// itfQuiet is the quiet zone ITF asks for, in narrow elements: ten as
// printed (GS1 asks ITF-14 for that much, zint draws that much), less half
// of one for the error of measuring it against the narrow width, the
// edges of both placed to a fraction of a pixel: at two pixels a module
// half an element is a pixel. zint's ITF-14 read at 2 to 4 pixels a
// module, blurred or not, fell up to 1 % short of ten once the bars'
// growth was given back.
const itfQuiet = 9.5

func (r *Reader) readITF(runs []int, k int) (Symbol, bool) {
	if k+4+10+3 > len(runs) {
		return Symbol{}, false
	}
	start := runs[k : k+4]
	narrow := float64(sum(start)) / 4
	for _, v := range start {
		if m := float64(v) / narrow; m < 0.5 || m > 1.5 {
			return Symbol{}, false
		}
	}
	// How much the bars grew, from ink spread, blur or the threshold:
	// the start's elements are one narrow module each, so its two bars
	// less its two spaces are four times a bar's growth.
	grow := float64(start[0]+start[2]-start[1]-start[3]) / 4
	if !quietBeforeGrown(runs, k, itfQuiet*narrow, grow) {
		return Symbol{}, false
	}
	out := r.text[:0]
	defer func() { r.text = scrub.Kept(r.text, out) }()
	for i := k + 4; i+3 <= len(runs); i += 10 {
		// The stop: a wide bar, two narrow elements, then quiet.
		if last := i + 2; float64(runs[i]) > 1.5*narrow && float64(runs[i+1]) < 1.5*narrow &&
			float64(runs[i+2]) < 1.5*narrow && quietAfterGrown(runs, last, itfQuiet*narrow, grow) {
			if len(out) < 6 {
				break
			}
			return Symbol{Format: ITF, Text: string(out), ID: "]I0", First: k, Last: last}, true
		}
		if i+10 > len(runs) {
			break
		}
		a, b, end := itfPair(runs[i:i+10], narrow)
		if a < 0 || b < 0 {
			break
		}
		out = append(out, byte('0'+a), byte('0'+b))
		// The narrow width moves with the symbol's perspective.
		narrow = end
	}
	return Symbol{}, false
}
