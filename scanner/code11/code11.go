// Package code11 reads Code 11 (USD-8), the numeric code of telecom
// equipment labels: digits and the dash, each character five elements
// (three bars, two spaces) of which one or two are wide, characters
// separated by a narrow space, between start and stop characters of the
// same pattern. One check character C (modulo 11, weights 1 to 10 from
// the right) or two, C and K (weights 1 to 9 over the data and C),
// usually follow the data.
//
// The text is reported as printed beneath the symbol, check characters
// included. A symbol must carry at least one check character that holds
// (texture and print beside a label imitate short symbols without one);
// the AIM identifier says how many held: "]H0" one, "]H1" two.
package code11

import "github.com/scannerd/scannerd/scanner/internal/bars"

// chars maps a character's five elements (bar first, most significant
// bit; set where wide) to its value plus one: 1 to 10 for the digits, 11
// for the dash; 0 marks no character.
var chars = [32]int8{
	0b00001: 1, 0b10001: 2, 0b01001: 3, 0b11000: 4, 0b00101: 5,
	0b10100: 6, 0b01100: 7, 0b00011: 8, 0b10010: 9, 0b10000: 10, 0b00100: 11,
}

// startStop is the pattern of the start and stop characters.
const startStop = 0b00110

// maxChars bounds a symbol's characters: rows of noise can make long
// runs of plausible elements, and no label prints more.
const maxChars = 64

// widths are the running estimates of narrow and wide bars and spaces,
// apart: blur and ink spread widen one and narrow the other.
type widths struct {
	narrow, wide [2]float64 // bars, spaces
}

// MayStartAt is DecodeAt's first test, small enough to be made inline at
// every bar of every row, in integers: the start character and a run
// after it fit in the line, and its wide bar is at least 1.2 times its
// narrow bars' mean, its wide space 1.2 times its narrow space (DecodeAt
// asks 1.3). It turns away only places where DecodeAt reads nothing.
func MayStartAt(runs []int, i int) bool {
	if i+5 >= len(runs) {
		return false
	}
	return 5*runs[i+2] >= 3*(runs[i]+runs[i+4]) && 5*runs[i+3] >= 6*runs[i+1]
}

// startFits is DecodeAt's next test, in integers too: the start's wide
// elements are at most 5 times its narrow ones, and the light run before
// it is a quiet zone of five modules, as decodeAt measures them, or the
// line's first run.
func startFits(runs []int, i int) bool {
	st := runs[i : i+5 : i+5]
	nb := st[0] + st[4] // twice the narrow bars' mean
	return 2*st[2] <= 5*nb && st[3] <= 5*st[1] && (i <= 1 || 4*runs[i-1] >= 5*(nb+2*st[1]))
}

// DecodeAt reads a Code 11 symbol whose start character begins with dark
// run i.
func DecodeAt(runs []int, i int) (bars.Symbol, bool) {
	if !MayStartAt(runs, i) || !startFits(runs, i) {
		return bars.Symbol{}, false
	}
	return decodeAt(runs, i)
}

// decodeAt is DecodeAt without its first test.
func decodeAt(runs []int, i int) (bars.Symbol, bool) {
	if i+5 >= len(runs) {
		return bars.Symbol{}, false
	}
	st := runs[i : i+5]
	// The start character is narrow bar, narrow space, wide bar, wide
	// space, narrow bar.
	var w widths
	w.narrow = [2]float64{float64(st[0]+st[4]) / 2, float64(st[1])}
	w.wide = [2]float64{float64(st[2]), float64(st[3])}
	for k := range 2 {
		if w.wide[k] < 1.3*w.narrow[k] || w.wide[k] > 5*w.narrow[k] {
			return bars.Symbol{}, false
		}
	}
	module := (w.narrow[0] + w.narrow[1]) / 2
	if !bars.QuietOrEdge(runs, i-1, 5*module) {
		return bars.Symbol{}, false
	}
	if p, ok := w.pattern(st); !ok || p != startStop {
		return bars.Symbol{}, false
	}
	var buf [maxChars]int
	vals := buf[:0]
	for j := i + 6; j+5 <= len(runs); j += 6 {
		if gap := float64(runs[j-1]); gap > (w.narrow[1]+w.wide[1])/2 {
			return bars.Symbol{}, false
		}
		p, ok := w.pattern(runs[j : j+5])
		if !ok {
			return bars.Symbol{}, false
		}
		if p == startStop {
			if len(vals) == 0 || !bars.QuietOrEdge(runs, j+5, 5*module) {
				return bars.Symbol{}, false
			}
			return symbol(vals, i, j+4)
		}
		v := int(chars[p]) - 1
		if v < 0 || len(vals) == maxChars {
			return bars.Symbol{}, false
		}
		vals = append(vals, v)
		w.track(runs[j:j+5], p)
	}
	return bars.Symbol{}, false
}

// pattern classifies five elements as narrow or wide against thresholds
// halfway between the two widths; an element far off both is no element
// of the symbol.
func (w *widths) pattern(ws []int) (uint8, bool) {
	var p uint8
	for k, x := range ws {
		n, wd := w.narrow[k%2], w.wide[k%2]
		fx := float64(x)
		if fx < n/2 || fx > 1.6*wd {
			return 0, false
		}
		p <<= 1
		if fx > (n+wd)/2 {
			p |= 1
		}
	}
	return p, true
}

// track blends a character's measured widths into the estimates, so they
// follow the print's growth or shrinkage along the symbol.
func (w *widths) track(ws []int, p uint8) {
	for k, x := range ws {
		if p>>(4-k)&1 == 1 {
			w.wide[k%2] = (3*w.wide[k%2] + float64(x)) / 4
		} else {
			w.narrow[k%2] = (3*w.narrow[k%2] + float64(x)) / 4
		}
	}
}

// symbol makes the text and identifier of the characters read.
func symbol(vals []int, first, last int) (bars.Symbol, bool) {
	text := make([]byte, len(vals))
	for k, v := range vals {
		text[k] = "0123456789-"[v]
	}
	var id string
	n := len(vals)
	switch {
	case n >= 3 && check(vals[:n-2], 10) == vals[n-2] && check(vals[:n-1], 9) == vals[n-1]:
		id = "]H1"
	case n >= 2 && check(vals[:n-1], 10) == vals[n-1]:
		id = "]H0"
	default:
		return bars.Symbol{}, false
	}
	return bars.Symbol{Text: string(text), ID: id, First: first, Last: last}, true
}

// check computes a check character over vals: their sum weighted 1, 2, …
// up to maxWeight and round again from the right, modulo 11.
func check(vals []int, maxWeight int) int {
	s := 0
	for k := range vals {
		s += vals[len(vals)-1-k] * (k%maxWeight + 1)
	}
	return s % 11
}
