package databar

import (
	"fmt"
	"strconv"
	"strings"
)

// A DataBar Expanded encoder for tests, written from ISO/IEC 24724 §7.2:
// element string to bit stream (encodation method selection, compressed
// fields, general-purpose compaction, padding), bit stream to symbol
// characters with the check character, and characters to element widths.

type aiField struct{ ai, data string }

// parseHRI splits "(01)9501...(10)ABC" into fields.
func parseHRI(hri string) ([]aiField, error) {
	var out []aiField
	for len(hri) > 0 {
		if hri[0] != '(' {
			return nil, fmt.Errorf("want '(' at %q", hri)
		}
		end := strings.IndexByte(hri, ')')
		if end < 0 {
			return nil, fmt.Errorf("unclosed AI in %q", hri)
		}
		ai := hri[1:end]
		rest := hri[end+1:]
		next := strings.IndexByte(rest, '(')
		// A '(' inside data (ISO/IEC 646 allows it) is taken as data when
		// no ')' closes a digits-only AI after it.
		for next >= 0 && !startsAI(rest[next:]) {
			n := strings.IndexByte(rest[next+1:], '(')
			if n < 0 {
				next = -1
				break
			}
			next += 1 + n
		}
		if next < 0 {
			next = len(rest)
		}
		out = append(out, aiField{ai, rest[:next]})
		hri = rest[next:]
	}
	return out, nil
}

