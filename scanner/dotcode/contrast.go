package dotcode

import (
	"encoding/binary"
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The dot binarizer compares each pixel with the window around its block:
// contrastSpan×contrastSpan blocks of contrastBlock pixels (20 pixels
// across), wide enough to hold a few dots and the paper between them.
const (
	contrastBlock = 4
	contrastSpan  = 5
)

// grayView holds a gray image's window statistics, from which the dot
// binarizations are made. Its buffers are the reader's, reused between
// images, and all of them pictures of the image: wipeScratch clears those
// the binarizations do not read, wipe every one.
type grayView struct {
	src          gozxing.LuminanceSource
	w, h, bw, bh int
	row, row2    []byte   // rows copied from a source that lends none
	sum          []uint32 // block sums
	col          []uint32 // a row of blocks' windows' sums down their columns
	blockMin     []byte   // per block its darkest pixel, then its window's
	rowMin       []byte   // the least of blockMin along a window's row
	mean, low    []int16  // per block: the window's mean and darkest pixel
	dark         []int16  // per block column: the threshold
	pairs        []uint64 // per two block columns: their thresholds in lanes (see darkBits)
	thr          []byte   // per pixel of the whole words: its block's threshold (see setWide)
	tail         [32]byte // per pixel of the last 32: its block's threshold (see binarizeRows)
	out          *gozxing.BitArray
	// offset is how far below its window's mean a pixel must lie to be
	// taken for ink (see noiseOffset).
	offset int16
	// held: load or a binarization wrote the rows, sums or thresholds
	// since the last wipeScratch (the scanner wipes the reader after
	// every pass, most of which searched nothing).
	held bool
	// blocks is the most blocks load measured since the last
	// wipeScratch, windows since the last wipe: sum, blockMin and rowMin,
	// and mean and low, hold no more of an image than that (a smaller
	// image leaves a larger one's past its own), so the wipes clear that
	// much of each, not its capacity, the largest frame's.
	blocks, windows int
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
	return g.readRowInto(src, y, &g.row)
}

// readRowInto returns row y of src: lent when src can, else copied into
// *buf, one of the rows g keeps.
func (g *grayView) readRowInto(src gozxing.LuminanceSource, y int, buf *[]byte) ([]byte, bool) {
	if l, ok := src.(rowLender); ok {
		if row := l.LendRow(y); len(row) >= g.w {
			return row, true
		}
	}
	row, err := src.GetRow(y, *buf)
	if err != nil || len(row) < g.w {
		return nil, false
	}
	*buf = row
	return row, true
}

// load measures src's windows: the mean of each and its darkest pixel,
// from every other row (enough for both, and half the reading).
func (g *grayView) load(src gozxing.LuminanceSource) bool {
	w, h := src.GetWidth(), src.GetHeight()
	bw, bh := (w+contrastBlock-1)/contrastBlock, (h+contrastBlock-1)/contrastBlock
	g.src, g.w, g.h, g.bw, g.bh = src, w, h, bw, bh
	g.held = true
	g.blocks, g.windows = max(g.blocks, bw*bh), max(g.windows, bw*bh)
	g.sum = grow(g.sum, bw*bh)
	g.blockMin = grow(g.blockMin, bw*bh)
	full := w / contrastBlock * contrastBlock
	var diffs [256]int32 // see noiseOffset
	noiseEvery := max(1, bh/noiseRows)
	for by := 0; by < bh; by++ {
		// The block row's two rows read (its first and third), combined
		// before its blocks are: each block is written once.
		top, ok := g.readRowInto(src, by*contrastBlock, &g.row)
		if !ok {
			return false
		}
		second, both := top, by*contrastBlock+2 < h
		if both {
			if second, ok = g.readRowInto(src, by*contrastBlock+2, &g.row2); !ok {
				return false
			}
		}
		if by%noiseEvery == 0 {
			countDiffs(&diffs, top[:w])
		}
		sums := g.sum[by*bw : (by+1)*bw]
		mins := g.blockMin[by*bw : (by+1)*bw]
		// Eight blocks at a time in vector registers (blocksWide), then
		// two at a time: the pixels' pairs of both rows summed and
		// their least taken in the 16-bit lanes of a word, then the
		// lanes' pairs, the first block's in the low two lanes.
		x := blocksWide(top, second, both, full, sums, mins)
		for ; x+2*contrastBlock <= full; x += 2 * contrastBlock {
			a := binary.LittleEndian.Uint64(top[x : x+8 : x+8])
			b := binary.LittleEndian.Uint64(second[x : x+8 : x+8])
			ae, ao, be, bo := a&lanesFF, a>>8&lanesFF, b&lanesFF, b>>8&lanesFF
			pairs := ae + ao
			low := lanesMin(ae, ao)
			if both {
				pairs += be + bo
				low = lanesMin(low, lanesMin(be, bo))
			}
			low = lanesMin(low, low>>16)
			k := x / contrastBlock
			sums[k] = uint32(pairs&0xffff + pairs>>16&0xffff)
			sums[k+1] = uint32(pairs>>32&0xffff + pairs>>48)
			mins[k] = byte(low)
			mins[k+1] = byte(low >> 32)
		}
		rows := [2][]byte{top, second}
		n := 1
		if both {
			n = 2
		}
		for ; x < w; x += contrastBlock {
			k, end := x/contrastBlock, min(w, x+contrastBlock)
			sum, low := uint32(0), byte(255)
			for _, row := range rows[:n] {
				for _, v := range row[x:end] {
					sum += uint32(v)
					low = min(low, v)
				}
			}
			sums[k], mins[k] = sum, low
		}
	}
	g.offset = noiseOffset(&diffs)
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
			bx := minWide(low, next)          // 32 blocks at once in vector registers
			for ; bx+8 <= len(low); bx += 8 { // eight blocks at once
				a := binary.LittleEndian.Uint64(low[bx : bx+8 : bx+8])
				b := binary.LittleEndian.Uint64(next[bx : bx+8 : bx+8])
				binary.LittleEndian.PutUint64(low[bx:bx+8:bx+8], bytesMin(a, b))
			}
			for ; bx < len(low); bx++ {
				low[bx] = min(low[bx], next[bx])
			}
		}
	}
	// The windows' sums, separably: down the columns, the block sums of
	// the rows a window spans, kept as the window slides down a row of
	// blocks at a time (a row in, a row out), then along the row those
	// column sums of the blocks a window spans. The blocks whose window
	// lies whole within the image, of contrastSpan blocks of
	// contrastBlock pixels each way (rows read: every other), are
	// divided by a constant.
	const inner = contrastSpan * contrastBlock * (contrastSpan * contrastBlock / 2)
	innerX0, innerX1 := half, min(bw, w/contrastBlock)-half // window [bx-half, bx+half] of whole blocks
	g.col = grow(g.col, bw)
	col := g.col
	for by := range min(bh, half) {
		addRow(col, g.sum[by*bw:(by+1)*bw])
	}
	for by := 0; by < bh; by++ {
		switch in, out := by+half, by-half-1; {
		case in < bh && out >= 0:
			slideRow(col, g.sum[in*bw:(in+1)*bw], g.sum[out*bw:(out+1)*bw])
		case in < bh:
			addRow(col, g.sum[in*bw:(in+1)*bw])
		case out >= 0:
			subRow(col, g.sum[out*bw:(out+1)*bw])
		}
		y0, y1 := max(0, by-half), min(bh, by+half+1)
		// Rows read: the even ones of the window's pixel rows.
		py := (min(h, y1*contrastBlock) - y0*contrastBlock + 1) / 2
		means, lows := g.mean[by*bw:(by+1)*bw], g.low[by*bw:(by+1)*bw]
		window := func(bx int) {
			x0, x1 := max(0, bx-half), min(bw, bx+half+1)
			px := min(w, x1*contrastBlock) - x0*contrastBlock
			var s uint32
			for _, c := range col[x0:x1] {
				s += c
			}
			means[bx] = int16(int(s) / (px * py))
		}
		if py != inner/(contrastSpan*contrastBlock) || innerX1 <= innerX0 {
			for bx := range means {
				window(bx)
			}
		} else {
			for bx := range innerX0 {
				window(bx)
			}
			// Eight at a time in vector registers (meansWide), then
			// one by one.
			for bx := innerX0 + meansWide(means[innerX0:innerX1], col[innerX0-half:innerX1+half]); bx < innerX1; bx++ {
				c := col[bx-half : bx+half+1 : bx+half+1]
				means[bx] = int16((c[0] + c[1] + c[2] + c[3] + c[4]) / inner)
			}
			for bx := innerX1; bx < bw; bx++ {
				window(bx)
			}
		}
		mins := g.blockMin[by*bw : (by+1)*bw]
		for bx := lowsWide(lows, mins); bx < bw; bx++ {
			lows[bx] = int16(mins[bx])
		}
	}
	return true
}

