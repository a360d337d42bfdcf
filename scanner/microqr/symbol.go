package microqr

// Symbol structure of Micro QR Code, ISO/IEC 18004:2015 §6 and Annex
// (Micro QR): versions M1 to M4, one finder pattern at the top left,
// timing patterns along row 0 and column 0, 15 bits of format information.

// symbolInfo describes one symbol number of the format information
// (ISO/IEC 18004:2015 Table 13): a version and error correction level.
type symbolInfo struct {
	version  int    // 1..4 for M1..M4
	ecLevel  string // "L", "M", "Q"; "" for M1 (error detection only)
	dataBits int    // data capacity in bits
	ecWords  int    // error correction codewords
}

var symbols = [8]symbolInfo{
	{1, "", 20, 2},
	{2, "L", 40, 5},
	{2, "M", 32, 6},
	{3, "L", 84, 6},
	{3, "M", 68, 8},
	{4, "L", 128, 8},
	{4, "M", 112, 10},
	{4, "Q", 80, 14},
}

// size is the symbol's width in modules.
func (s symbolInfo) size() int { return 2*s.version + 9 }

// dataWords is the number of data codewords, the last one 4 bits long in
// M1 and M3.
func (s symbolInfo) dataWords() int { return (s.dataBits + 7) / 8 }

// halfLast reports whether the last data codeword has only 4 bits.
func (s symbolInfo) halfLast() bool { return s.dataBits%8 != 0 }

// formatMask is XORed onto the format information of Micro QR symbols.
const formatMask = 0x4445

// formatCode returns the 15-bit masked format information for a symbol
// number (0..7) and data mask (0..3): 5 data bits and a BCH(15,5) code with
// the generator of ISO/IEC 18004 Annex C.
func formatCode(symbol, mask int) int {
	data := symbol<<2 | mask
	v := data << 10
	const gen = 0x537
	for i := 14; i >= 10; i-- {
		if v&(1<<i) != 0 {
			v ^= gen << (i - 10)
		}
	}
	return (data<<10 | v) ^ formatMask
}

// decodeFormat finds the symbol number and mask whose format code is
// closest to the read bits, within maxErrors differing bits.
func decodeFormat(bits, maxErrors int) (symbol, mask int, ok bool) {
	best, bestDiff := -1, 16
	for d := 0; d < 32; d++ {
		diff := popcount(formatCode(d>>2, d&3) ^ bits)
		if diff < bestDiff {
			best, bestDiff = d, diff
		}
	}
	if best < 0 || bestDiff > maxErrors {
		return 0, 0, false
	}
	return best >> 2, best & 3, true
}

func popcount(v int) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}

// formatModules lists where the 15 format bits lie, most significant
// first: row 8 from column 1 to 8, then column 8 from row 7 up to row 1.
func formatModules() [15][2]int {
	var m [15][2]int
	for i := 0; i < 8; i++ {
		m[i] = [2]int{8, 1 + i}
	}
	for i := 0; i < 7; i++ {
		m[8+i] = [2]int{7 - i, 8}
	}
	return m
}

// masked reports whether data mask pattern m (ISO/IEC 18004:2015 Table 10,
// Micro QR references 00..11) inverts the module at row i, column j.
func masked(m, i, j int) bool {
	switch m {
	case 0:
		return i%2 == 0
	case 1:
		return (i/2+j/3)%2 == 0
	case 2:
		return ((i*j)%2+(i*j)%3)%2 == 0
	default:
		return ((i+j)%2+(i*j)%3)%2 == 0
	}
}

// isFunction reports whether a module belongs to the finder, separator,
// timing patterns or format information rather than data.
func isFunction(row, col int) bool {
	return row == 0 || col == 0 || (row <= 8 && col <= 8)
}

// dataModules returns the data module positions of a symbol of the given
// size in placement order (ISO/IEC 18004:2015 §7.7.3): two-column strips
// from the right, upwards then downwards, right column first.
func dataModules(size int) [][2]int {
	out := make([][2]int, 0, (size-1)*(size-1)-64)
	up := true
	for x := size - 1; x > 0; x -= 2 {
		for k := 0; k < size; k++ {
			y := k
			if up {
				y = size - 1 - k
			}
			for _, c := range [2]int{x, x - 1} {
				if !isFunction(y, c) {
					out = append(out, [2]int{y, c})
				}
			}
		}
		up = !up
	}
	return out
}