func startsAI(s string) bool {
	end := strings.IndexByte(s, ')')
	if end < 3 || end > 5 {
		return false
	}
	for _, c := range s[1:end] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// bitWriter collects bits as a string of '0' and '1'.
type bitWriter struct{ strings.Builder }

func (w *bitWriter) put(v, n int) {
	for i := n - 1; i >= 0; i-- {
		w.WriteByte(byte('0' + (v>>i)&1))
	}
}

func (w *bitWriter) putBits(s string) { w.WriteString(s) }

// expandedChars encodes hri into data character values for a symbol with
// rowChars symbol characters per row (0 for single-row).
func expandedChars(hri string, rowChars int) ([]int, error) {
	fields, err := parseHRI(hri)
	if err != nil {
		return nil, err
	}
	var w bitWriter
	w.put(0, 1) // no 2D component
	general, method, err := writeCompressed(&w, fields)
	if err != nil {
		return nil, err
	}
	mode, lastDigit, err := writeGeneral(&w, general)
	if err != nil {
		return nil, err
	}
	dataChars := func(bits int) int {
		n := max(3, (bits+11)/12) // at least 4 symbol characters
		if rowChars > 0 && (n+1)%rowChars == 1 {
			n++ // no row of a single character
		}
		return n
	}
	if lastDigit >= 0 {
		// One digit left in numeric mode: 4 bits when 4–6 bits remain in
		// the last character, else a pair with FNC1 as second digit.
		rem := 12*dataChars(w.Len()) - w.Len()
		if rem >= 4 && rem <= 6 {
			w.put(lastDigit+1, 4)
		} else {
			w.put(8+11*lastDigit+10, 7)
		}
	}
	n := dataChars(w.Len())
	if n > 21 {
		return nil, fmt.Errorf("%d data characters, at most 21 fit", n)
	}
	pad := 12*n - w.Len()
	if mode == modeNumeric && pad > 0 {
		w.putBits("0000"[:min(4, pad)])
		pad -= min(4, pad)
	}
	for ; pad > 0; pad -= 5 {
		w.putBits("00100"[:min(5, pad)])
	}
	bits := []byte(w.String())
	if method.varLength >= 0 { // parity and size of the symbol character count
		s := n + 1
		bits[method.varLength] = byte('0' + s%2)
		if s > 14 {
			bits[method.varLength+1] = '1'
		}
	}
	out := make([]int, n)
	for i := range out {
		v, _ := strconv.ParseInt(string(bits[12*i:12*i+12]), 2, 32)
		out[i] = int(v)
	}
	return out, nil
}

type methodInfo struct{ varLength int } // bit offset of the variable length field, -1 if none

// writeCompressed picks the encodation method (ISO/IEC 24724 §7.2.5.4),
// writes its method bits and compressed fields, and returns the element
// string left for the general-purpose field.
func writeCompressed(w *bitWriter, fields []aiField) (string, methodInfo, error) {
	gtin9 := len(fields) >= 2 && fields[0].ai == "01" && len(fields[0].data) == 14 && fields[0].data[0] == '9'
	second := ""
	var val int
	if gtin9 {
		second = fields[1].ai
		val, _ = strconv.Atoi(fields[1].data)
	}
	writeGTIN12 := func() {
		for i := 0; i < 4; i++ {
			v, _ := strconv.Atoi(fields[0].data[1+3*i : 4+3*i])
			w.put(v, 10)
		}
	}
	switch {
	case gtin9 && len(fields) == 2 && second == "3103" && val <= 32767:
		w.putBits("0100")
		writeGTIN12()
		w.put(val, 15)
		return "", methodInfo{-1}, nil
	case gtin9 && len(fields) == 2 && (second == "3202" && val <= 9999 || second == "3203" && val <= 22767):
		w.putBits("0101")
		writeGTIN12()
		if second == "3203" {
			val += 10000
		}
		w.put(val, 15)
		return "", methodInfo{-1}, nil
	case gtin9 && (strings.HasPrefix(second, "310") || strings.HasPrefix(second, "320")) && val <= 99999 &&
		(len(fields) == 2 || len(fields) == 3 && strings.Contains("11 13 15 17", fields[2].ai) && len(fields[2].ai) == 2):
		date := 38400
		dateAI := "11"
		if len(fields) == 3 {
			dateAI = fields[2].ai
			d := fields[2].data
			yy, _ := strconv.Atoi(d[0:2])
			mm, _ := strconv.Atoi(d[2:4])
			dd, _ := strconv.Atoi(d[4:6])
			date = yy*384 + (mm-1)*32 + dd
		}
		m := 56 + map[string]int{"11": 0, "13": 2, "15": 4, "17": 6}[dateAI]
		if second[:3] == "320" {
			m++
		}
		w.put(m, 7)
		writeGTIN12()
		w.put(int(second[3]-'0')*100000+val, 20)
		w.put(date, 16)
		return "", methodInfo{-1}, nil
	case gtin9 && (strings.HasPrefix(second, "392") || strings.HasPrefix(second, "393")) && second[3] <= '3':
		if second[2] == '2' {
			w.putBits("01100")
		} else {
			w.putBits("01101")
		}
		vl := w.Len()
		w.putBits("00")
		writeGTIN12()
		w.put(int(second[3]-'0'), 2)
		data := fields[1].data
		if second[2] == '3' {
			c, _ := strconv.Atoi(data[:3])
			w.put(c, 10)
			data = data[3:]
		}
		return data + joinFields(fields[2:], len(fields) > 2), methodInfo{vl}, nil
	case len(fields) >= 1 && fields[0].ai == "01" && len(fields[0].data) == 14:
		w.putBits("1")
		vl := w.Len()
		w.putBits("00")
		w.put(int(fields[0].data[0]-'0'), 4)
		for i := 0; i < 4; i++ {
			v, _ := strconv.Atoi(fields[0].data[1+3*i : 4+3*i])
			w.put(v, 10)
		}
		return joinFields(fields[1:], false), methodInfo{vl}, nil
	}
	w.putBits("00")
	vl := w.Len()
	w.putBits("00")
	return joinFields(fields, false), methodInfo{vl}, nil
}

// joinFields writes fields as an element string; lead puts FNC1 before
// the first field (it follows a variable-length field).
func joinFields(fields []aiField, lead bool) string {
	var s strings.Builder
	if lead {
		s.WriteByte(groupSeparator)
	}
	for i, f := range fields {
		s.WriteString(f.ai)
		s.WriteString(f.data)
		if i < len(fields)-1 && !lookupAI(f.ai).fixed {
			s.WriteByte(groupSeparator)
		}
	}
	return s.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func alphaCode(c byte) (v, n int, ok bool) {
	switch {
	case isDigit(c):
		return int(c-'0') + 5, 5, true
	case c == groupSeparator:
		return 15, 5, true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 32, 6, true
	}
	if i := strings.IndexByte(alphaPunct, c); i >= 0 {
		return 58 + i, 6, true
	}
	return 0, 0, false
}

func isoCode(c byte) (v, n int, ok bool) {
	switch {
	case isDigit(c):
		return int(c-'0') + 5, 5, true
	case c == groupSeparator:
		return 15, 5, true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 64, 7, true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 90, 7, true
	}
	if i := strings.IndexByte(iso646Punct, c); i >= 0 {
		return 232 + i, 8, true
	}
	return 0, 0, false
}

// digitsAhead counts the digits (FNC1 included) starting at i.
func digitsAhead(g string, i int) int {
	n := 0
	for ; i+n < len(g) && (isDigit(g[i+n]) || g[i+n] == groupSeparator); n++ {
	}
	return n
}

// writeGeneral writes the general-purpose field (ISO/IEC 24724 §7.2.5.5)
// and returns the final mode and a last digit still to place (or -1).
func writeGeneral(w *bitWriter, g string) (compactionMode, int, error) {
	mode := modeNumeric
	for i := 0; i < len(g); {
		c := g[i]
		switch mode {
		case modeNumeric:
			if i+1 < len(g) && (isDigit(c) || c == groupSeparator) && (isDigit(g[i+1]) || g[i+1] == groupSeparator) &&
				!(c == groupSeparator && g[i+1] == groupSeparator) {
				d := func(b byte) int {
					if b == groupSeparator {
						return 10
					}
					return int(b - '0')
				}
				w.put(8+11*d(c)+d(g[i+1]), 7)
				i += 2
				continue
			}
			if i+1 == len(g) && isDigit(c) {
				return modeNumeric, int(c - '0'), nil
			}
			w.putBits("0000")
			mode = modeAlpha
		case modeAlpha:
			if digitsAhead(g, i) >= 6 || i+digitsAhead(g, i) == len(g) && digitsAhead(g, i) >= 4 {
				w.putBits("000")
				mode = modeNumeric
				continue
			}
			if v, n, ok := alphaCode(c); ok {
				w.put(v, n)
				i++
				if c == groupSeparator {
					mode = modeNumeric
				}
				continue
			}
			w.putBits("00100")
			mode = modeISO646
		case modeISO646:
			if digitsAhead(g, i) >= 6 || i+digitsAhead(g, i) == len(g) && digitsAhead(g, i) >= 4 {
				w.putBits("000")
				mode = modeNumeric
				continue
			}
			v, n, ok := isoCode(c)
			if !ok {
				return mode, -1, fmt.Errorf("character %q cannot be encoded", c)
			}
			w.put(v, n)
			i++
			if c == groupSeparator {
				mode = modeNumeric
			}
		}
	}
	return mode, -1, nil
}

// symbolValues returns all symbol character values, check character
// first, for the data characters given.
func symbolValues(data []int) ([]int, error) {
	s := len(data) + 1
	if s < 4 || s > 22 {
		return nil, fmt.Errorf("%d symbol characters", s)
	}
	seq := finderSequences[(s+1)/2]
	sum := 0
	for k, v := range data {
		k++ // symbol character index
		wd, ok := characterWidths(v)
		if !ok {
			return nil, fmt.Errorf("value %d", v)
		}
		sum += checksumPart(&wd, seq[k/2].weightRow(k%2))
	}
	return append([]int{211*(s-4) + sum%211}, data...), nil
}