// noiseRows is about how many rows the noise is measured on, the first
// rows of rows of blocks spread over the image (see noiseOffset): a
// quartile of a few thousand differences is within a few hundredths of
// the noise's, and measured on every fourth, the rows cost 8 % of the
// search of an image without dots.
const noiseRows = 12

// countDiffs counts in diffs the absolute differences of row's
// horizontally adjacent pixels, in disjoint pairs.
func countDiffs(diffs *[256]int32, row []byte) {
	for x := 1; x < len(row); x += 2 {
		a, b := row[x-1], row[x]
		diffs[max(a, b)-min(a, b)]++
	}
}

// noiseOffset returns how far below its window's mean a pixel must lie to
// be taken for ink: 12 levels, or three times the sensor noise where that
// is more (a light pixel then passes for ink once in 740; at 12 levels
// fixed, noise of σ 8 made one light pixel in fifteen a speck, and the
// specks round a symbol joined its dots' cluster and drew its lattice
// out). The noise σ is estimated from the differences of adjacent pixels
// (diffs, counted by countDiffs): on paper a difference is normal of
// deviation σ√2, its absolute value's first quartile 0.45σ. The quartile
// rather than the median, as a symbol's and a scene's edges make up part
// of the pairs: where they are a third of them, the quartile is the
// paper's 37th percentile, 0.68σ, an offset of 4.5σ.
func noiseOffset(diffs *[256]int32) int16 {
	n := int32(0)
	for _, c := range diffs {
		n += c
	}
	if n == 0 {
		return 12
	}
	// The quartile, interpolated within the level it falls in (level d
	// counting the differences from d-0.5 to d+0.5).
	want, below := float64(n)/4, 0.0
	q := 0.0
	for d, c := range diffs {
		if below+float64(c) >= want {
			q = max(0, float64(d)-0.5+(want-below)/float64(c))
			break
		}
		below += float64(c)
	}
	return int16(max(12, min(120, math.Round(3*q/0.45))))
}

