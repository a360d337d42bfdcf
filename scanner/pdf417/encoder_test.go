package pdf417

import (
	"fmt"
	"math/big"
	"strings"
)

// This file is a PDF417 encoder written from ISO/IEC 15438 for the tests: it
// turns data into codewords with explicit control over compaction modes,
// lays them out into rows with row indicators and error correction, and
// draws the modules.

// segment is one piece of encoded data.
type segment struct {
	mode  int    // cwTextLatch, cwByteLatch, cwByteLatch6, cwNumericLatch, cwByteShift, or an ECI designator
	text  string // text for text compaction, digits for numeric compaction
	bytes []byte // bytes for byte compaction and byte shift
	eci   int    // ECI number for the ECI designators
}

// encodeSegments turns segments into data codewords (without the symbol
// length descriptor). The symbol starts in text compaction, so a leading
// text segment needs no latch.
func encodeSegments(segs []segment) ([]int, error) {
	var cw []int
	first := true
	for _, s := range segs {
		switch s.mode {
		case cwTextLatch:
			if !first {
				cw = append(cw, cwTextLatch)
			}
			vals, err := textValues(s.text)
			if err != nil {
				return nil, err
			}
			cw = append(cw, packTextValues(vals)...)
		case cwByteLatch, cwByteLatch6:
			if s.mode == cwByteLatch6 && len(s.bytes)%6 != 0 {
				return nil, fmt.Errorf("latch 924 needs a multiple of 6 bytes, have %d", len(s.bytes))
			}
			cw = append(cw, s.mode)
			cw = append(cw, byteCodewords(s.bytes)...)
		case cwByteShift:
			for _, b := range s.bytes {
				cw = append(cw, cwByteShift, int(b))
			}
		case cwNumericLatch:
			cw = append(cw, cwNumericLatch)
			cw = append(cw, numericCodewords(s.text)...)
		case cwECICharset:
			cw = append(cw, cwECICharset, s.eci)
		case cwECIGeneral:
			v := s.eci - firstGeneralECI
			cw = append(cw, cwECIGeneral, v/900, v%900)
		case cwECIUser:
			cw = append(cw, cwECIUser, s.eci-firstUserECI)
		default:
			return nil, fmt.Errorf("unknown segment mode %d", s.mode)
		}
		first = false
	}
	return cw, nil
}

// packTextValues pairs text values into codewords, padding with PS.
func packTextValues(vals []int) []int {
	if len(vals)%2 == 1 {
		vals = append(vals, valShiftPunct)
	}
	cw := make([]int, 0, len(vals)/2)
	for i := 0; i < len(vals); i += 2 {
		cw = append(cw, vals[i]*30+vals[i+1])
	}
	return cw
}

// textValues encodes text in the four sub-modes, latching when the next two
// characters share a sub-mode and shifting for a single character.
func textValues(s string) ([]int, error) {
	mode := alphaMode
	var vals []int
	for i := 0; i < len(s); i++ {
		c := s[i]
		if v, ok := textValueIn(c, mode); ok {
			vals = append(vals, v)
			continue
		}
		// A single alpha character in lower: alpha shift.
		if v, ok := textValueIn(c, alphaMode); ok && mode == lowerMode && !nextIn(s, i, alphaMode) {
			vals = append(vals, valShiftAlpha, v)
			continue
		}
		// A single punctuation character: punctuation shift.
		if v, ok := textValueIn(c, punctMode); ok && mode != punctMode && !nextIn(s, i, punctMode) {
			vals = append(vals, valShiftPunct, v)
			continue
		}
		target := -1
		for _, m := range []subMode{alphaMode, lowerMode, mixedMode, punctMode} {
			if _, ok := textValueIn(c, m); ok {
				target = int(m)
				break
			}
		}
		if target < 0 {
			return nil, fmt.Errorf("character %q is not in text compaction", c)
		}
		vals = append(vals, latchValues(mode, subMode(target))...)
		mode = subMode(target)
		v, _ := textValueIn(c, mode)
		vals = append(vals, v)
	}
	return vals, nil
}

func nextIn(s string, i int, m subMode) bool {
	if i+1 >= len(s) {
		return false
	}
	_, ok := textValueIn(s[i+1], m)
	return ok
}

// latchValues returns the values that latch from one sub-mode to another.
func latchValues(from, to subMode) []int {
	switch from {
	case alphaMode:
		switch to {
		case lowerMode:
			return []int{valLatchLower}
		case mixedMode:
			return []int{valLatchMixed}
		case punctMode:
			return []int{valLatchMixed, valLatchPunct}
		}
	case lowerMode:
		switch to {
		case alphaMode:
			return []int{valLatchMixed, valLatchAlpha}
		case mixedMode:
			return []int{valLatchMixed}
		case punctMode:
			return []int{valLatchMixed, valLatchPunct}
		}
	case mixedMode:
		switch to {
		case alphaMode:
			return []int{valLatchAlpha}
		case lowerMode:
			return []int{valLatchLower}
		case punctMode:
			return []int{valLatchPunct}
		}
	case punctMode:
		switch to {
		case alphaMode:
			return []int{valShiftPunct}
		case lowerMode:
			return []int{valShiftPunct, valLatchLower}
		case mixedMode:
			return []int{valShiftPunct, valLatchMixed}
		}
	}
	return nil
}

