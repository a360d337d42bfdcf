package linear

import "github.com/scannerd/scannerd/scanner/internal/scrub"

// Code 128 (ISO/IEC 15417): characters of three bars and three spaces, 11
// modules; values 103 to 105 are the start characters A, B and C, and the
// stop character has a seventh element, a final bar of two modules.
var code128Patterns = modulesOf(
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "233111",
)

const (
	c128FNC3   = 96
	c128FNC2   = 97
	c128Shift  = 98
	c128CodeC  = 99
	c128CodeB  = 100 // FNC4 in set B
	c128CodeA  = 101 // FNC4 in set A
	c128FNC1   = 102
	c128StartA = 103
	c128StartC = 105
	c128Stop   = 106
)

var code128Edges = newEdgeTable(11, code128Patterns)

// code128Char classifies the six elements at runs[i:] as a character
// value, or -1: the one its rounded edge distances name or, when they
// name none, the pattern nearest, when clearly nearer than any other.
func code128Char(runs []int, i int) int {
	var buf [5]float64
	e := edges(runs[i:i+6], 11, buf[:])
	if v := code128Edges.lookup(e[:4]); v >= 0 {
		return v
	}
	best, d, second := bestEdgeMatch(e[:4], code128Patterns)
	if d > 1.5 || second-d < 0.5 {
		return -1
	}
	return best
}

// code128Start classifies the six elements at runs[i:] as a start
// character, or -1. It is tried on every bar after a quiet zone, so it
// looks at the three start characters only.
func code128Start(runs []int, i int) int {
	// Every start character has the edge distances 3 and 2 modules
	// first, and is taken within a module of them: in integers first, a
	// tenth of a module wider, which most bars fail.
	w := runs[i : i+6]
	s := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]
	if e0, e1 := 110*(w[0]+w[1]), 110*(w[1]+w[2]); e0 < 19*s || e0 > 41*s || e1 < 9*s || e1 > 31*s {
		return -1
	}
	var buf [5]float64
	e := edges(runs[i:i+6], 11, buf[:])
	if v := code128Edges.lookup(e[:4]); v >= c128StartA && v <= c128StartC {
		return v
	}
	for v := c128StartA; v <= c128StartC; v++ {
		if edgeMatch(e[:4], code128Patterns[v]) <= 1 {
			return v
		}
	}
	return -1
}

func (r *Reader) readCode128(runs []int, k int) (Symbol, bool) {
	if k+6 >= len(runs) {
		return Symbol{}, false
	}
	start := code128Start(runs, k)
	if start < 0 || !quietBefore(runs, k, float64(sum(runs[k:k+6]))/2) {
		return Symbol{}, false
	}
	prevWidth := sum(runs[k : k+6])
	vals := append(r.values[:0], start)
	for i := k + 6; i+6 < len(runs); i += 6 {
		width := sum(runs[i : i+6])
		// A character much wider or narrower than the one before is not
		// part of the symbol.
		if 10*width < 7*prevWidth || 7*width > 10*prevWidth {
			break
		}
		prevWidth = width
		v := code128Char(runs, i)
		if v < 0 || v >= c128StartA && v <= c128StartC {
			break
		}
		if v != c128Stop {
			vals = append(vals, v)
			continue
		}
		r.values = scrub.Kept(r.values, vals)
		// The final bar, two modules of the stop's thirteen, then
		// whitespace at least half the stop's width.
		last := i + 6
		bar := float64(runs[last]) * 11 / float64(width)
		if bar < 1 || bar > 3.5 || !quietAfter(runs, last, float64(width)/2) {
			return Symbol{}, false
		}
		text, id, ok := r.code128Text(vals)
		if !ok {
			return Symbol{}, false
		}
		return Symbol{Format: Code128, Text: text, ID: id, First: k, Last: last}, true
	}
	r.values = scrub.Kept(r.values, vals)
	return Symbol{}, false
}

// code128Text checks the check character of vals (start, data…, check)
// and decodes the data in the code sets A, B and C.
func (r *Reader) code128Text(vals []int) (text, id string, ok bool) {
	n := len(vals)
	if n < 3 {
		return "", "", false
	}
	check := vals[0]
	for i := 1; i < n-1; i++ {
		check += i * vals[i]
	}
	if check%103 != vals[n-1] {
		return "", "", false
	}
	out := r.text[:0]
	set := vals[0] - c128StartA // 0 A, 1 B, 2 C
	modifier := 0
	// FNC4 adds 128 to the next character, or to all of them while it is
	// latched (two FNC4 in a row).
	fnc4Once, fnc4Latched := false, false
	emit := func(c int) {
		if fnc4Once != fnc4Latched {
			c += 128
		}
		fnc4Once = false
		if c < 0x80 {
			out = append(out, byte(c))
		} else {
			out = append(out, byte(0xc0|c>>6), byte(0x80|c&0x3f)) // U+0080–U+00FF
		}
	}
	shift := false
	for i := 1; i < n-1; i++ {
		v := vals[i]
		cur := set
		if shift {
			cur = 1 - set // A and B only
			shift = false
		}
		if cur == 2 {
			switch {
			case v < 100:
				out = append(out, byte('0'+v/10), byte('0'+v%10))
			case v == c128CodeB:
				set = 1
			case v == c128CodeA:
				set = 0
			case v == c128FNC1:
				modifier, out = fnc1(modifier, i, out)
			}
			continue
		}
		switch v {
		case c128FNC1:
			modifier, out = fnc1(modifier, i, out)
		case c128FNC2:
			if modifier == 0 {
				modifier = 4
			}
		case c128FNC3:
		case c128Shift:
			shift = true
		case c128CodeC:
			set = 2
		case c128CodeB, c128CodeA:
			if v == c128CodeB && cur == 1 || v == c128CodeA && cur == 0 {
				// FNC4 in its own set: twice in a row latches.
				if fnc4Once {
					fnc4Latched, fnc4Once = !fnc4Latched, false
				} else {
					fnc4Once = true
				}
			} else {
				set = int(c128CodeA - v) // CODE A → 0, CODE B → 1
			}
		default:
			switch {
			case cur == 1:
				emit(v + ' ')
			case v < 64:
				emit(v + ' ')
			default:
				emit(v - 64)
			}
		}
	}
	r.text = scrub.Kept(r.text, out)
	if len(out) == 0 {
		return "", "", false
	}
	return string(out), code128IDs[modifier], true
}

// code128IDs are the symbology identifiers by modifier: plain, GS1-128,
// AIM application, and FNC2 (message append).
var code128IDs = [...]string{"]C0", "]C1", "]C2", "]C3", "]C4"}

// fnc1 applies FNC1 at data position i: in the first position it marks
// GS1-128 (symbology identifier ]C1), in the second AIM's application
// form (]C2); anywhere else it separates fields, as GS (0x1D).
func fnc1(modifier, i int, out []byte) (int, []byte) {
	switch {
	case i == 1:
		return 1, out
	case i == 2 && modifier == 0:
		return 2, out
	}
	return modifier, append(out, 0x1d)
}
