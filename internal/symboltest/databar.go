package symboltest

import (
	"errors"
	"fmt"

	"github.com/makiuchi-d/gozxing"
)

// GS1 DataBar Omnidirectional (RSS-14) encoding for tests, ISO/IEC 24724
// §5: the 13 digits of a GTIN-14 before its check digit become a number,
// split into four data characters (two outside of 16 modules, two inside
// of 15), each an odd and an even set of four element widths; a checksum
// over all the widths picks the two finder patterns. The symbol is 96
// modules: guard, character 1, left finder, character 2 (reversed),
// character 4, right finder (reversed), character 3 (reversed), guard.

// ErrDataBarInput: the text is not 13 digits or a 14-digit GTIN with a
// correct check digit.
var ErrDataBarInput = errors.New("databar: want 13 digits or a 14-digit GTIN")

// DataBarWriter is a gozxing.Writer for GS1 DataBar Omnidirectional. It
// returns one row of 96 modules, one pixel each.
type DataBarWriter struct{}

var _ gozxing.Writer = DataBarWriter{}

func (DataBarWriter) EncodeWithoutHint(contents string, format gozxing.BarcodeFormat, width, height int) (*gozxing.BitMatrix, error) {
	return DataBarWriter{}.Encode(contents, format, width, height, nil)
}

func (DataBarWriter) Encode(contents string, format gozxing.BarcodeFormat, width, height int, _ map[gozxing.EncodeHintType]interface{}) (*gozxing.BitMatrix, error) {
	if format != gozxing.BarcodeFormat_RSS_14 {
		return nil, fmt.Errorf("databar: cannot write %v", format)
	}
	widths, err := DataBarWidths(contents)
	if err != nil {
		return nil, err
	}
	m, _ := gozxing.NewBitMatrix(96, 1)
	x := 0
	for i, w := range widths {
		if i%2 == 1 { // elements alternate space, bar, starting with a space
			m.SetRegion(x, 0, w, 1)
		}
		x += w
	}
	return m, nil
}

// Character groups (ISO/IEC 24724 Tables 3 and 4): the value range each
// group starts at, its number of odd-set combinations (outside characters
// store value = odd·T + even, inside ones value = even·T + odd, T being
// this count for the set stored in the low part), the modules of the odd
// and even sets, and the widest element each may have.
type dataBarGroup struct {
	gsum, t             int
	oddModules, evenMod int
	oddWidest, evenWide int
}

var outsideGroups = [...]dataBarGroup{
	{0, 1, 12, 4, 8, 1},
	{161, 10, 10, 6, 6, 3},
	{961, 34, 8, 8, 4, 5},
	{2015, 70, 6, 10, 3, 6},
	{2715, 126, 4, 12, 1, 8},
}

var insideGroups = [...]dataBarGroup{
	{0, 4, 5, 10, 2, 7},
	{336, 20, 7, 8, 4, 5},
	{1036, 48, 9, 6, 6, 3},
	{1516, 81, 11, 4, 8, 1},
}

// dataBarFinders are the nine finder patterns' five element widths
// (Table 6), as read from the left.
var dataBarFinders = [9][5]int{
	{3, 8, 2, 1, 1}, {3, 5, 5, 1, 1}, {3, 3, 7, 1, 1}, {3, 1, 9, 1, 1},
	{2, 7, 4, 1, 1}, {2, 5, 6, 1, 1}, {2, 3, 8, 1, 1}, {1, 5, 7, 1, 1},
	{1, 3, 9, 1, 1},
}

// DataBarGroup describes the group of character values a character falls
// in: the value the group starts at, the number of values of the set kept
// in the low part (the even set outside, the odd set inside), and the
// widest element of each set.
type DataBarGroup struct {
	Start, Count          int
	OddWidest, EvenWidest int
}

// DataBarCharacter returns the odd and even element widths of a data
// character (0…2840 outside, 0…1596 inside) and its group.
func DataBarCharacter(value int, outside bool) (odd, even [4]int, g DataBarGroup) {
	var x dataBarGroup
	if outside {
		for _, y := range outsideGroups {
			if value >= y.gsum {
				x = y
			}
		}
	} else {
		for _, y := range insideGroups {
			if value >= y.gsum {
				x = y
			}
		}
	}
	rest := value - x.gsum
	var vOdd, vEven int
	if outside {
		vOdd, vEven = rest/x.t, rest%x.t
	} else {
		vOdd, vEven = rest%x.t, rest/x.t
	}
	// Outside characters' even sets and inside ones' odd sets must have
	// an element of width one.
	odd = rssWidths(vOdd, x.oddModules, x.oddWidest, !outside)
	even = rssWidths(vEven, x.evenMod, x.evenWide, outside)
	return odd, even, DataBarGroup{Start: x.gsum, Count: x.t, OddWidest: x.oddWidest, EvenWidest: x.evenWide}
}

