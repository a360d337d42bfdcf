package symboltest

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/internal/aztecspec"
)

// layOutAztec builds the symbol: words are the data codewords, total the
// number of codewords the layers hold (the rest become check words).
func layOutAztec(words []int, total, layers int, compact, readerInit bool) *gozxing.BitMatrix {
	size := aztecspec.WordSize(layers)
	cw := make([]int, total)
	copy(cw, words)
	// The encoder fills the tail of cw with the check words.
	_ = reedsolomon.NewReedSolomonEncoder(aztecField(size)).Encode(cw, total-len(words))

	layerBits := aztecspec.LayerBits(layers, compact)
	bits := make([]bool, 0, layerBits)
	for i := 0; i < layerBits%size; i++ {
		bits = append(bits, false) // the unused bits come first
	}
	for _, w := range cw {
		for b := size - 1; b >= 0; b-- {
			bits = append(bits, w>>b&1 == 1)
		}
	}

	// Module coordinates before the reference grid is inserted ("base"),
	// and the map from them to the symbol's rows and columns.
	base := 4*layers + 14
	if compact {
		base = 4*layers + 11
	}
	dim := base
	if !compact {
		dim = base + 1 + 2*((base/2-1)/15)
	}
	at := make([]int, base)
	if compact {
		for i := range at {
			at[i] = i
		}
	} else {
		half, centre := base/2, dim/2
		for i := 0; i < half; i++ {
			skip := i / 15 // reference lines crossed on the way out
			at[half-i-1] = centre - i - skip - 1
			at[half+i] = centre + i + skip + 1
		}
	}
	m, _ := gozxing.NewSquareBitMatrix(dim)
	put := func(x, y int, dark bool) {
		if dark {
			m.Set(x, y)
		}
	}
	// Layer i (0 the outermost) is a ring two modules wide; its bits go
	// round it in pairs across the ring: down the left side, along the
	// bottom, up the right side, back along the top.
	off := 0
	for i := 0; i < layers; i++ {
		run := (layers-i)*4 + 12
		if compact {
			run = (layers-i)*4 + 9
		}
		lo, hi := 2*i, base-1-2*i
		for j := 0; j < run; j++ {
			for k := 0; k < 2; k++ {
				put(at[lo+k], at[lo+j], bits[off+2*j+k])
				put(at[lo+j], at[hi-k], bits[off+2*run+2*j+k])
				put(at[hi-k], at[hi-j], bits[off+4*run+2*j+k])
				put(at[hi-j], at[lo+k], bits[off+6*run+2*j+k])
			}
		}
		off += 8 * run
	}

	c := dim / 2
	// Reference grid: every 16th row and column from the centre carries
	// alternating modules, dark at even distance from the centre.
	if !compact {
		for j := 0; j <= c; j += 16 {
			for k := c & 1; k < dim; k += 2 {
				for _, line := range []int{c - j, c + j} {
					m.Set(line, k)
					m.Set(k, line)
				}
			}
		}
	}
	// Bull's-eye: rings at Chebyshev distance 0…4 (compact) or 0…6, dark
	// at even distance; the ring round it holds the orientation marks and
	// the mode message.
	ring := 7
	if compact {
		ring = 5
	}
	for y := c - ring; y <= c+ring; y++ {
		for x := c - ring; x <= c+ring; x++ {
			d := max(abs(x-c), abs(y-c))
			if d < ring && d%2 == 0 {
				m.Set(x, y)
			} else {
				m.Unset(x, y)
			}
		}
	}
	if !compact {
		// The reference grid's centre lines cross the mode message ring.
		for _, p := range [][2]int{{c, c - ring}, {c, c + ring}, {c - ring, c}, {c + ring, c}} {
			if (ring % 2) == 0 {
				m.Set(p[0], p[1])
			}
		}
	}
	// Orientation marks: three dark modules at the top-left corner of the
	// ring, two at the top-right, one at the bottom-right.
	for _, p := range [][2]int{{-ring, -ring}, {-ring + 1, -ring}, {-ring, -ring + 1}, {ring, -ring}, {ring, -ring + 1}, {ring, ring - 1}} {
		m.Set(c+p[0], c+p[1])
	}
	mode := aztecModeMessage(layers, len(words), compact, readerInit)
	// The message goes clockwise from the top-left corner, a side at a
	// time, skipping the orientation marks and the reference grid.
	side := 2 * ring
	n := 0
	for s := 0; s < 4; s++ {
		for p := 2; p < side-1; p++ {
			if !compact && p == ring {
				continue
			}
			var x, y int
			switch s {
			case 0: // top, left to right
				x, y = c-ring+p, c-ring
			case 1: // right, top to bottom
				x, y = c+ring, c-ring+p
			case 2: // bottom, right to left
				x, y = c+ring-p, c+ring
			case 3: // left, bottom to top
				x, y = c-ring, c+ring-p
			}
			if mode[n] {
				m.Set(x, y)
			}
			n++
		}
	}
	return m
}

// aztecModeMessage returns the mode message bits: the number of layers
// and of data codewords, each less one, in 2 and 6 bits (compact) or 5
// and 11 bits, then Reed-Solomon check nibbles over GF(16), 28 or 40 bits
// in all. A reader initialization symbol sets the top bit of the codeword
// count (§7.2.2.1; only compact 1-layer and full-range up to 22 layers
// leave it free).
func aztecModeMessage(layers, words int, compact, readerInit bool) []bool {
	var v, dataN, total int
	if compact {
		v = (layers-1)<<6 | (words - 1)
		if readerInit {
			v |= 1 << 5
		}
		dataN, total = 2, 7
	} else {
		v = (layers-1)<<11 | (words - 1)
		if readerInit {
			v |= 1 << 10
		}
		dataN, total = 4, 10
	}
	nibbles := make([]int, total)
	for i := 0; i < dataN; i++ {
		nibbles[i] = v >> (4 * (dataN - 1 - i)) & 0xF
	}
	_ = reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_AZTEC_PARAM).Encode(nibbles, total-dataN)
	var out bitWriter
	for _, n := range nibbles {
		out.add(n, 4)
	}
	return out.bits
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
