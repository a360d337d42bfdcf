package linear

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

// itfDigit classifies five bars or five spaces (w[0], w[2], …, w[8]) by
// their two widest, which must be two to three narrow widths wide where
// the others are one, narrow being the narrow width of the pair of digits
// they belong to.
func itfDigit(w []int, narrow float64) int {
	bits, ratio := wideRanks(w, 2, 5, 2)
	if ratio < 1.5 {
		return -1
	}
	for j := 0; j < 5; j++ {
		m := float64(w[2*j]) / narrow
		if wide := bits&(1<<j) != 0; wide && (m < 1.6 || m > 4) || !wide && (m < 0.4 || m > 1.6) {
			return -1
		}
	}
	rev := 0
	for j := 0; j < 5; j++ {
		rev = rev<<1 | bits>>j&1
	}
	return int(itfByWide[rev])
}

// itfPair reads the pair of digits whose bars and spaces interleave in the
// ten elements w, and returns them with the pair's narrow width: the mean
// of its six narrow elements, which the pair's wide ones are measured
// against. A pair's narrow width follows the one before, narrow, within
// the change of a module's size along a tilted or curved symbol: at the
// ends of a label wrapped round a can the modules grow by a third from one
// pair to the next, and the start pattern, four narrow elements measured
// at the very edge, is narrower still than the first pair's.
func itfPair(w []int, narrow float64) (a, b int, own float64) {
	bars, ratio := wideRanks(w, 2, 5, 2)
	spaces, ratio2 := wideRanks(w[1:], 2, 5, 2)
	if ratio < 1.5 || ratio2 < 1.5 {
		return -1, -1, 0
	}
	sum := 0
	for j, v := range w {
		if [2]int{bars, spaces}[j%2]&(1<<(j/2)) == 0 {
			sum += v
		}
	}
	own = float64(sum) / 6
	if r := own / narrow; r < 0.6 || r > 1.6 {
		return -1, -1, 0
	}
	return itfDigit(w, own), itfDigit(w[1:], own), own
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
	defer func() { r.text = out }()
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
		a, b, own := itfPair(runs[i:i+10], narrow)
		if a < 0 || b < 0 {
			break
		}
		out = append(out, byte('0'+a), byte('0'+b))
		// The narrow width moves with the symbol's perspective.
		narrow = (narrow + own) / 2
	}
	return Symbol{}, false
}
