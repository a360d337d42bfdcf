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
	blockMin     []byte
	rowMin       []byte  // the least of blockMin along a window's row
	mean, low    []int16 // per block: the window's mean and darkest pixel
	dark         []int16 // per block column: the threshold
	out          *gozxing.BitArray
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
		row, err := src.GetRow(y, g.row)
		if err != nil || len(row) < w {
			return false
		}
		g.row = row
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
		mins := g.blockMin[by*bw : (by+1)*bw]
		for bx := range mins {
			low := byte(255)
			for _, m := range mins[max(0, bx-half):min(bw, bx+half+1)] {
				low = min(low, m)
			}
			g.rowMin[by*bw+bx] = low
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
			low := byte(255)
			for yy := y0; yy < y1; yy++ {
				low = min(low, g.rowMin[yy*bw+bx])
			}
			g.low[by*bw+bx] = int16(low)
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
		row, err := src.GetRow(y, g.row)
		if err != nil || len(row) < g.w {
			break
		}
		g.row = row
		clear(words)
		// A word of each matrix row at a time, from its eight blocks: a
		// pixel's bit is the sign of its difference from the threshold.
		whole := g.w / 32
		for wi := range whole {
			var d uint32
			px := row[wi*32 : wi*32+32]
			dark := g.dark[wi*8 : wi*8+8]
			for k := range 32 {
				d |= uint32(uint16(int16(px[k])-dark[k/contrastBlock])>>15) << k
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