// binarize writes into m (allocated when nil or of another size) the
// pixels of src darker than their window's mean by the offset (see
// noiseOffset: at least 12 levels, more than a mean's 1/24 as a mean is
// at most 255; a small dot blurred by a third of a module keeps only
// about a quarter of its ink at its centre): the
// dark image, whose dots are sampled. With cores, only those darker than
// halfway from the mean to the window's darkest pixel too: dots that blur
// joined come apart there, each keeping its darker centre, and they are
// found among those. src is the image load measured; the row g keeps is
// left to wipe.
func (g *grayView) binarize(src gozxing.LuminanceSource, m *gozxing.BitMatrix, cores bool) *gozxing.BitMatrix {
	if m == nil || m.GetWidth() != g.w || m.GetHeight() != g.h {
		m, _ = gozxing.NewBitMatrix(g.w, g.h)
	}
	if g.out == nil || g.out.GetSize() != g.w {
		g.out = gozxing.NewBitArray(g.w)
	}
	words := g.out.GetBitArray()
	g.binarizeRows(src, cores, func(int) []uint32 { return words }, func(y int) { m.SetRow(y, g.out) })
	clear(words)
	return m
}

// binarizeWords is binarize into a wordImage (resized to the image).
func (g *grayView) binarizeWords(src gozxing.LuminanceSource, m *wordImage, cores bool) {
	m.resize(g.w, g.h)
	g.binarizeRows(src, cores, m.row, nil)
}

