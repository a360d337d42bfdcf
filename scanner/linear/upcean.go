package linear

// EAN-13, EAN-8, UPC-A and UPC-E (ISO/IEC 15420). Digits are four
// elements of seven modules: the left half's in the L (odd parity) or G
// (even parity) set, starting with a space, the right half's in the R set,
// starting with a bar. Guards of one-module elements open (bar, space,
// bar), split (five elements from a space) and close the symbol; UPC-E
// has six left digits and a closing guard of six elements.

const upceanFormats = Formats(1<<EAN13 | 1<<EAN8 | 1<<UPCE)

// upceanDigits holds the L set's digits 0–9 (space, bar, space, bar in
// modules), then the G set's, the L set's reversed. R digits have the
// L set's widths from a bar.
var upceanDigits = modulesOf(
	"3211", "2221", "2122", "1411", "1132", "1231", "1114", "1312", "1213", "3112",
	"1123", "1222", "2212", "1141", "2311", "1321", "4111", "2131", "3121", "2113",
)

// ean13First gives the first digit of EAN-13 from the parity of its six
// left digits (bit 5 the first, set for G), or -1.
var ean13First = func() (t [64]int8) {
	for i := range t {
		t[i] = -1
	}
	for d, p := range [10]int{0b000000, 0b001011, 0b001101, 0b001110, 0b010011, 0b011001, 0b011100, 0b010101, 0b010110, 0b011010} {
		t[p] = int8(d)
	}
	return t
}()

// upceParity gives the parity of UPC-E's six digits for number system 0
// and each check digit (bit 5 the first, set for G); number system 1 has
// them inverted.
var upceParity = [10]int{0b111000, 0b110100, 0b110010, 0b110001, 0b101100, 0b100110, 0b100011, 0b101010, 0b101001, 0b100101}

// upceanByEdges lists by a digit's three edge-to-similar-edge distances
// in modules (3 bits each, the first highest) the digits of upceanDigits
// whose patterns have them, in order, -1 after the last: at most two (1
// and 7, 2 and 8, of either set).
var upceanByEdges = func() (t [1 << 9][2]int8) {
	for i := range t {
		t[i] = [2]int8{-1, -1}
	}
	for d, p := range upceanDigits {
		key := int(p[0]+p[1])<<6 | int(p[1]+p[2])<<3 | int(p[2]+p[3])
		e := &t[key]
		if e[0] < 0 {
			e[0] = int8(d)
		} else {
			e[1] = int8(d)
		}
	}
	return t
}()

// upceanDigit classifies the four elements at runs[i:] as a digit of the
// L and G sets (the result plus 10 for G) or, when right, of the R set;
// -1 when none is clearly nearest. Its edge distances rounded to modules
// name the digit, except that they cannot tell 1 from 7 and 2 from 8 (in
// the G set too): the bars' widths do, the two bars being three modules
// wide for 1 and 2 and five for 7 and 8. When the rounded distances name
// no digit, the nearest digit is taken if clearly nearest.
func upceanDigit(runs []int, i int, right bool) int {
	w := runs[i : i+4]
	var buf [3]float64
	e := edges(w, 7, buf[:])
	total := float64(sum(w))
	// The bars are elements 1 and 3 of an L or G digit, 0 and 2 of an R.
	b0 := 1
	sets := upceanDigits
	if right {
		b0, sets = 0, upceanDigits[:10]
	}
	bars := float64(w[b0]+w[b0+2]) * 7 / total
	var rounded [3]uint8
	for j, v := range e {
		rounded[j] = uint8(v + 0.5)
	}
	best, bestD, secondD := -1, 1e9, 1e9
	exact := -1
	if rounded[0] < 8 && rounded[1] < 8 && rounded[2] < 8 {
		// Only the digits whose patterns have the rounded distances,
		// in order (upceanByEdges).
		for _, d := range upceanByEdges[int(rounded[0])<<6|int(rounded[1])<<3|int(rounded[2])] {
			if d < 0 || int(d) >= len(sets) {
				break
			}
			p := sets[d]
			barDiff := bars - float64(p[b0]+p[b0+2])
			if barDiff < 0 {
				barDiff = -barDiff
			}
			if exact < 0 || barDiff < bestD {
				exact, bestD = int(d), barDiff
			}
		}
	}
	if exact >= 0 {
		return exact
	}
	bestD = 1e9
	for d, p := range sets {
		v := edgeMatch(e, p)
		switch {
		case v < bestD:
			best, bestD, secondD = d, v, bestD
		case v < secondD:
			secondD = v
		}
	}
	if bestD > 1.2 || secondD-bestD < 0.5 {
		return -1
	}
	return best
}