// DataBarWidths returns the 46 element widths of the symbol for text, the
// first a space.
func DataBarWidths(text string) ([]int, error) {
	digits, err := gtin13(text)
	if err != nil {
		return nil, err
	}
	var v int64
	for _, d := range digits {
		v = v*10 + int64(d)
	}
	left, right := v/4537077, v%4537077
	values := [4]int{int(left / 1597), int(left % 1597), int(right / 1597), int(right % 1597)}
	var chars [4][8]int // element widths of characters 1…4, in their own order
	for c, value := range values {
		odd, even, _ := DataBarCharacter(value, c%2 == 0)
		for k := 0; k < 4; k++ {
			chars[c][2*k] = odd[k]
			chars[c][2*k+1] = even[k]
		}
	}
	// The checksum weights the elements by powers of 3, character c's
	// series starting at 4^c (Table 5), modulo 79.
	sum := 0
	for c, weight := range [4]int{1, 4, 16, 64} { // 4^c
		for i := 0; i < 8; i++ {
			sum += chars[c][i] * weight
			weight = weight * 3 % 79
		}
	}
	sum %= 79
	// The 79 checksum values map onto 81 pairs of finders, skipping
	// two: from 8 on one further, from 72 on two.
	if sum >= 8 {
		sum++
	}
	if sum >= 72 {
		sum++
	}
	lf, rf := sum/9, sum%9

	out := make([]int, 0, 46)
	out = append(out, 1, 1)
	out = append(out, chars[0][:]...)
	out = append(out, dataBarFinders[lf][:]...)
	for i := 7; i >= 0; i-- {
		out = append(out, chars[1][i])
	}
	out = append(out, chars[3][:]...)
	for i := 4; i >= 0; i-- {
		out = append(out, dataBarFinders[rf][i])
	}
	for i := 7; i >= 0; i-- {
		out = append(out, chars[2][i])
	}
	out = append(out, 1, 1)
	return out, nil
}

// gtin13 returns the 13 digits before the check digit.
func gtin13(text string) ([]int, error) {
	if len(text) != 13 && len(text) != 14 {
		return nil, fmt.Errorf("%w: %q", ErrDataBarInput, text)
	}
	d := make([]int, len(text))
	for i, r := range text {
		if r < '0' || r > '9' {
			return nil, fmt.Errorf("%w: %q", ErrDataBarInput, text)
		}
		d[i] = int(r - '0')
	}
	if len(d) == 14 && gtinCheck(d[:13]) != d[13] {
		return nil, fmt.Errorf("%w: %q has a wrong check digit", ErrDataBarInput, text)
	}
	return d[:13], nil
}

// gtinCheck is the GS1 mod-10 check digit: weights 3 and 1 from the right.
func gtinCheck(d []int) int {
	s := 0
	for i := range d {
		w := 1
		if (len(d)-i)%2 == 1 {
			w = 3
		}
		s += w * d[i]
	}
	return (10 - s%10) % 10
}

// rssWidths returns the widths of the four elements that hold value in n
// modules, none wider than widest, and with needNarrow at least one of
// width one (the combinatorial numbering of ISO/IEC 24724 Annex
// B, inverted: widths are chosen left to right, each the smallest whose
// block of combinations still reaches value).
func rssWidths(value, n, widest int, needNarrow bool) [4]int {
	const elements = 4
	var widths [4]int
	narrowMask := 0
	bar := 0
	for ; bar < elements-1; bar++ {
		var sub int
		w := 1
		narrowMask |= 1 << bar
		for ; ; w++ {
			sub = combinations(n-w-1, elements-bar-2)
			if needNarrow && narrowMask == 0 && n-w-(elements-bar-1) >= elements-bar-1 {
				sub -= combinations(n-w-(elements-bar), elements-bar-2)
			}
			if elements-bar-1 > 1 {
				less := 0
				for mx := n - w - (elements - bar - 2); mx > widest; mx-- {
					less += combinations(n-w-mx-1, elements-bar-3)
				}
				sub -= less * (elements - 1 - bar)
			} else if n-w > widest {
				sub--
			}
			value -= sub
			if value < 0 {
				break
			}
			narrowMask &^= 1 << bar
		}
		value += sub
		n -= w
		widths[bar] = w
	}
	widths[bar] = n
	return widths
}

// combinations is n choose r.
func combinations(n, r int) int {
	if r < 0 || n < r {
		return 0
	}
	if r > n-r {
		r = n - r
	}
	c := 1
	for i := 1; i <= r; i++ {
		c = c * (n - r + i) / i
	}
	return c
}
