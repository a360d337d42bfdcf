// Package dotcode reads DotCode symbols (AIM ISS DotCode, revision 4.0)
// for scannerd. A DotCode symbol has no finder pattern: it is a
// checkerboard grid of separate dots. The reader finds the dots of a
// binarized image, groups those that lie on one lattice, fits the
// lattice's two axes and its extent, samples the grid, undoes the mask,
// corrects errors with Reed–Solomon over GF(113) and decodes code sets A,
// B and C, binary mode, the shifts, FNC1 (GS1), ECI, the macros and
// structured append.
//
// The Reader implements gozxing.Reader; one Reader serves one goroutine.
package dotcode

import (
	"errors"
	"math/bits"
	"sort"
)

// Grid is a symbol's dot grid as sampled: W columns by H rows, row-major,
// true where a dot is printed. Dots may stand only where column+row is
// even (ISS DotCode §4.3: a checkerboard); other cells are ignored.
type Grid struct {
	W, H int
	Dots []bool
}

// Dot reports whether a dot is printed at column c, row r.
func (g *Grid) Dot(c, r int) bool { return g.Dots[r*g.W+c] }

// Errors for grids that cannot be a DotCode symbol.
var (
	// ErrSize means the grid's width and height are not a DotCode size:
	// both at least 5, their sum odd (§4.3).
	ErrSize = errors.New("dotcode: not a symbol size")
	// ErrCorrection means Reed–Solomon could not correct the codewords.
	ErrCorrection = errors.New("dotcode: too many errors")
	// ErrMessage means the corrected codewords do not form a message.
	ErrMessage = errors.New("dotcode: malformed message")
)

// gf is the prime of the Galois field the codewords live in (§5.3).
const gf = 113

// patterns maps a codeword value (0..112) to its 9-dot pattern, most
// significant bit first (Annex C). The table is every 9-bit pattern of
// five dots, ordered by its number of dot/no-dot changes, most first,
// then by value, the 113 first kept: the patterns with long runs, which
// print and read worst, are the ones left out.
// patternValue is its inverse, -1 for the 399 patterns that are no codeword.
var patterns, patternValue = buildPatterns()

func buildPatterns() (fwd [gf]uint16, inv [512]int8) {
	var all []uint16
	for v := uint16(0); v < 512; v++ {
		if bits.OnesCount16(v) == 5 {
			all = append(all, v)
		}
	}
	changes := func(v uint16) int { return bits.OnesCount16((v ^ v>>1) & 0xff) }
	sort.SliceStable(all, func(i, j int) bool {
		ci, cj := changes(all[i]), changes(all[j])
		if ci != cj {
			return ci > cj
		}
		return all[i] < all[j]
	})
	for i := range inv {
		inv[i] = -1
	}
	for i := range fwd {
		fwd[i] = all[i]
		inv[all[i]] = int8(i)
	}
	return fwd, inv
}

// point is a grid cell: column, row.
type point struct{ c, r int }

// placement returns the cells of the dot stream in order (§5.5): for an
// odd height, row by row from the bottom row up, left to right; for an
// even height, column by column from the left, top to bottom. The six
// corner cells are left out of that walk and hold the stream's last six
// dots, in a fixed order.
func placement(w, h int) []point {
	corners := cornerCells(w, h)
	isCorner := func(c, r int) bool {
		for _, p := range corners {
			if p.c == c && p.r == r {
				return true
			}
		}
		return false
	}
	out := make([]point, 0, w*h/2)
	if h%2 == 1 {
		for r := h - 1; r >= 0; r-- {
			for c := 0; c < w; c++ {
				if (c+r)%2 == 0 && !isCorner(c, r) {
					out = append(out, point{c, r})
				}
			}
		}
	} else {
		for c := 0; c < w; c++ {
			for r := 0; r < h; r++ {
				if (c+r)%2 == 0 && !isCorner(c, r) {
					out = append(out, point{c, r})
				}
			}
		}
	}
	return append(out, corners[:]...)
}

// cornerCells lists the six corner cells in the order they take the last
// six dots of the stream.
func cornerCells(w, h int) [6]point {
	if h%2 == 1 {
		return [6]point{{w - 2, 0}, {w - 2, h - 1}, {w - 1, 1}, {w - 1, h - 2}, {0, 0}, {0, h - 1}}
	}
	return [6]point{{w - 1, h - 2}, {0, h - 2}, {w - 2, h - 1}, {1, h - 1}, {w - 1, 0}, {0, 0}}
}

// layout is the codeword structure a symbol size holds.
type layout struct {
	data  int // data codewords, the mask codeword not counted
	check int // Reed–Solomon check codewords
}

// layoutFor returns the codeword structure of a w×h symbol: after the two
// mask dots, as many 9-dot codewords as fit, of which 3 + data/2 are
// check codewords (§5.2.2); leftover dots are padding.
func layoutFor(w, h int) (layout, bool) {
	slots := (w*h/2 - 2) / 9
	// data + 3 + data/2 codewords cannot make 2 mod 3: one slot is then
	// padding.
	if slots%3 == 2 {
		slots--
	}
	if slots < 4 {
		return layout{}, false
	}
	var data int
	if slots%3 == 0 {
		data = 2 * (slots/3 - 1)
	} else {
		data = 2*((slots-4)/3) + 1
	}
	return layout{data: data, check: slots - data}, true
}

// maskWeights are the steps of the four codeword masks (§5.4): mask m adds
// i·maskWeights[m] (mod 113) to data codeword i.
var maskWeights = [4]int{0, 3, 7, 17}

// codewords reads a grid's dot stream into codewords: the mask value,
// then the data and check codewords, still masked, its cells in the order
// place gives for its size (placement's). bad lists the indexes of
// codewords whose dots form no pattern (erasures for error correction).
func (g *Grid) codewords(place func(w, h int) []point) (cw []int, bad []int, err error) {
	if g.W < 5 || g.H < 5 || (g.W+g.H)%2 == 0 || len(g.Dots) != g.W*g.H {
		return nil, nil, ErrSize
	}
	lay, ok := layoutFor(g.W, g.H)
	if !ok {
		return nil, nil, ErrSize
	}
	cells := place(g.W, g.H)
	bit := func(i int) int {
		if g.Dot(cells[i].c, cells[i].r) {
			return 1
		}
		return 0
	}
	n := 1 + lay.data + lay.check
	cw = make([]int, n)
	cw[0] = bit(0)<<1 | bit(1)
	for k := 1; k < n; k++ {
		v := 0
		for j := 0; j < 9; j++ {
			v = v<<1 | bit(2+9*(k-1)+j)
		}
		if p := patternValue[v]; p >= 0 {
			cw[k] = int(p)
		} else {
			bad = append(bad, k)
		}
	}
	return cw, bad, nil
}