// textValueIn returns the value of c in a sub-mode.
func textValueIn(c byte, m subMode) (int, bool) {
	switch m {
	case alphaMode:
		if c >= 'A' && c <= 'Z' {
			return int(c - 'A'), true
		}
		if c == ' ' {
			return 26, true
		}
	case lowerMode:
		if c >= 'a' && c <= 'z' {
			return int(c - 'a'), true
		}
		if c == ' ' {
			return 26, true
		}
	case mixedMode:
		if i := strings.IndexByte(string(mixedChars[:25]), c); i >= 0 {
			return i, true
		}
		if c == ' ' {
			return 26, true
		}
	case punctMode:
		if i := strings.IndexByte(string(punctChars[:29]), c); i >= 0 {
			return i, true
		}
	}
	return 0, false
}

// byteCodewords encodes bytes as §5.4.3: six bytes to five codewords, the
// rest one codeword each.
func byteCodewords(b []byte) []int {
	var cw []int
	for len(b) >= byteGroupBytes {
		var v uint64
		for _, c := range b[:byteGroupBytes] {
			v = v<<8 | uint64(c)
		}
		group := make([]int, byteGroupWords)
		for i := byteGroupWords - 1; i >= 0; i-- {
			group[i] = int(v % 900)
			v /= 900
		}
		cw = append(cw, group...)
		b = b[byteGroupBytes:]
	}
	for _, c := range b {
		cw = append(cw, int(c))
	}
	return cw
}

// numericCodewords encodes digits as §5.4.4, 44 digits per group.
func numericCodewords(digits string) []int {
	var cw []int
	for len(digits) > 0 {
		n := min(44, len(digits))
		v, _ := new(big.Int).SetString("1"+digits[:n], 10)
		var group []int
		k := big.NewInt(900)
		r := new(big.Int)
		for v.Sign() > 0 {
			v.DivMod(v, k, r)
			group = append([]int{int(r.Int64())}, group...)
		}
		cw = append(cw, group...)
		digits = digits[n:]
	}
	return cw
}

// symbolSpec says how to lay out a symbol.
type symbolSpec struct {
	cols    int
	ecLevel int
	rows    int // 0: as few as the data needs
	compact bool
}

// layoutSymbol adds the length descriptor, padding and error correction and
// returns the codeword matrix, row by row, data columns only.
func layoutSymbol(data []int, spec symbolSpec) ([][]int, error) {
	numEC := 2 << spec.ecLevel
	need := 1 + len(data) + numEC
	rows := spec.rows
	if rows == 0 {
		rows = max(minRows, (need+spec.cols-1)/spec.cols)
	}
	if rows > maxRows || rows*spec.cols < need || rows*spec.cols > maxCodewords {
		return nil, fmt.Errorf("%d codewords do not fit %d columns", need, spec.cols)
	}
	nData := rows*spec.cols - numEC
	cw := append([]int{nData}, data...)
	for len(cw) < nData {
		cw = append(cw, cwTextLatch)
	}
	cw = append(cw, ecCodewords(cw, numEC)...)
	out := make([][]int, rows)
	for r := range out {
		out[r] = cw[r*spec.cols : (r+1)*spec.cols]
	}
	return out, nil
}

// rowIndicators returns the left and right row indicator values of row r.
func rowIndicators(r, rows, cols, ecLevel int) (left, right int) {
	base := 30 * (r / 3)
	switch r % 3 {
	case 0:
		return base + (rows-1)/3, base + cols - 1
	case 1:
		return base + ecLevel*3 + (rows-1)%3, base + (rows-1)/3
	default:
		return base + cols - 1, base + ecLevel*3 + (rows-1)%3
	}
}

// symbolModules returns the symbol as rows of modules (true = bar), one
// entry per symbol row.
func symbolModules(matrix [][]int, spec symbolSpec) [][]bool {
	rows := len(matrix)
	var out [][]bool
	for r, row := range matrix {
		var line []bool
		put := func(widths []int) {
			for i, w := range widths {
				for j := 0; j < w; j++ {
					line = append(line, i%2 == 0)
				}
			}
		}
		cluster := r % 3
		word := func(v int) {
			text := barSpaceWidths[cluster][v]
			w := make([]int, len(text))
			for i := range text {
				w[i] = int(text[i] - '0')
			}
			put(w)
		}
		left, right := rowIndicators(r, rows, spec.cols, spec.ecLevel)
		put(startPattern)
		word(left)
		for _, v := range row {
			word(v)
		}
		if spec.compact {
			put([]int{1})
		} else {
			word(right)
			put(stopPattern)
		}
		out = append(out, line)
	}
	return out
}

// macroCodewords encodes a Macro PDF417 control block (Annex H).
func macroCodewords(m MacroMetadata, fileID []int) []int {
	cw := []int{cwMacroBlock}
	cw = append(cw, numericCodewords(fmt.Sprintf("%05d", m.SegmentIndex))...)
	cw = append(cw, fileID...)
	text := func(designator int, s string) {
		if s == "" {
			return
		}
		vals, err := textValues(s)
		if err != nil {
			panic(err)
		}
		cw = append(cw, cwMacroOptional, designator)
		cw = append(cw, packTextValues(vals)...)
	}
	number := func(designator int, v int64) {
		if v < 0 {
			return
		}
		cw = append(cw, cwMacroOptional, designator)
		cw = append(cw, numericCodewords(fmt.Sprint(v))...)
	}
	text(fieldFileName, m.FileName)
	number(fieldSegmentCount, int64(m.SegmentCount))
	number(fieldTimestamp, m.Timestamp)
	text(fieldSender, m.Sender)
	text(fieldAddressee, m.Addressee)
	number(fieldFileSize, m.FileSize)
	number(fieldChecksum, int64(m.Checksum))
	if m.LastSegment {
		cw = append(cw, cwMacroTerm)
	}
	return cw
}
