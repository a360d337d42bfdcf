package postal

import (
	"math/big"
	"math/bits"
	"strings"
)

// The USPS Intelligent Mail barcode (USPS-B-3200): 65 bars carry ten
// 13-bit characters, each bar's ascender and descender one bit of one
// character. Each character is a codeword looked up in the table of the
// 13-bit values with five bits set (codewords 0 to 1286) or two (1287 to
// 1364), inverted when its bit of the 11-bit frame check sequence is set.
// The codewords are the digits of the binary data in a mixed radix (659,
// 1365 eight times, 636); codeword J is doubled (it tells the orientation)
// and A carries the sequence's eleventh bit. The data are the 20-digit
// tracking code and a routing code of 0, 5, 9 or 11 digits; the text is
// the tracking code followed by the routing code.

// imbBars gives, for each bar, the character and bit of its descender,
// then of its ascender: the bar-to-character table of USPS-B-3200.
var imbBars = [65][4]uint8{
	{7, 2, 4, 3}, {1, 10, 0, 0}, {9, 12, 2, 8}, {5, 5, 6, 11}, {8, 9, 3, 1},
	{0, 1, 5, 12}, {2, 5, 1, 8}, {4, 4, 9, 11}, {6, 3, 8, 10}, {3, 9, 7, 6},
	{5, 11, 1, 4}, {8, 5, 2, 12}, {9, 10, 0, 2}, {7, 1, 6, 7}, {3, 6, 4, 9},
	{0, 3, 8, 6}, {6, 4, 2, 7}, {1, 1, 9, 9}, {7, 10, 5, 2}, {4, 0, 3, 8},
	{6, 2, 0, 4}, {8, 11, 1, 0}, {9, 8, 3, 12}, {2, 6, 7, 7}, {5, 1, 4, 10},
	{1, 12, 6, 9}, {7, 3, 8, 0}, {5, 8, 9, 7}, {4, 6, 2, 10}, {3, 4, 0, 5},
	{8, 4, 5, 7}, {7, 11, 1, 9}, {6, 0, 9, 6}, {0, 6, 4, 8}, {2, 1, 3, 2},
	{5, 9, 8, 12}, {4, 11, 6, 1}, {9, 5, 7, 4}, {3, 3, 1, 2}, {0, 7, 2, 0},
	{1, 3, 4, 1}, {6, 10, 3, 5}, {8, 7, 9, 4}, {2, 11, 5, 6}, {0, 8, 7, 12},
	{4, 2, 8, 1}, {5, 10, 3, 0}, {9, 3, 0, 9}, {6, 5, 2, 4}, {7, 8, 1, 7},
	{5, 0, 4, 5}, {2, 3, 0, 10}, {6, 12, 9, 2}, {3, 11, 1, 6}, {8, 8, 7, 9},
	{5, 4, 0, 11}, {1, 5, 2, 2}, {9, 1, 4, 12}, {8, 3, 6, 6}, {7, 0, 3, 7},
	{4, 7, 7, 5}, {0, 12, 1, 11}, {2, 9, 9, 0}, {6, 8, 5, 3}, {3, 10, 8, 2},
}

// imbCodewords maps each 13-bit character to its codeword plus one (0
// for none), from the tables of the specification's generation rule: the
// values with n bits set in ascending order, each with its bit reversal
// beside it, the palindromes at the table's end.
var imbCodewords = func() (t [1 << 13]uint16) {
	next := 0
	for _, n := range []int{5, 2} {
		size := 1287
		if n == 2 {
			size = 78
		}
		lo, hi := 0, size-1
		for c := 0; c < 1<<13; c++ {
			if bits.OnesCount(uint(c)) != n {
				continue
			}
			r := int(bits.Reverse16(uint16(c)) >> 3)
			switch {
			case r < c:
			case r == c:
				t[c] = uint16(next + hi + 1)
				hi--
			default:
				t[c] = uint16(next + lo + 1)
				t[r] = uint16(next + lo + 2)
				lo += 2
			}
		}
		next += size
	}
	return t
}()

// readIMB decodes 65 bars as an Intelligent Mail barcode.
func readIMB(st states) (string, bool) {
	if len(st) != 65 {
		return "", false
	}
	var chars [10]int
	for k, s := range st {
		b := imbBars[k]
		if s&2 != 0 {
			chars[b[0]] |= 1 << b[1]
		}
		if s&1 != 0 {
			chars[b[2]] |= 1 << b[3]
		}
	}
	var cw [10]int
	fcs := 0
	for i, c := range chars {
		if n := bits.OnesCount(uint(c)); n == 8 || n == 11 {
			c ^= 0x1fff
			fcs |= 1 << i
		}
		v := int(imbCodewords[c]) - 1
		if v < 0 {
			return "", false
		}
		cw[i] = v
	}
	if cw[9]%2 != 0 || cw[9] >= 2*636 {
		return "", false // read upside down, or no IMb
	}
	cw[9] /= 2
	if cw[0] >= 659 {
		cw[0] -= 659
		fcs |= 1 << 10
	}
	if cw[0] >= 659 {
		return "", false
	}
	data := big.NewInt(int64(cw[0]))
	for _, c := range cw[1:9] {
		data.Mul(data, big.NewInt(1365)).Add(data, big.NewInt(int64(c)))
	}
	data.Mul(data, big.NewInt(636)).Add(data, big.NewInt(int64(cw[9])))
	if imbCRC(data) != fcs {
		return "", false
	}
	return imbText(data)
}

// imbCRC is the frame check sequence of the data: CRC-11, polynomial
// 0xF35, initial value 0x7FF, over the 102 bits of the data (13 bytes, the
// first two bits left out), most significant first.
func imbCRC(data *big.Int) int {
	var b [13]byte
	data.FillBytes(b[:])
	const poly = 0x0f35
	fcs := 0x07ff
	step := func(bit int) {
		if (fcs>>10)^bit != 0 {
			fcs = (fcs<<1 ^ poly) & 0x7ff
		} else {
			fcs = fcs << 1 & 0x7ff
		}
	}
	for k := 5; k >= 0; k-- {
		step(int(b[0]>>k) & 1)
	}
	for _, by := range b[1:] {
		for k := 7; k >= 0; k-- {
			step(int(by>>k) & 1)
		}
	}
	return fcs
}

// imbText unpacks the data: 18 tracking digits from the least significant
// end, the second tracking digit (0 to 4), the first, then the routing
// code, whose range tells its length.
func imbText(data *big.Int) (string, bool) {
	var tracking [20]byte
	d := new(big.Int).Set(data)
	m := new(big.Int)
	for i := 19; i >= 2; i-- {
		d.DivMod(d, big.NewInt(10), m)
		tracking[i] = byte('0' + m.Int64())
	}
	d.DivMod(d, big.NewInt(5), m)
	tracking[1] = byte('0' + m.Int64())
	d.DivMod(d, big.NewInt(10), m)
	tracking[0] = byte('0' + m.Int64())
	if !d.IsUint64() {
		return "", false
	}
	var routing string
	switch r := d.Uint64(); {
	case r == 0:
	case r <= 100000:
		routing = pad(r-1, 5)
	case r <= 1000100000:
		routing = pad(r-100001, 9)
	case r <= 100001000100000:
		routing = pad(r-1000100001, 11)
	default:
		return "", false
	}
	return string(tracking[:]) + routing, true
}

// pad writes v in n digits.
func pad(v uint64, n int) string {
	s := big.NewInt(0).SetUint64(v).String()
	return strings.Repeat("0", max(0, n-len(s))) + s
}
