package dotcode

import "github.com/makiuchi-d/gozxing"

// The dot binarizer compares each pixel with the window around its block:
// contrastSpan×contrastSpan blocks of contrastBlock pixels (20 pixels
// across), wide enough to hold a few dots and the paper between them.
const (
	contrastBlock = 4
	contrastSpan  = 5
)

// grayView holds a gray image's window statistics, from which the dot
// binarizations are made. Its buffers are the reader's, reused between
// images; wipe clears the row it keeps.
type grayView struct {
	src          gozxing.LuminanceSource
	w, h, bw, bh int
	row          []byte
	sum          []uint32 // block sums, then their integral image
	blockMin     []byte   // per block its darkest pixel, then its window's
	rowMin       []byte   // the least of blockMin along a window's row
	mean, low    []int16  // per block: the window's mean and darkest pixel
	dark         []int16  // per block column: the threshold
	out          *gozxing.BitArray
}

// rowLender is a luminance source that can lend its rows without copying
// them (the scanner's upright frame views); LendRow returns nil for a row
// it cannot lend, which is then copied with GetRow.
type rowLender interface {
	LendRow(y int) []byte
}

// readRow returns row y of src: lent when src can, else copied into the
// row g keeps (to wipe).
func (g *grayView) readRow(src gozxing.LuminanceSource, y int) ([]byte, bool) {
	if l, ok := src.(rowLender); ok {
		if row := l.LendRow(y); len(row) >= g.w {
			return row, true
		}
	}
	row, err := src.GetRow(y, g.row)
	if err != nil || len(row) < g.w {
		return nil, false
	}
	g.row = row
	return row, true
}

// load measures src's windows: the mean of each and its darkest pixel,
// from every other row (enough for both, and half the reading).
func (g *grayView) load(src gozxing.LuminanceSource) bool {
	w, h := src.GetWidth(), src.GetHeight()
	bw, bh := (w+contrastBlock-1)/contrastBlock, (h+contrastBlock-1)/contrastBlock
	g.src, g.w, g.h, g.bw, g.bh = src, w, h, bw, bh
	stride := bw + 1
	g.sum = grow(g.sum, stride*(bh+1))
	g.blockMin = grow(g.blockMin, bw*bh)
	for i := range g.blockMin {
		g.blockMin[i] = 255
	}
	full := w / contrastBlock * contrastBlock
	for y := 0; y < h; y += 2 {
		row, ok := g.readRow(src, y)
		if !ok {
			return false
		}
		sums := g.sum[(y/contrastBlock+1)*stride+1:]
		mins := g.blockMin[(y/contrastBlock)*bw:]
		for x := 0; x < full; x += contrastBlock {
			a, b, c, d := row[x], row[x+1], row[x+2], row[x+3]
			sums[x/contrastBlock] += uint32(a) + uint32(b) + uint32(c) + uint32(d)
			mins[x/contrastBlock] = min(mins[x/contrastBlock], a, b, c, d)
		}
		for x := full; x < w; x++ {
			sums[x/contrastBlock] += uint32(row[x])
			mins[x/contrastBlock] = min(mins[x/contrastBlock], row[x])
		}
	}
	for by := 1; by <= bh; by++ {
		var acc uint32
		for bx := 1; bx <= bw; bx++ {
			acc += g.sum[by*stride+bx]
			g.sum[by*stride+bx] = g.sum[(by-1)*stride+bx] + acc
		}
	}
	g.mean = grow(g.mean, bw*bh)
	g.low = grow(g.low, bw*bh)
	const half = contrastSpan / 2
	// The windows' darkest pixels, a minimum along rows of blocks, then
	// down the columns of those.
	g.rowMin = grow(g.rowMin, bw*bh)
	for by := 0; by < bh; by++ {
		windowMin(g.rowMin[by*bw:(by+1)*bw], g.blockMin[by*bw:(by+1)*bw])
	}
	// Down the columns, a row of blocks at a time: the least of the rows
	// of rowMin a window spans, kept in blockMin (read no more).
	for by := 0; by < bh; by++ {
		y0, y1 := max(0, by-half), min(bh, by+half+1)
		low := g.blockMin[by*bw : (by+1)*bw]
		copy(low, g.rowMin[y0*bw:(y0+1)*bw])
		for yy := y0 + 1; yy < y1; yy++ {
			next := g.rowMin[yy*bw : (yy+1)*bw]
			for bx := range low {
				low[bx] = min(low[bx], next[bx])
			}
		}
	}
	for by := 0; by < bh; by++ {
		y0, y1 := max(0, by-half), min(bh, by+half+1)
		// Rows read: the even ones of the window's pixel rows.
		py := (min(h, y1*contrastBlock) - y0*contrastBlock + 1) / 2
		for bx := 0; bx < bw; bx++ {
			x0, x1 := max(0, bx-half), min(bw, bx+half+1)
			px := min(w, x1*contrastBlock) - x0*contrastBlock
			s := g.sum[y1*stride+x1] - g.sum[y0*stride+x1] - g.sum[y1*stride+x0] + g.sum[y0*stride+x0]
			g.mean[by*bw+bx] = int16(int(s) / (px * py))
			g.low[by*bw+bx] = int16(g.blockMin[by*bw+bx])
		}
	}
	return true
}

