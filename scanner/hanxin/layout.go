// Package hanxin reads Han Xin Code symbols (ISO/IEC 20830, formerly
// GB/T 21049 and AIMD-015) for scannerd: versions 1 to 84, error
// correction levels L1 to L4, every data mask, and the numeric, text,
// binary, GB 2312 region one and two, GB 18030 two- and four-byte and ECI
// modes, the text turned into UTF-8.
//
// A symbol has four finder patterns at its corners, nested angles round a
// 3 x 3 dark square: three turned alike, towards the centre, and the
// bottom-left one turned the other way, which tells the orientation. Next
// to each lies a copy of the function information (version, level, mask;
// Reed–Solomon over GF(16)); from version 4 up, alignment and assistant
// patterns lie on a grid. Data codewords run row by row through the
// remaining modules, interleaved every 13th, and each block carries
// Reed–Solomon error correction over GF(256).
package hanxin

// Versions run from 1 (23 x 23 modules) to 84 (189 x 189), two modules a
// side more each (ISO/IEC 20830 §5.3).
const maxVersion = 84

// sizeOf returns the side of a version's symbol in modules.
func sizeOf(version int) int { return 2*version + 21 }

// versionOf returns the version of a symbol size modules a side, or 0.
func versionOf(size int) int {
	if size < 23 || size > sizeOf(maxVersion) || size%2 == 0 {
		return 0
	}
	return (size - 21) / 2
}

// Module states of a layout.
const (
	data    uint8 = iota // a data module
	fnLight              // a light function module
	fnDark               // a dark function module
	fnInfo               // function information
)

// layout is a version's map of function modules, row by row.
type layout struct {
	size int
	mod  []uint8
	// anchors are the alignment patterns' crossings (row, col), where
	// refine matches the grid to the image.
	anchors [][2]int
}

// finderRows are the four finder patterns (§5.3.1), each 7 rows of 7
// modules, most significant bit the leftmost: the top-left one, whose
// nested angles open towards the symbol's centre, the top-right and
// bottom-right ones, the same pattern turned, and the bottom-left one,
// the top-right pattern unturned, whose angles open outwards: the odd one
// tells the orientation and a mirror image.
var finderRows = [4][7]uint8{
	{0x7f, 0x40, 0x5f, 0x50, 0x57, 0x57, 0x57}, // top left
	{0x7f, 0x01, 0x7d, 0x05, 0x75, 0x75, 0x75}, // top right
	{0x75, 0x75, 0x75, 0x05, 0x7d, 0x01, 0x7f}, // bottom right
	{0x7f, 0x01, 0x7d, 0x05, 0x75, 0x75, 0x75}, // bottom left
}

// finderOrigin returns the top-left module of finder i (in finderRows'
// order) in a symbol size modules a side.
func finderOrigin(i, size int) (row, col int) {
	switch i {
	case 1:
		return 0, size - 7
	case 2:
		return size - 7, size - 7
	case 3:
		return size - 7, 0
	}
	return 0, 0
}

// newLayout builds the function pattern of a version: finder patterns,
// their separators and function information regions (the 9 x 9 square at
// each corner), then for versions 4 and up the assistant and alignment
// patterns of Annex A, none of which overwrites a module already set.
func newLayout(version int) *layout {
	size := sizeOf(version)
	l := &layout{size: size, mod: make([]uint8, size*size)}
	for i := range 4 {
		r0, c0 := finderOrigin(i, size)
		for r := range 7 {
			for c := range 7 {
				st := fnLight
				if finderRows[i][r]&(0x40>>c) != 0 {
					st = fnDark
				}
				l.mod[(r0+r)*size+c0+c] = st
			}
		}
	}
	// Separators (light) and function information, an L of 8 and one of
	// 9 modules on the inner sides of each finder.
	for i := range 9 {
		for _, rc := range [][2]int{{8, i}, {i, 8}, {8, size - 1 - i}, {i, size - 9}, {size - 9, i}, {size - 1 - i, 8}, {size - 9, size - 1 - i}, {size - 1 - i, size - 9}} {
			l.set(rc[0], rc[1], fnInfo)
		}
		if i < 8 {
			for _, rc := range [][2]int{{7, i}, {i, 7}, {7, size - 1 - i}, {i, size - 8}, {size - 8, i}, {size - 1 - i, 7}, {size - 8, size - 1 - i}, {size - 1 - i, size - 8}} {
				l.set(rc[0], rc[1], fnLight)
			}
		}
	}
	if version >= 4 {
		l.alignment(version)
	}
	return l
}