// binarizeRows binarizes src (see binarize) a row at a time: into the
// words rowOf returns for row y, then handed to done (when not nil).
func (g *grayView) binarizeRows(src gozxing.LuminanceSource, cores bool, rowOf func(y int) []uint32, done func(y int)) {
	g.held = true
	g.dark = grow(g.dark, g.bw)
	g.pairs = grow(g.pairs, (g.bw+1)/2)
	// The pixels past the whole groups of 32, in vector registers as the
	// image's last 32 pixels (some of the last group again), their bits
	// shifted down to the partial word's.
	whole, part := g.w/32, g.w%32
	tailed := vectors && whole > 0 && part > 0
	for y := 0; y < g.h; y++ {
		if y%contrastBlock == 0 {
			by := y / contrastBlock
			means := g.mean[by*g.bw : (by+1)*g.bw]
			lows := g.low[by*g.bw : (by+1)*g.bw : (by+1)*g.bw]
			dark := g.dark[:len(means):len(means)]
			// The threshold is the mean less the offset. It is at most
			// 255, so only its floor needs clamping (see clampLevel).
			// The blocks of whole groups of 32 pixels in vector
			// registers (setWide), the rest here.
			from := g.setWide(means, lows, cores)
			if cores {
				for bx := from; bx < len(means); bx++ {
					dark[bx] = max(0, min(means[bx]-g.offset, (means[bx]+lows[bx])/2))
				}
			} else {
				for bx := from; bx < len(means); bx++ {
					dark[bx] = max(0, means[bx]-g.offset)
				}
			}
			if tailed {
				// The last 32 pixels' thresholds: setWide's in the
				// whole groups, the rest their blocks'.
				for j := range g.tail {
					if p := g.w - 32 + j; p < 32*whole {
						g.tail[j] = g.thr[p]
					} else {
						g.tail[j] = byte(dark[p/contrastBlock])
					}
				}
			}
			if !vectors {
				pairs := g.pairs[:len(dark)/2]
				for i := range pairs {
					pairs[i] = uint64(dark[2*i])*lanesLow | uint64(dark[2*i+1])*lanesHigh
				}
				if len(dark)%2 == 1 {
					g.pairs[len(dark)/2] = uint64(dark[len(dark)-1]) * lanesLow
				}
			}
		}
		row, ok := g.readRow(src, y)
		if !ok {
			break
		}
		words := rowOf(y)
		clear(words)
		// 32 pixels at a time in vector registers (darkWide), or a word
		// of each matrix row at a time, from its eight blocks, two at a
		// time (see darkBits).
		for wi := g.darkWide(row, words); wi < whole; wi++ {
			px := row[wi*32 : wi*32+32 : wi*32+32]
			pairs := g.pairs[wi*4 : wi*4+4 : wi*4+4]
			words[wi] = darkBits(binary.LittleEndian.Uint64(px[0:8]), pairs[0]) |
				darkBits(binary.LittleEndian.Uint64(px[8:16]), pairs[1])<<8 |
				darkBits(binary.LittleEndian.Uint64(px[16:24]), pairs[2])<<16 |
				darkBits(binary.LittleEndian.Uint64(px[24:32]), pairs[3])<<24
		}
		x := whole * 32
		if tailed {
			words[whole] = darkTail(row[g.w-32:g.w], &g.tail) >> (32 - part)
			x = g.w
		}
		for ; x < g.w; x++ {
			if int16(row[x]) < g.dark[x/contrastBlock] {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		if done != nil {
			done(y)
		}
	}
}

// wordImage is a binarized image held as words, pixel (x, y) bit x%32 of
// row y's word x/32, set when dark: the dot cores, whose rows the blob
// finder reads in place. Its zero value is an empty image.
type wordImage struct {
	w, h, rowSize int
	words         []uint32
}

// resize makes m w by h pixels, its words kept when they suffice; the
// rows are then to be written whole.
func (m *wordImage) resize(w, h int) {
	m.w, m.h, m.rowSize = w, h, (w+31)/32
	// A smaller image's words, outgrown, are cleared as they are let go.
	m.words = scrub.Room(m.words, m.rowSize*h)[:m.rowSize*h]
}

// row returns the words of row y.
func (m *wordImage) row(y int) []uint32 {
	return m.words[y*m.rowSize : (y+1)*m.rowSize : (y+1)*m.rowSize]
}

// clear zeroes m's words, all it has held.
func (m *wordImage) clear() { clear(m.words[:cap(m.words)]) }

// Words of four 16-bit lanes, each holding a value from 0 to 255.
const (
	lanesLow  = 0x0000000000010001 // 1 in the two low lanes
	lanesHigh = 0x0001000100000000 // 1 in the two high lanes
	lanesFF   = 0x00ff00ff00ff00ff // 255 in each lane; the even bytes of a word
	lanes8    = 0x0100010001000100 // bit 8 of each lane
	lanesBit0 = 0x0101010101010101 // bit 0 of each byte
)

// lanesMin returns the lesser value of each lane of a and b: 256+a-b
// keeps its bit 8 exactly where a >= b, and borrows from no other lane.
func lanesMin(a, b uint64) uint64 {
	atLeast := ((a | lanes8) - b) & lanes8 >> 8 * 0xff
	return a ^ (a^b)&atLeast
}

// bytesMin returns the lesser of each byte of a and b, the even and the
// odd bytes compared in lanes apart.
func bytesMin(a, b uint64) uint64 {
	return lanesMin(a&lanesFF, b&lanesFF) | lanesMin(a>>8&lanesFF, b>>8&lanesFF)<<8
}

// clampLevel returns threshold t within the gray levels: a threshold of 0
// or below leaves every pixel light, as t does.
func clampLevel(t int16) int16 { return min(max(t, 0), 255) }

// darkBits returns one bit for each of the eight pixels packed in v (the
// first in the lowest byte), set when the pixel is darker than its
// block's threshold: tt holds the first block's (pixels 0 to 3) in its two
// low lanes, the second's in its two high ones. It compares four pixels
// at a time without branches: in 16-bit lanes, 256+v-t keeps its bit 8
// exactly when v >= t, and borrows from no other lane; a multiplication
// gathers the eight bits, each of its terms landing on a bit of its own.
func darkBits(v, tt uint64) uint32 {
	const gather = 0x0102040810204080              // bit 8i to bit 56+i
	even := ((v&lanesFF | lanes8) - tt) & lanes8   // pixels 0, 2, 4, 6 at bits 8, 24, 40, 56
	odd := ((v>>8&lanesFF | lanes8) - tt) & lanes8 // pixels 1, 3, 5, 7 at bits 8, 24, 40, 56
	return uint32(((even>>8 | odd) ^ lanesBit0) * gather >> 56)
}

// windowMin sets each dst[i] to the least of src[i-half..i+half] (within
// src), half = contrastSpan/2 = 2: the inner elements 32 at a time in
// vector registers (windowMinWide) and then unrolled, the two at each end
// apart.
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
	for i := windowMinWide(dst, src, half); i < n-half; i++ {
		w := src[i-half : i+half+1 : i+half+1]
		dst[i] = min(w[0], w[1], w[2], w[3], w[4])
	}
	dst[n-1] = min(src[n-1], src[n-2], src[n-3])
	dst[n-2] = min(dst[n-1], src[n-4])
}

// addRow adds src to dst, element by element: eight at a time in vector
// registers (addWide), the rest here.
func addRow(dst, src []uint32) {
	for i := addWide(dst, src); i < len(dst); i++ {
		dst[i] += src[i]
	}
}

// slideRow adds in to dst and subtracts out from it (see addRow).
func slideRow(dst, in, out []uint32) {
	for i := slideWide(dst, in, out); i < len(dst); i++ {
		dst[i] += in[i] - out[i]
	}
}

// subRow subtracts src from dst, element by element (see addRow).
func subRow(dst, src []uint32) {
	for i := subWide(dst, src); i < len(dst); i++ {
		dst[i] -= src[i]
	}
}

// wipeScratch clears what load and the binarizations worked in since
// the last wipeScratch, and forgets the image: the rows copied, the
// blocks' sums and darkest pixels, the windows' sums down the columns and
// the thresholds. It leaves the windows' means, darkest pixels and
// offset, which a later binarization of the image reads (see
// Reader.viewDark), to wipe. The arrays a row or a row of blocks long
// are cleared to their capacity, a row of the widest frame's: a
// narrower image's leaves a wider one's past its own.
func (g *grayView) wipeScratch() {
	g.src = nil
	if !g.held {
		return
	}
	n := g.blocks
	g.held, g.blocks = false, 0
	clear(g.row[:cap(g.row)])
	clear(g.row2[:cap(g.row2)])
	clear(scrub.UpTo(g.sum, n))
	clear(scrub.UpTo(g.blockMin, n))
	clear(scrub.UpTo(g.rowMin, n))
	clear(g.col[:cap(g.col)])
	clear(g.dark[:cap(g.dark)])
	clear(g.pairs[:cap(g.pairs)])
	clear(g.thr[:cap(g.thr)])
	clear(g.tail[:])
}

// wipe is wipeScratch, and clears the windows' means, darkest pixels and
// offset too: the image's statistics, which no binarization reads after.
func (g *grayView) wipe() {
	g.wipeScratch()
	n := g.windows
	g.windows = 0
	clear(scrub.UpTo(g.mean, n))
	clear(scrub.UpTo(g.low, n))
	g.offset = 0
}

// grow returns s with length n, every element zero, in s's array where
// it has room.
func grow[T any](s []T, n int) []T {
	s = scrub.Room(s, n)[:n] // an array outgrown is cleared as it is let go
	clear(s)
	return s
}
