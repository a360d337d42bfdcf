package symboltest

import (
	"fmt"
	"unicode/utf8"
)

// Aztec character modes (ISO/IEC 24778 Table 2). Upper, Lower, Mixed and
// Punct codes take 5 bits, Digit codes 4.
type aztecMode int

const (
	azUpper aztecMode = iota
	azLower
	azMixed
	azDigit
	azPunct
)

// Latch and shift codes.
const (
	azPS     = 0  // P/S in Upper, Lower, Mixed, Digit
	azLLfrU  = 28 // L/L from Upper
	azMLfrUL = 29 // M/L from Upper or Lower
	azDLfrUL = 30 // D/L from Upper or Lower
	azBS     = 31 // B/S from Upper, Lower, Mixed
	azLLfrM  = 28 // L/L from Mixed
	azULfrM  = 29 // U/L from Mixed
	azULfrD  = 14 // U/L from Digit
	azFLG    = 0  // FLG(n) in Punct
)

// aztecCode returns the code of byte c in mode m, or −1.
func aztecCode(m aztecMode, c byte) int {
	switch m {
	case azUpper:
		switch {
		case c == ' ':
			return 1
		case c >= 'A' && c <= 'Z':
			return int(c-'A') + 2
		}
	case azLower:
		switch {
		case c == ' ':
			return 1
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 2
		}
	case azMixed:
		switch {
		case c == ' ':
			return 1
		case c >= 1 && c <= 13:
			return int(c) + 1
		case c >= 27 && c <= 31:
			return int(c-27) + 15
		}
		for i, x := range []byte("@\\^_`|~\x7f") {
			if c == x {
				return 20 + i
			}
		}
	case azDigit:
		switch {
		case c == ' ':
			return 1
		case c >= '0' && c <= '9':
			return int(c-'0') + 2
		case c == ',':
			return 12
		case c == '.':
			return 13
		}
	case azPunct:
		if c == '\r' {
			return 1
		}
		for i, x := range []byte("!\"#$%&'()*+,-./:;<=>?[]{}") {
			if c == x {
				return 6 + i
			}
		}
	}
	return -1
}

func (m aztecMode) bits() int {
	if m == azDigit {
		return 4
	}
	return 5
}

// aztecBits encodes text into the bit stream of an Aztec symbol: runs of
// characters of one mode are latched to, single punctuation marks are
// shifted to, and bytes no mode has go behind binary shifts.
func aztecBits(text string) ([]bool, error) {
	var data []byte
	var out bitWriter
	latin := true
	for _, r := range text {
		if r > 0xFF {
			latin = false
		}
	}
	if latin {
		for _, r := range text {
			data = append(data, byte(r))
		}
	} else {
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("aztec: text is not valid UTF-8")
		}
		// ECI 000026 (UTF-8): P/S FLG(2) '2' '6'.
		out.add(azPS, 5)
		out.add(azFLG, 5)
		out.add(2, 3)
		out.add(2+2, 4)
		out.add(6+2, 4)
		data = []byte(text)
	}
	mode := azUpper
	for i := 0; i < len(data); {
		c := data[i]
		if code := aztecCode(mode, c); code >= 0 {
			out.add(code, mode.bits())
			i++
			continue
		}
		if code := aztecCode(azPunct, c); code >= 0 {
			out.add(azPS, mode.bits())
			out.add(code, 5)
			i++
			continue
		}
		if to, ok := modeOf(c); ok {
			mode = latch(&out, mode, to)
			continue
		}
		// Binary shift: the run of bytes until one a mode has.
		j := i
		for j < len(data) && j-i < 2047+31 {
			if _, ok := modeOf(data[j]); ok || aztecCode(azPunct, data[j]) >= 0 {
				break
			}
			j++
		}
		if mode == azDigit {
			mode = latch(&out, mode, azUpper)
		}
		out.add(azBS, 5)
		if n := j - i; n <= 31 {
			out.add(n, 5)
		} else {
			out.add(0, 5)
			out.add(n-31, 11)
		}
		for ; i < j; i++ {
			out.add(int(data[i]), 8)
		}
	}
	return out.bits, nil
}

// modeOf returns a mode that has byte c, Upper, Lower, Mixed, Digit first.
func modeOf(c byte) (aztecMode, bool) {
	for _, m := range []aztecMode{azUpper, azLower, azMixed, azDigit} {
		if aztecCode(m, c) >= 0 {
			return m, true
		}
	}
	return 0, false
}

// latch writes the codes that move from mode from to mode to.
func latch(out *bitWriter, from, to aztecMode) aztecMode {
	if from == to {
		return to
	}
	switch from {
	case azDigit:
		out.add(azULfrD, 4)
		return latch(out, azUpper, to)
	case azMixed:
		switch to {
		case azLower:
			out.add(azLLfrM, 5)
			return to
		default:
			out.add(azULfrM, 5)
			return latch(out, azUpper, to)
		}
	case azLower:
		switch to {
		case azMixed:
			out.add(azMLfrUL, 5)
		case azDigit:
			out.add(azDLfrUL, 5)
		case azUpper:
			out.add(azMLfrUL, 5)
			out.add(azULfrM, 5)
		}
		return to
	}
	// From Upper.
	switch to {
	case azLower:
		out.add(azLLfrU, 5)
	case azMixed:
		out.add(azMLfrUL, 5)
	case azDigit:
		out.add(azDLfrUL, 5)
	}
	return to
}

// bitWriter collects bits, most significant first.
type bitWriter struct{ bits []bool }

func (w *bitWriter) add(v, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bits = append(w.bits, v>>i&1 == 1)
	}
}
