package scanner

import "encoding/binary"

// One row of 8×8 blocks at a time: the block contrast of adaptive
// decoding and the hybrid binarizer's black points both need, for every
// block, the sum of its pixels and its darkest and lightest pixel. The
// plane is read a word of 8 columns at a time (SIMD within a register),
// or, where the processor has it, 32 columns at a time in vector
// registers (blockrow_simd.go).

// blockRowScratch holds blockRow's unreduced minima and maxima, 8 bytes a
// word and padding after; wiped by the caller's wipe.
type blockRowScratch struct {
	lo, hi []byte
}

// blockBuffers are the hybrid binarizer's buffers for its block rows,
// kept by a decoder from frame to frame (scratch) and wiped after each use.
type blockBuffers struct {
	row        blockRowScratch
	mins, maxs []byte
	sums       []uint16
	thr        thresholdVectors
}

// rows returns the minima, maxima and sums of a block row of n blocks.
func (b *blockBuffers) rows(n int) (mins, maxs []byte, sums []uint16) {
	if cap(b.sums) < n {
		b.mins, b.maxs, b.sums = make([]byte, n), make([]byte, n), make([]uint16, n)
	}
	return b.mins[:n], b.maxs[:n], b.sums[:n]
}

// bytes returns the scratch for n words.
func (s *blockRowScratch) bytes(n int) (lo, hi []byte) {
	need := 8*n + 40
	if cap(s.lo) < need {
		s.lo, s.hi = make([]byte, need), make([]byte, need)
	}
	return s.lo[:need], s.hi[:need]
}

// wipe zeroes the scratch, which holds gray levels of the image.
func (s *blockRowScratch) wipe() {
	clear(s.lo[:cap(s.lo)])
	clear(s.hi[:cap(s.hi)])
}

// blockRow looks at one row of blocks of the plane lum (stride bytes a
// row): for each of the len(sums) words of 8 columns from column x0,
// sums[i] receives the sum of its 64 pixels in rows y0 to y0+7, and
// mins[i] and maxs[i] its darkest and lightest pixel in rows y0 to
// y0+rows-1 (rows is 8 or 9) — with, when edge is set, the column after
// the word too where the plane, width columns wide, has one.
func blockRow(lum []byte, stride, width, x0, y0, rows int, edge bool, mins, maxs []byte, sums []uint16, sc *blockRowScratch) {
	n := len(sums)
	lo, hi := sc.bytes(n)
	// Each word's minima and maxima over the rows, column by column.
	for i := blockRowWide(lum, stride, x0, y0, rows, lo, hi, sums); i < n; i++ {
		at := y0*stride + x0 + 8*i
		v := binary.LittleEndian.Uint64(lum[at:])
		l, g := v, v
		even, odd := v&lanesFF, v>>8&lanesFF
		for r := 1; r < rows; r++ {
			at += stride
			v = binary.LittleEndian.Uint64(lum[at:])
			l, _ = bytesMinMax(l, v)
			_, g = bytesMinMax(g, v)
			if r < blockSize {
				even += v & lanesFF
				odd += v >> 8 & lanesFF
			}
		}
		binary.LittleEndian.PutUint64(lo[8*i:], l)
		binary.LittleEndian.PutUint64(hi[8*i:], g)
		// The four lanes' sums, added into the top lane (at most
		// 64×255, well inside it).
		sums[i] = uint16((even + odd) * lanes16 >> 48)
	}
	// After the last word, the column after it when it counts, or levels
	// that change no minimum or maximum.
	end := 8 * n
	lo[end], hi[end] = 0xff, 0
	if edge && x0+end < width {
		at := y0*stride + x0 + end
		for r := 0; r < rows; r++ {
			lo[end], hi[end] = min(lo[end], lum[at]), max(hi[end], lum[at])
			at += stride
		}
	}
	// Each word's own darkest and lightest, and the next column's.
	for i := blockRowReduceWide(lo, hi, edge, mins[:n], maxs[:n]); i < n; i++ {
		l := lowestByte(binary.LittleEndian.Uint64(lo[8*i:]))
		g := highestByte(binary.LittleEndian.Uint64(hi[8*i:]))
		if edge {
			l, g = min(l, lo[8*i+8]), max(g, hi[8*i+8])
		}
		mins[i], maxs[i] = l, g
	}
}
