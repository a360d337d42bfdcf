// Package telepen reads Telepen, the code of UK library books and
// tickets. A symbol is a stream of bits, each character its seven-bit
// ASCII code and an even parity bit, least significant first, between the
// start character "_" and the stop character "z", with a check character
// before the stop (the data's sum plus it is a multiple of 127). Bars and
// spaces are one or three modules: a narrow bar and narrow space carry a
// 1, a wide bar and narrow space 00, a wide bar and wide space 010, and a
// narrow bar and wide space open and close a block 01…10 of 1s between.
//
// In numeric mode each character carries two digits (its value minus 27)
// or one digit and an X (minus 17); the DLE character switches between
// the modes. Nothing in the symbol says which mode it starts in, so Text
// takes it as a reader setting.
package telepen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scannerd/scannerd/scanner/internal/bars"
)

const (
	startChar = '_'
	stopChar  = 0x7a // 'z'
	dle       = 0x10
	maxChars  = 64
)

// MayStartAt is DecodeAt's first test, small enough to be made inline
// at every bar of every row: the start character fits in the line, and
// its wide bar and space come after five narrow pairs.
func MayStartAt(runs []int, i int) bool {
	if i+12 >= len(runs) {
		return false
	}
	wb, ws := runs[i+10], runs[i+11]
	return 2*wb >= 3*max(runs[i], runs[i+8])+2 && 2*ws >= 3*max(runs[i+1], runs[i+9])+2
}

// DecodeAt reads a Telepen symbol whose start character begins with dark
// run i: five narrow bar and space pairs, then a wide bar and a wide
// space. Its text is the data characters as they are (ASCII mode); Text
// turns them into the text a reader setting asks for.
func DecodeAt(runs []int, i int) (bars.Symbol, bool) {
	if !MayStartAt(runs, i) {
		return bars.Symbol{}, false
	}
	var narrow, wide [2]float64 // bars, spaces
	for k := range 10 {
		narrow[k%2] += float64(runs[i+k]) / 5
	}
	wide[0], wide[1] = float64(runs[i+10]), float64(runs[i+11])
	for k := range 2 {
		if wide[k] < 1.8*narrow[k] || wide[k] > 5*narrow[k] {
			return bars.Symbol{}, false
		}
	}
	module := (narrow[0] + narrow[1]) / 2
	if !bars.QuietOrEdge(runs, i-1, 5*module) {
		return bars.Symbol{}, false
	}
	var bits bitStream
	inBlock := false
	for j := i; j < len(runs); j += 2 {
		bar := float64(runs[j])
		if !fits(bar, narrow[0], wide[0]) {
			return bars.Symbol{}, false
		}
		wideBar := bar > (narrow[0]+wide[0])/2
		// The last bar is followed by the quiet zone, which stands for
		// the narrow space of the stop character's last pair.
		last := j+1 >= len(runs) || bars.QuietOrEdge(runs, j+1, 5*module)
		wideSpace := false
		if !last {
			space := float64(runs[j+1])
			if !fits(space, narrow[1], wide[1]) {
				return bars.Symbol{}, false
			}
			wideSpace = space > (narrow[1]+wide[1])/2
		}
		switch {
		case !wideBar && !wideSpace:
			bits.add(1, 1)
		case inBlock && !wideBar && wideSpace:
			bits.add(0b01, 2) // "10", least significant first
			inBlock = false
		case inBlock:
			return bars.Symbol{}, false
		case wideBar && !wideSpace:
			bits.add(0b00, 2)
		case wideBar && wideSpace:
			bits.add(0b010, 3)
		default: // narrow bar, wide space
			bits.add(0b10, 2) // "01"
			inBlock = true
		}
		if bits.n > 8*(maxChars+3) {
			return bars.Symbol{}, false
		}
		if last {
			if inBlock {
				return bars.Symbol{}, false
			}
			return symbol(&bits, i, j)
		}
	}
	return bars.Symbol{}, false
}

// fits reports whether an element is about narrow or about wide.
func fits(w, narrow, wide float64) bool {
	return w >= narrow*0.4 && w <= wide*1.6
}

// bitStream collects bits in the order they are read.
type bitStream struct {
	b [maxChars + 4]byte
	n int
}

// add appends the count low bits of v, least significant first.
func (s *bitStream) add(v uint8, count int) {
	for k := range count {
		if s.n/8 < len(s.b) && v>>k&1 == 1 {
			s.b[s.n/8] |= 1 << (s.n % 8)
		}
		s.n++
	}
}

// symbol checks the characters read (start, data, check, stop; each of
// even parity) and returns the data.
func symbol(bits *bitStream, first, last int) (bars.Symbol, bool) {
	if bits.n%8 != 0 || bits.n < 4*8 {
		return bars.Symbol{}, false
	}
	chars := bits.b[:bits.n/8]
	sum := 0
	for _, c := range chars {
		if parity(c) {
			return bars.Symbol{}, false
		}
	}
	for k := range chars {
		chars[k] &= 0x7f
	}
	n := len(chars)
	if chars[0] != startChar || chars[n-1] != stopChar {
		return bars.Symbol{}, false
	}
	for _, c := range chars[1 : n-1] {
		sum += int(c)
	}
	if sum%127 != 0 {
		return bars.Symbol{}, false
	}
	return bars.Symbol{Text: string(chars[1 : n-2]), ID: "]B0", First: first, Last: last}, true
}

// parity reports whether c has an odd number of set bits.
func parity(c byte) bool {
	c ^= c >> 4
	c ^= c >> 2
	c ^= c >> 1
	return c&1 == 1
}

// ErrBadNumeric: characters that numeric mode gives no digits for.
var ErrBadNumeric = errors.New("telepen: not numeric")

// Text returns the text of a symbol's data characters, read as ASCII
// first (numeric false) or as digits first (numeric true); a DLE switches
// modes. It fails when numeric mode meets a character that carries no
// digits.
func Text(data string, numeric bool) (string, error) {
	if !numeric && strings.IndexByte(data, dle) < 0 {
		return data, nil
	}
	var b strings.Builder
	for k := 0; k < len(data); k++ {
		c := data[k]
		switch {
		case c == dle:
			numeric = !numeric
		case !numeric:
			b.WriteByte(c)
		case c >= 27 && c <= 126:
			fmt.Fprintf(&b, "%02d", c-27)
		case c >= 17 && c < 27:
			b.WriteByte('0' + c - 17)
			b.WriteByte('X')
		default:
			return "", fmt.Errorf("%w: character %d", ErrBadNumeric, c)
		}
	}
	return b.String(), nil
}
