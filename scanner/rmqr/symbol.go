package rmqr

// Symbol structure of rMQR (ISO/IEC 23941:2022 §6): a 7x7 finder pattern
// at the top left, a 5x5 finder sub-pattern at the bottom right, corner
// finder patterns at the other two corners, timing patterns along all
// four edges, alignment patterns joined by vertical timing patterns, and
// 18 bits of version information beside each finder.

// version is one of the 32 symbol sizes (Table 1) with its
// error-correction blocks at levels M and H (Table 8) and character count
// indicator lengths (Table 3).
type version struct {
	height, width int
	total         int    // codewords in the symbol
	data          [2]int // data codewords at level M, H
	blocks        [2]int // Reed–Solomon blocks at level M, H
	count         [4]int // character count bits: numeric, alphanumeric, byte, kanji
}

// Error correction levels, as the version information's bit 5 gives them.
const (
	levelM = 0
	levelH = 1
)

var versions = [32]version{
	{7, 43, 13, [2]int{6, 3}, [2]int{1, 1}, [4]int{4, 3, 3, 2}},
	{7, 59, 21, [2]int{12, 7}, [2]int{1, 1}, [4]int{5, 5, 4, 3}},
	{7, 77, 32, [2]int{20, 10}, [2]int{1, 1}, [4]int{6, 5, 5, 4}},
	{7, 99, 44, [2]int{28, 14}, [2]int{1, 1}, [4]int{7, 6, 5, 5}},
	{7, 139, 68, [2]int{44, 24}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{9, 43, 21, [2]int{12, 7}, [2]int{1, 1}, [4]int{5, 5, 4, 3}},
	{9, 59, 33, [2]int{21, 11}, [2]int{1, 1}, [4]int{6, 5, 5, 4}},
	{9, 77, 49, [2]int{31, 17}, [2]int{1, 2}, [4]int{7, 6, 5, 5}},
	{9, 99, 66, [2]int{42, 22}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{9, 139, 99, [2]int{63, 33}, [2]int{2, 3}, [4]int{8, 7, 6, 6}},
	{11, 27, 15, [2]int{7, 5}, [2]int{1, 1}, [4]int{4, 4, 3, 2}},
	{11, 43, 31, [2]int{19, 11}, [2]int{1, 1}, [4]int{6, 5, 5, 4}},
	{11, 59, 47, [2]int{31, 15}, [2]int{1, 2}, [4]int{7, 6, 5, 5}},
	{11, 77, 67, [2]int{43, 23}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{11, 99, 89, [2]int{57, 29}, [2]int{2, 2}, [4]int{8, 7, 6, 6}},
	{11, 139, 132, [2]int{84, 42}, [2]int{2, 3}, [4]int{8, 7, 7, 6}},
	{13, 27, 21, [2]int{12, 7}, [2]int{1, 1}, [4]int{5, 5, 4, 3}},
	{13, 43, 41, [2]int{27, 13}, [2]int{1, 1}, [4]int{6, 6, 5, 5}},
	{13, 59, 60, [2]int{38, 20}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{13, 77, 85, [2]int{53, 29}, [2]int{2, 2}, [4]int{7, 7, 6, 6}},
	{13, 99, 113, [2]int{73, 35}, [2]int{2, 3}, [4]int{8, 7, 7, 6}},
	{13, 139, 166, [2]int{106, 54}, [2]int{3, 4}, [4]int{8, 8, 7, 7}},
	{15, 43, 51, [2]int{33, 15}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{15, 59, 74, [2]int{48, 26}, [2]int{1, 2}, [4]int{7, 7, 6, 5}},
	{15, 77, 103, [2]int{67, 31}, [2]int{2, 3}, [4]int{8, 7, 7, 6}},
	{15, 99, 136, [2]int{88, 48}, [2]int{2, 4}, [4]int{8, 7, 7, 6}},
	{15, 139, 199, [2]int{127, 69}, [2]int{3, 5}, [4]int{9, 8, 7, 7}},
	{17, 43, 61, [2]int{39, 21}, [2]int{1, 2}, [4]int{7, 6, 6, 5}},
	{17, 59, 88, [2]int{56, 28}, [2]int{2, 2}, [4]int{8, 7, 6, 6}},
	{17, 77, 122, [2]int{78, 38}, [2]int{2, 3}, [4]int{8, 7, 7, 6}},
	{17, 99, 160, [2]int{100, 56}, [2]int{3, 4}, [4]int{8, 8, 7, 6}},
	{17, 139, 232, [2]int{152, 76}, [2]int{4, 6}, [4]int{9, 8, 8, 7}},
}

// maxWidth and maxHeight bound every symbol.
const (
	maxWidth  = 139
	maxHeight = 17
)

// alignmentColumns gives the centre columns of the alignment patterns by
// symbol width (Annex D, Table D.1).
func alignmentColumns(width int) []int {
	switch width {
	case 43:
		return []int{21}
	case 59:
		return []int{19, 39}
	case 77:
		return []int{25, 51}
	case 99:
		return []int{23, 49, 75}
	case 139:
		return []int{27, 55, 83, 111}
	}
	return nil
}

// Version information (§7.9): six data bits, the level in bit 5 and the
// version index in bits 0–4, extended by a BCH(18,6) code and masked with
// a different pattern beside each finder, so that one copy read in place
// of the other fails.
const (
	versionGenerator = 0x1f25 // x^12+x^11+x^10+x^9+x^8+x^5+x^2+1
	finderSideMask   = 0x1fab2
	subPatternMask   = 0x20a7b
)

// versionCode returns the unmasked 18-bit version information for six
// data bits.
func versionCode(data int) int {
	v := data << 12
	for i := 17; i >= 12; i-- {
		if v&(1<<i) != 0 {
			v ^= versionGenerator << (i - 12)
		}
	}
	return data<<12 | v
}

// decodeVersionInfo finds the version index and level whose code, masked
// with mask, is nearest the read bits, within maxErrors differing bits
// (codes differ in at least 7 bits).
func decodeVersionInfo(bits, mask, maxErrors int) (vi, level int, ok bool) {
	best, bestDiff := -1, 19
	for d := 0; d < 64; d++ {
		if d&31 >= len(versions) {
			continue
		}
		if diff := popcount(versionCode(d) ^ mask ^ bits); diff < bestDiff {
			best, bestDiff = d, diff
		}
	}
	if best < 0 || bestDiff > maxErrors {
		return 0, 0, false
	}
	return best & 31, best >> 5, true
}

func popcount(v int) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}

// versionModules lists where the 18 version information bits lie, bit 0
// first (§7.9.2, Figure 9): beside the finder, columns 8 to 10 of rows 1
// to 5 column by column, then column 11 of rows 1 to 3; beside the
// sub-pattern, columns w-8 to w-6 of rows h-6 to h-2, then row h-6 of
// columns w-5 to w-3.
func versionModules(height, width int, subPattern bool) [18][2]int {
	var m [18][2]int
	r0, c0 := 1, 8
	if subPattern {
		r0, c0 = height-6, width-8
	}
	for j := 0; j < 3; j++ {
		for i := 0; i < 5; i++ {
			m[j*5+i] = [2]int{r0 + i, c0 + j}
		}
	}
	for k := 0; k < 3; k++ {
		if subPattern {
			m[15+k] = [2]int{r0, width - 5 + k}
		} else {
			m[15+k] = [2]int{1 + k, 11}
		}
	}
	return m
}

// masked reports whether the fixed data mask (§7.8.2) inverts the module at
// row i, column j.
func masked(i, j int) bool { return (i/2+j/3)%2 == 0 }

// isFunction reports whether a module of a symbol of version v belongs to
// a function pattern or the version information rather than data.
func (v version) isFunction(row, col int) bool {
	h, w := v.height, v.width
	switch {
	case row == 0 || row == h-1 || col == 0 || col == w-1: // timing and finders
		return true
	case row <= 7 && col <= 7: // finder and separator
		return true
	case row >= h-5 && col >= w-5: // finder sub-pattern
		return true
	case row == h-2 && col == 1, row == 1 && col == w-2: // corner finder patterns
		return true
	case row >= 1 && row <= 5 && col >= 8 && col <= 10, col == 11 && row >= 1 && row <= 3: // version information
		return true
	case row >= h-6 && row <= h-2 && col >= w-8 && col <= w-6, row == h-6 && col >= w-5 && col <= w-3:
		return true
	}
	for _, c := range alignmentColumns(w) {
		if col == c {
			return true
		}
		if (col == c-1 || col == c+1) && (row <= 2 || row >= h-3) {
			return true
		}
	}
	return false
}

// functionDark reports whether a function module is dark (§6.3): the
// pattern a decoder checks before trusting a sampled grid.
func (v version) functionDark(row, col int) bool {
	h, w := v.height, v.width
	switch {
	case row <= 6 && col <= 6:
		return max(abs(row-3), abs(col-3)) != 2
	case row <= 7 && col <= 7:
		return false // separator
	case row >= h-5 && col >= w-5:
		return max(abs(row-(h-3)), abs(col-(w-3)))%2 == 0
	case row == h-2 && col == 1, row == 1 && col == w-2:
		return false
	case row == h-2 && col == 0, row == h-1 && col == 1, row == 0 && col == w-2, row == 1 && col == w-1:
		return true // corner finder patterns
	}
	for _, c := range alignmentColumns(w) {
		if col == c {
			return row%2 == 0 // vertical timing, through the top and bottom rows
		}
		if (col == c-1 || col == c+1) && (row <= 2 || row >= h-3) {
			return true // alignment pattern rings
		}
	}
	if row == 0 || row == h-1 {
		return col%2 == 0
	}
	return row%2 == 0 // left, right and alignment timing
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dataModules returns the data module positions of version v in placement
// order (§7.7.3): two-column strips from the right, just inside the right
// timing pattern, upwards then downwards, right column first.
func (v version) dataModules() [][2]int {
	out := make([][2]int, 0, v.height*v.width)
	up := true
	for x := v.width - 3; x >= 0; x -= 2 {
		for k := 0; k < v.height; k++ {
			y := k
			if up {
				y = v.height - 1 - k
			}
			for _, c := range [2]int{x + 1, x} {
				if !v.isFunction(y, c) {
					out = append(out, [2]int{y, c})
				}
			}
		}
		up = !up
	}
	return out
}

// name is the size as the standard writes it, e.g. "R7x43".
func (v version) name() string {
	return "R" + itoa(v.height) + "x" + itoa(v.width)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