// digitWidthOK tells whether the digit at runs[i:] is seven modules wide,
// give or take the perspective.
func digitWidthOK(runs []int, i int, module float64) bool {
	m := float64(sum(runs[i:i+4])) / (7 * module)
	return m > 0.7 && m < 1.4
}

// guard tells whether the n elements at runs[i:] are one module each,
// module being the width of one.
func guard(runs []int, i, n int, module float64) bool {
	if i+n > len(runs) {
		return false
	}
	for _, w := range runs[i : i+n] {
		if m := float64(w) / module; m < 0.5 || m > 1.6 {
			return false
		}
	}
	return true
}

func (r *Reader) readUPCEAN(runs []int, k int, formats Formats) (Symbol, bool) {
	if k+33 > len(runs) {
		return Symbol{}, false
	}
	module := float64(runs[k]+runs[k+1]+runs[k+2]) / 3
	if !guard(runs, k, 3, module) || !quietBefore(runs, k, 2.5*module) {
		return Symbol{}, false
	}
	// The left digits, in the L or G set: every UPC and EAN symbol
	// begins with four, EAN-13 and UPC-E with six.
	var digits [12]byte
	parity, n := 0, 0
	for i := k + 3; n < 6; i += 4 {
		if !digitWidthOK(runs, i, module) {
			break
		}
		v := upceanDigit(runs, i, false)
		if v < 0 {
			break
		}
		module = float64(sum(runs[i:i+4])) / 7
		digits[n] = byte('0' + v%10)
		parity = parity<<1 | v/10
		n++
	}
	if n == 6 && formats.Has(EAN13) {
		if s, ok := r.readEAN13(runs, k, digits, parity); ok {
			return s, true
		}
	}
	if n == 6 && formats.Has(UPCE) {
		if s, ok := upce(runs, k, digits, parity); ok {
			return s, true
		}
	}
	if n >= 4 && formats.Has(EAN8) && parity>>(n-4) == 0 {
		return r.readEAN8(runs, k, digits)
	}
	return Symbol{}, false
}

// readEAN13 reads EAN-13's split guard and right half after its left
// digits.
func (r *Reader) readEAN13(runs []int, k int, digits [12]byte, parity int) (Symbol, bool) {
	i := k + 3 + 24
	if k+59 > len(runs) || ean13First[parity] < 0 || !guard(runs, i, 5, float64(sum(runs[k+3:i]))/42) {
		return Symbol{}, false
	}
	i += 5
	module := float64(sum(runs[i-9:i-5])) / 7
	for d := 6; d < 12; d++ {
		if !digitWidthOK(runs, i, module) {
			return Symbol{}, false
		}
		v := upceanDigit(runs, i, true)
		if v < 0 {
			return Symbol{}, false
		}
		module = float64(sum(runs[i:i+4])) / 7
		digits[d] = byte('0' + v)
		i += 4
	}
	// The closing guard is measured against the digit beside it (module,
	// the last digit's): toward the ends of a label round a can the
	// modules shrink, the guard's by half from the right half's mean.
	if !guard(runs, i, 3, module) || !quietAfter(runs, i+2, 2.5*module) {
		return Symbol{}, false
	}
	var text [13]byte
	text[0] = byte('0' + ean13First[parity])
	copy(text[1:], digits[:])
	if !checkDigitOK(text[:]) {
		return Symbol{}, false
	}
	return Symbol{Format: EAN13, Text: string(text[:]), ID: "]E0", First: k, Last: i + 2}, true
}

