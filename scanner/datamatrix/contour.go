package datamatrix

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// bitImage reads the binarized image; everything outside it is light.
type bitImage struct {
	m    *gozxing.BitMatrix
	w, h int
}

func (b *bitImage) dark(x, y int) bool { return b.m.Get(x, y) }

// darkAt samples the pixel under p.
func (b *bitImage) darkAt(p point) bool {
	if p.x < 0 || p.y < 0 {
		return false
	}
	return b.m.Get(int(p.x), int(p.y))
}

// The eight neighbours of a pixel, clockwise on screen from east.
var ring8 = [8][2]int{{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}}

// ringIndex[dy+1][dx+1] is the index in ring8 of the offset (dx, dy).
var ringIndex = [3][3]int{{5, 6, 7}, {4, -1, 0}, {3, 2, 1}}

// pixel is a pixel position.
type pixel struct{ x, y int32 }

// visited marks pixels that a traced contour went through, so that a seed
// on a contour already followed is not followed again.
type visited struct {
	bits []uint64
	w    int
}

func (v *visited) reset(w, h int) {
	n := (w*h + 63) / 64
	if cap(v.bits) < n {
		v.bits = make([]uint64, n)
	} else {
		v.bits = v.bits[:n]
		clear(v.bits)
	}
	v.w = w
}

func (v *visited) mark(x, y int) {
	i := y*v.w + x
	v.bits[i>>6] |= 1 << (i & 63)
}

func (v *visited) has(x, y int) bool {
	i := y*v.w + x
	return v.bits[i>>6]&(1<<(i&63)) != 0
}

// traceContour follows the boundary of the dark 8-connected region that
// contains the dark pixel (x, y), whose west neighbour is light (Moore
// neighbour tracing, stopping when the start pixel is entered again from
// the same side). It appends the boundary pixels to out and returns them
// with the signed area the boundary encloses: positive for the outer
// boundary of a dark region, negative for the boundary of a hole. It gives
// up after limit steps and reports false.
func traceContour(img *bitImage, seen *visited, x, y, limit int, out []pixel) ([]pixel, int, bool) {
	sx, sy := x, y
	cx, cy := x, y
	dir := 4 // towards the light west neighbour
	startDir := dir
	out = append(out, pixel{int32(cx), int32(cy)})
	seen.mark(cx, cy)
	area2 := 0
	returns := 0
	for step := 0; step < limit; step++ {
		moved := false
		for k := 1; k <= 8; k++ {
			d := (dir + k) & 7
			nx, ny := cx+ring8[d][0], cy+ring8[d][1]
			if !img.dark(nx, ny) {
				continue
			}
			pd := (d + 7) & 7
			bx, by := cx+ring8[pd][0], cy+ring8[pd][1]
			area2 += cx*ny - nx*cy
			cx, cy = nx, ny
			dir = ringIndex[by-cy+1][bx-cx+1]
			moved = true
			break
		}
		if !moved {
			return out, 0, true // a lone pixel
		}
		if cx == sx && cy == sy {
			returns++
			if dir == startDir || returns > 2 {
				return out, area2, true
			}
		}
		out = append(out, pixel{int32(cx), int32(cy)})
		seen.mark(cx, cy)
	}
	return out, area2, false
}

// rowSeeds appends to out the x of every dark pixel in row y that follows at
// least two light pixels (or the image's left edge): where the outer
// boundary of a dark region may be met.
func rowSeeds(row *gozxing.BitArray, width int, out []int) []int {
	words := row.GetBitArray()
	var prev uint32 // the word before, all light at the left edge
	for i, w := range words {
		base := i * 32
		if base >= width {
			break
		}
		// Bit j of p1 (p2) is the pixel one (two) to the left of bit j.
		p1 := w<<1 | prev>>31
		p2 := w<<2 | prev>>30
		s := w &^ p1 &^ p2
		for s != 0 {
			j := bits.TrailingZeros32(s)
			s &= s - 1
			if base+j < width {
				out = append(out, base+j)
			}
		}
		prev = w
	}
	return out
}