// set marks a module unless it is outside the symbol or already set.
func (l *layout) set(row, col int, st uint8) {
	if row < 0 || col < 0 || row >= l.size || col >= l.size {
		return
	}
	if i := row*l.size + col; l.mod[i] == data {
		l.mod[i] = st
	}
}

// alignment adds the patterns of Annex A. Grid lines run k modules apart
// from the top (rows) and from the right (columns), the last one r-1
// modules on, at the far edge. Assistant patterns (a dark module ringed
// by light ones) sit where the lines meet the edges; alignment patterns
// (an angle of dark modules along a row line leftwards and a column line
// downwards, lined inside with light ones) at every other crossing.
func (l *layout) alignment(version int) {
	size := l.size
	k, r := int(alignmentK[version]), int(alignmentR[version])
	m := (size - r) / k
	var lines []int // row lines from the top; column lines mirror them
	for i, p := 0, 0; p < size; i++ {
		lines = append(lines, p)
		if i < m {
			p += k
		} else {
			p += r - 1
		}
	}
	span := func(i int) int {
		if i < m {
			return k
		}
		return r - 1
	}
	assistant := func(row, col int) {
		for dr := -1; dr <= 1; dr++ {
			for dc := -1; dc <= 1; dc++ {
				st := fnLight
				if dr == 0 && dc == 0 {
					st = fnDark
				}
				l.set(row+dr, col+dc, st)
			}
		}
	}
	for i, p := range lines {
		// Left and right edges at the row lines.
		if i%2 == 0 && m%2 == 1 || i%2 == 1 && m%2 == 0 {
			assistant(p, 0)
		}
		if i%2 == 1 {
			assistant(p, size-1)
		}
	}
	for j, p := range lines {
		col := size - 1 - p
		if j%2 == 0 && m%2 == 1 || j%2 == 1 && m%2 == 0 {
			assistant(size-1, col)
		}
		if j%2 == 1 {
			assistant(0, col)
		}
	}
	for i, row := range lines {
		for j, p := range lines {
			if (i+j)%2 != 0 || i == 0 && j == 0 {
				continue
			}
			col := size - 1 - p
			w, h := span(j), span(i)
			l.anchors = append(l.anchors, [2]int{row, col})
			l.set(row, col, fnDark)
			l.set(row+1, col-1, fnLight)
			for t := 1; t <= w; t++ {
				l.set(row, col-t, fnDark)
				l.set(row+1, col-t-1, fnLight)
			}
			for t := 1; t < h; t++ {
				l.set(row+t, col, fnDark)
				l.set(row+t+1, col-1, fnLight)
			}
		}
	}
}

// dataModules returns the number of modules that carry codewords.
func (l *layout) dataModules() int {
	n := 0
	for _, st := range l.mod {
		if st == data {
			n++
		}
	}
	return n
}

// infoModules returns the positions (row, col) of the 34 bits of the two
// copies of the function information (§5.6): the first copy round the
// top-left and top-right finders, the second round the bottom-right and
// bottom-left ones, most significant bit first.
func infoModules(size int) (a, b [34][2]int) {
	for i := range 9 {
		a[i] = [2]int{8, i}
		b[i] = [2]int{size - 9, size - 1 - i}
		a[i+8] = [2]int{8 - i, 8}
		b[i+8] = [2]int{size - 9 + i, size - 9}
		a[i+17] = [2]int{i, size - 9}
		b[i+17] = [2]int{size - 1 - i, 8}
		a[i+25] = [2]int{8, size - 9 + i}
		b[i+25] = [2]int{size - 9, 8 - i}
	}
	return a, b
}

// masked reports whether data mask pattern p (1 to 3; 0 is none) inverts
// the module at row, col (§5.8.3; i and j count rows and columns from 1).
func masked(p, row, col int) bool {
	i, j := row+1, col+1
	switch p {
	case 1:
		return (i+j)%2 == 0
	case 2:
		return ((i+j)%3+j%3)%2 == 0
	case 3:
		return (i%j+j%i+i%3+j%3)%2 == 0
	}
	return false
}