// readEAN8 reads EAN-8's split guard and right half after its four left
// digits.
func (r *Reader) readEAN8(runs []int, k int, digits [12]byte) (Symbol, bool) {
	i := k + 3 + 16
	if i+24 > len(runs) || !guard(runs, i, 5, float64(sum(runs[k+3:i]))/28) {
		return Symbol{}, false
	}
	i += 5
	module := float64(sum(runs[i-9:i-5])) / 7
	for d := 4; d < 8; d++ {
		if !digitWidthOK(runs, i, module) {
			return Symbol{}, false
		}
		v := upceanDigit(runs, i, true)
		if v < 0 {
			return Symbol{}, false
		}
		module = float64(sum(runs[i:i+4])) / 7
		digits[d] = byte('0' + v)
		i += 4
	}
	// As EAN-13's, against the last digit.
	if !guard(runs, i, 3, module) || !quietAfter(runs, i+2, 2.5*module) || !checkDigitOK(digits[:8]) {
		return Symbol{}, false
	}
	return Symbol{Format: EAN8, Text: string(digits[:8]), ID: "]E4", First: k, Last: i + 2}, true
}

// upce reads UPC-E's closing guard after its six digits. The number
// system and check digit follow from the digits' parity, and the check
// digit must match the UPC-A code that the digits stand for. The closing
// guard looks like the split guard and first bar of EAN-13, so the quiet
// zone after it must be wide: six modules, less a margin.
func upce(runs []int, k int, digits [12]byte, parity int) (Symbol, bool) {
	i := k + 3 + 24
	module := float64(sum(runs[k+3:i])) / 42
	if !guard(runs, i, 6, module) || !quietAfter(runs, i+5, 5*module) {
		return Symbol{}, false
	}
	system, check := -1, -1
	for c, p := range upceParity {
		switch parity {
		case p:
			system, check = 0, c
		case p ^ 0b111111:
			system, check = 1, c
		}
	}
	if system < 0 {
		return Symbol{}, false
	}
	var text [8]byte
	text[0] = byte('0' + system)
	copy(text[1:7], digits[:6])
	text[7] = byte('0' + check)
	if !checkDigitOK(upceToUPCA(text)) {
		return Symbol{}, false
	}
	return Symbol{Format: UPCE, Text: string(text[:]), ID: "]E0", First: k, Last: i + 5}, true
}

// upceToUPCA expands a UPC-E code (number system, six digits, check) to
// the twelve digits of UPC-A it abbreviates, by the rule its last digit
// names.
func upceToUPCA(e [8]byte) []byte {
	d := e[1:7]
	a := make([]byte, 0, 12)
	a = append(a, e[0])
	switch d[5] {
	case '0', '1', '2':
		a = append(a, d[0], d[1], d[5], '0', '0', '0', '0', d[2], d[3], d[4])
	case '3':
		a = append(a, d[0], d[1], d[2], '0', '0', '0', '0', '0', d[3], d[4])
	case '4':
		a = append(a, d[0], d[1], d[2], d[3], '0', '0', '0', '0', '0', d[4])
	default:
		a = append(a, d[0], d[1], d[2], d[3], d[4], '0', '0', '0', '0', d[5])
	}
	return append(a, e[7])
}

// checkDigitOK checks the GS1 mod-10 check digit that ends digits.
func checkDigitOK(digits []byte) bool {
	s := 0
	n := len(digits)
	for i := n - 2; i >= 0; i -= 2 {
		s += 3 * int(digits[i]-'0')
	}
	for i := n - 3; i >= 0; i -= 2 {
		s += int(digits[i] - '0')
	}
	return (10-s%10)%10 == int(digits[n-1]-'0')
}
