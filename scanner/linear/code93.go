package linear

import "github.com/scannerd/scannerd/scanner/internal/scrub"

// Code 93 (AIM USS Code 93): characters of three bars and three spaces, 9
// modules; "*" starts and stops, the stop followed by a one-module
// termination bar. Two check characters, C and K, end the data. The
// characters a–d are the shifts of its full ASCII mode.
const code93Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%abcd*"

var code93Patterns = modulesOf(
	"131112", "111213", "111312", "111411", "121113", "121212", "121311", "111114", "131211", "141111",
	"211113", "211212", "211311", "221112", "221211", "231111", "112113", "112212", "112311", "122112",
	"132111", "111123", "111222", "111321", "121122", "131121", "212112", "212211", "211122", "211221",
	"221121", "222111", "112122", "112221", "122121", "123111", "121131", "311112", "311211", "321111",
	"112131", "113121", "211131", "121221", "312111", "311121", "122211", "111141",
)

const code93Star = 47

var code93Edges = newEdgeTable(9, code93Patterns)

func code93Char(runs []int, i int) int {
	var buf [5]float64
	e := edges(runs[i:i+6], 9, buf[:])
	if v := code93Edges.lookup(e[:4]); v >= 0 {
		return v
	}
	best, d, second := bestEdgeMatch(e[:4], code93Patterns)
	if d > 1.5 || second-d < 0.5 {
		return -1
	}
	return best
}

func (r *Reader) readCode93(runs []int, k int) (Symbol, bool) {
	if k+6 >= len(runs) {
		return Symbol{}, false
	}
	// Tried on every bar after a quiet zone: "*" only, whose edge
	// distances are 2, 2, 2 and 5 modules, taken within a module of them:
	// in integers first, a tenth of a module wider, which most bars fail.
	w := runs[k : k+6]
	s := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]
	if 90*(w[3]+w[4]) < 39*s || 90*(w[0]+w[1]) > 31*s || 90*(w[1]+w[2]) > 31*s || 90*(w[2]+w[3]) > 31*s {
		return Symbol{}, false
	}
	var buf [5]float64
	if e := edges(runs[k:k+6], 9, buf[:]); code93Edges.lookup(e[:4]) != code93Star && edgeMatch(e[:4], code93Patterns[code93Star]) > 1 {
		return Symbol{}, false
	}
	startWidth := sum(runs[k : k+6])
	if !quietBefore(runs, k, float64(startWidth)/2) {
		return Symbol{}, false
	}
	vals := r.values[:0]
	defer func() { r.values = scrub.Kept(r.values, vals) }()
	for i := k + 6; i+7 <= len(runs); i += 6 {
		width := sum(runs[i : i+6])
		if 2*width < startWidth || width > 2*startWidth {
			break
		}
		c := code93Char(runs, i)
		if c < 0 {
			break
		}
		if c != code93Star {
			vals = append(vals, c)
			continue
		}
		last := i + 6
		bar := float64(runs[last]) * 9 / float64(width)
		if bar < 0.4 || bar > 2 || !quietAfter(runs, last, float64(width)/2) {
			break
		}
		text, ok := code93Text(vals)
		if !ok {
			break
		}
		return Symbol{Format: Code93, Text: text, ID: "]G0", First: k, Last: last}, true
	}
	return Symbol{}, false
}

// code93Text checks the check characters C and K that end vals and
// decodes the data before them, full ASCII shifts included.
func code93Text(vals []int) (string, bool) {
	n := len(vals)
	if n < 3 || !code93CheckOK(vals[:n-1], 20) || !code93CheckOK(vals, 15) {
		return "", false
	}
	out := make([]byte, 0, n-2)
	for i := 0; i < n-2; i++ {
		c := code93Chars[vals[i]]
		if c < 'a' || c > 'd' {
			out = append(out, c)
			continue
		}
		if i+1 >= n-2 {
			return "", false
		}
		i++
		v, ok := fullASCII("$%/+"[c-'a'], code93Chars[vals[i]])
		if !ok {
			return "", false
		}
		out = append(out, v)
	}
	return string(out), len(out) > 0
}

// code93CheckOK checks the last value of vals against the weighted sum of
// those before it, weights 1 to maxWeight counted from the right.
func code93CheckOK(vals []int, maxWeight int) bool {
	n := len(vals)
	s := 0
	for i := n - 2; i >= 0; i-- {
		s += vals[i] * ((n-2-i)%maxWeight + 1)
	}
	return s%47 == vals[n-1]
}

// fullASCII decodes a pair of the full ASCII table that Code 39 and
// Code 93 share (ISO/IEC 16388 annex): a shift ($, %, / or +) and an
// upper-case letter or digit.
func fullASCII(shift, c byte) (byte, bool) {
	switch shift {
	case '+':
		if c >= 'A' && c <= 'Z' {
			return c + 32, true // a–z
		}
	case '$':
		if c >= 'A' && c <= 'Z' {
			return c - 64, true // SOH–SUB
		}
	case '%':
		switch {
		case c >= 'A' && c <= 'E':
			return c - 38, true // ESC FS GS RS US
		case c >= 'F' && c <= 'J':
			return c - 11, true // ; < = > ?
		case c >= 'K' && c <= 'O':
			return c + 16, true // [ \ ] ^ _
		case c >= 'P' && c <= 'T':
			return c + 43, true // { | } ~ DEL
		case c == 'U':
			return 0, true
		case c == 'V':
			return '@', true
		case c == 'W':
			return '`', true
		case c >= 'X' && c <= 'Z':
			return 127, true
		}
	case '/':
		switch {
		case c >= 'A' && c <= 'O':
			return c - 32, true // ! " # $ % & ' ( ) * + , - . /
		case c == 'Z':
			return ':', true
		}
	}
	return 0, false
}