// binarize writes into m (allocated when nil or of another size) the
// pixels of src darker than their window's mean by 1/24 of it and at
// least 12 levels (more than sensor noise; a small dot blurred by a third
// of a module keeps only about a quarter of its ink at its centre): the
// dark image, whose dots are sampled. With cores, only those darker than
// halfway from the mean to the window's darkest pixel too: dots that blur
// joined come apart there, each keeping its darker centre, and they are
// found among those. src is the image load measured; the row g keeps is
// left to wipe.
func (g *grayView) binarize(src gozxing.LuminanceSource, m *gozxing.BitMatrix, cores bool) *gozxing.BitMatrix {
	if m == nil || m.GetWidth() != g.w || m.GetHeight() != g.h {
		m, _ = gozxing.NewBitMatrix(g.w, g.h)
	}
	g.dark = grow(g.dark, g.bw)
	if g.out == nil || g.out.GetSize() != g.w {
		g.out = gozxing.NewBitArray(g.w)
	}
	words := g.out.GetBitArray()
	for y := 0; y < g.h; y++ {
		if y%contrastBlock == 0 {
			by := y / contrastBlock
			for bx := range g.dark {
				mean := g.mean[by*g.bw+bx]
				t := mean - max(12, mean/24)
				if cores {
					t = min(t, (mean+g.low[by*g.bw+bx])/2)
				}
				g.dark[bx] = t
			}
		}
		row, ok := g.readRow(src, y)
		if !ok {
			break
		}
		clear(words)
		// A word of each matrix row at a time, from its eight blocks: a
		// pixel's bit is the sign of its difference from the threshold.
		whole := g.w / 32
		for wi := range whole {
			var d uint32
			px := row[wi*32 : wi*32+32 : wi*32+32]
			dark := g.dark[wi*8 : wi*8+8 : wi*8+8]
			for b, t := range dark {
				p := px[b*contrastBlock : b*contrastBlock+4 : b*contrastBlock+4]
				d |= (uint32(uint16(int16(p[0])-t)>>15) |
					uint32(uint16(int16(p[1])-t)>>15)<<1 |
					uint32(uint16(int16(p[2])-t)>>15)<<2 |
					uint32(uint16(int16(p[3])-t)>>15)<<3) << (b * contrastBlock)
			}
			words[wi] = d
		}
		for x := whole * 32; x < g.w; x++ {
			if int16(row[x]) < g.dark[x/contrastBlock] {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		m.SetRow(y, g.out)
	}
	clear(words)
	return m
}

// windowMin sets each dst[i] to the least of src[i-half..i+half] (within
// src), half = contrastSpan/2 = 2: the inner elements unrolled, the two
// at each end apart.
func windowMin(dst, src []byte) {
	const half = contrastSpan / 2
	n := len(src)
	if n < contrastSpan {
		for i := range dst[:n] {
			low := byte(255)
			for _, m := range src[max(0, i-half):min(n, i+half+1)] {
				low = min(low, m)
			}
			dst[i] = low
		}
		return
	}
	dst[0] = min(src[0], src[1], src[2])
	dst[1] = min(dst[0], src[3])
	for i := half; i < n-half; i++ {
		w := src[i-half : i+half+1 : i+half+1]
		dst[i] = min(w[0], w[1], w[2], w[3], w[4])
	}
	dst[n-1] = min(src[n-1], src[n-2], src[n-3])
	dst[n-2] = min(dst[n-1], src[n-4])
}

// wipe clears the row of the image it keeps and forgets the image.
func (g *grayView) wipe() {
	clear(g.row)
	clear(g.blockMin)
	clear(g.rowMin)
	g.src = nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
