package datamatrix

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// bitImage reads the binarized image; everything outside it is light. It
// holds a copy of the image's rows as words with a light margin round
// them (a word before and after each row, a row above and below), so that
// a pixel's eight neighbours are read from three rows without bounds
// checks.
type bitImage struct {
	m      *gozxing.BitMatrix
	w, h   int
	stride int      // words per row, margins included
	words  []uint32 // row y's pixel x is bit 32+x of row y+1
	row    *gozxing.BitArray
	// rowBits is stride in bits; origin, the bit of pixel 0, 0.
	rowBits, origin uint
}

// load copies m, reusing the buffers of the image before.
func (b *bitImage) load(m *gozxing.BitMatrix) {
	b.m, b.w, b.h = m, m.GetWidth(), m.GetHeight()
	rowSize := (b.w + 31) / 32
	b.stride = rowSize + 2
	b.rowBits = uint(b.stride) * 32
	b.origin = b.rowBits + 32
	n := b.stride * (b.h + 2)
	if cap(b.words) < n {
		b.words = make([]uint32, n)
	} else {
		b.words = b.words[:n]
		clear(b.words[:b.stride])
		clear(b.words[n-b.stride:])
	}
	if b.row == nil || b.row.GetSize() < b.w {
		b.row = gozxing.NewBitArray(b.w)
	}
	// Bits past the width may be set (a flipped matrix): they read light.
	var last uint32 = 1<<(b.w%32) - 1
	if b.w%32 == 0 {
		last = ^uint32(0)
	}
	for y := range b.h {
		b.row = m.GetRow(y, b.row)
		r := b.words[(y+1)*b.stride : (y+2)*b.stride]
		r[0] = 0
		copy(r[1:1+rowSize], b.row.GetBitArray())
		if rowSize > 0 {
			r[rowSize] &= last
		}
		r[rowSize+1] = 0
	}
}

// wipe clears the copy of the image.
func (b *bitImage) wipe() {
	clear(b.words)
	if b.row != nil {
		b.row.Clear()
	}
}

// rowWords returns the words of row y, bit x of the slice being pixel x.
func (b *bitImage) rowWords(y int) []uint32 {
	o := (y+1)*b.stride + 1
	return b.words[o : o+b.stride-2]
}

// darkAt samples the pixel under p, from the copy: the finder samples
// the image point by point, millions of times in a busy frame, and the
// copy's margins leave one bounds check where the matrix makes four.
func (b *bitImage) darkAt(p point) bool {
	if p.x < 0 || p.y < 0 {
		return false
	}
	// Past the range of int, or NaN, the conversion gives the least int,
	// out of range as a uint.
	x, y := uint(int(p.x)), uint(int(p.y))
	if x >= uint(b.w) || y >= uint(b.h) {
		return false
	}
	i := b.origin + y*b.rowBits + x
	return b.words[i>>5]>>(i&31)&1 != 0
}

// aroundBits[n] turns the nine pixels of a 3×3 block, bit 3*row+column of
// n (rows and columns from the top left), into the bits of a pixel's eight
// neighbours: bit d is set when the neighbour at ring8[d] is dark.
var aroundBits = func() (t [512]uint8) {
	for n := range t {
		for d, o := range ring8 {
			if n>>(3*(o[1]+1)+o[0]+1)&1 != 0 {
				t[n] |= 1 << d
			}
		}
	}
	return t
}()

// backDir[d] is the direction, from the pixel entered by a step towards
// ring8[d], of the light pixel checked just before it.
var backDir = func() (t [8]int) {
	for d := range t {
		pd := (d + 7) & 7
		t[d] = ringIndex[ring8[pd][1]-ring8[d][1]+1][ring8[pd][0]-ring8[d][0]+1]
	}
	return t
}()

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
	words, stride := img.words, img.stride
	for step := 0; step < limit; step++ {
		// The pixel's eight neighbours, read from the three rows
		// through it: bit i of the padded row above is the pixel
		// above and to the left.
		i := cy*stride*32 + 31 + cx
		o, sh := i>>5, uint(i&31)
		w := words[o : o+2*stride+2]
		up := uint((uint64(w[0])|uint64(w[1])<<32)>>sh) & 7
		mid := uint((uint64(w[stride])|uint64(w[stride+1])<<32)>>sh) & 7
		down := uint((uint64(w[2*stride])|uint64(w[2*stride+1])<<32)>>sh) & 7
		nb := aroundBits[up|mid<<3|down<<6]
		if nb == 0 {
			return out, 0, true // a lone pixel
		}
		// The first dark neighbour clockwise after dir.
		d := (dir + 1 + bits.TrailingZeros8(bits.RotateLeft8(nb, -(dir+1)))) & 7
		nx, ny := cx+ring8[d][0], cy+ring8[d][1]
		area2 += cx*ny - nx*cy
		cx, cy = nx, ny
		dir = backDir[d]
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

// rowSeeds appends to out the x of every dark pixel in a row (bit x of
// words is pixel x) that follows at least two light pixels (or the image's
// left edge): where the outer boundary of a dark region may be met.
func rowSeeds(words []uint32, width int, out []int) []int {
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
