package postal

// RM4SCC (Royal Mail) and KIX (PostNL): each character four bars, two of
// them with an ascender and two with a descender; which two give a row
// and a column of a 6×6 table of the digits and capital letters. RM4SCC
// adds a start bar (an ascender), a check character (the rows and the
// columns summed, modulo 6) and a stop bar (a full bar); KIX has none of
// them.

const rm4sccChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// pairIndex gives the row (or column) of the four bits of a character's
// ascenders (or descenders), first bar most significant, plus one; 0 for
// none but two set.
var pairIndex = [16]uint8{0b0011: 1, 0b0101: 2, 0b0110: 3, 0b1001: 4, 0b1010: 5, 0b1100: 6}

// rm4sccChar reads the character of four bars: its row and column, 0 to 5.
func rm4sccChar(st states) (row, col int, ok bool) {
	var up, down uint8
	for _, s := range st {
		up = up<<1 | s&1
		down = down<<1 | s>>1
	}
	r, c := pairIndex[up], pairIndex[down]
	return int(r) - 1, int(c) - 1, r != 0 && c != 0
}

// readChars reads the characters of bars, four a character.
func readChars(st states) ([]byte, []int, []int, bool) {
	if len(st)%4 != 0 || len(st) == 0 {
		return nil, nil, nil, false
	}
	n := len(st) / 4
	text := make([]byte, n)
	rows, cols := make([]int, n), make([]int, n)
	for i := range n {
		r, c, ok := rm4sccChar(st[4*i : 4*i+4])
		if !ok {
			return nil, nil, nil, false
		}
		text[i], rows[i], cols[i] = rm4sccChars[6*r+c], r, c
	}
	return text, rows, cols, true
}

// readRM4SCC decodes the bars as RM4SCC; the text leaves off the check
// character.
func readRM4SCC(st states) (string, bool) {
	n := len(st)
	if n < 2+4*2 || st[0] != 1 || st[n-1] != 3 {
		return "", false
	}
	text, rows, cols, ok := readChars(st[1 : n-1])
	if !ok {
		return "", false
	}
	k := len(text) - 1
	r, c := 0, 0
	for i := range k {
		r, c = r+rows[i]+1, c+cols[i]+1
	}
	// Sums modulo 6, where 0 stands for 6.
	if (r+5)%6 != rows[k] || (c+5)%6 != cols[k] {
		return "", false
	}
	return string(text[:k]), true
}

// readKIX decodes the bars as KIX.
func readKIX(st states) (string, bool) {
	text, _, _, ok := readChars(st)
	return string(text), ok
}

// readKIXEitherWay decodes the bars as KIX, which has no start or stop:
// turned round, a KIX symbol reads as another. When both ways read, the
// one that starts with a Dutch postcode (four digits, two letters), as a
// KIX code does, is taken; when that does not tell, neither.
func readKIXEitherWay(st states) (string, bool, bool) {
	a, okA := readKIX(st)
	b, okB := readKIX(st.turned())
	switch {
	case okA && okB:
		pa, pb := postcodeFirst(a), postcodeFirst(b)
		if pa == pb {
			return "", false, false
		}
		if pb {
			return b, true, true
		}
		return a, false, true
	case okB:
		return b, true, true
	}
	return a, false, okA
}

// postcodeFirst reports whether text starts with a Dutch postcode: four
// digits, the first not 0, then two letters.
func postcodeFirst(text string) bool {
	if len(text) < 6 || text[0] == '0' {
		return false
	}
	for i := range 6 {
		c := text[i]
		if i < 4 && (c < '0' || c > '9') || i >= 4 && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
