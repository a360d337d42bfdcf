package scanner

import "encoding/binary"

// Block contrast for adaptive decoding: the darkest and lightest pixel of
// every 8×8 block, counted per cell. The columns of a block row are
// reduced 32 at a time in vector registers where the build and the
// processor have them (blockRow), otherwise eight at a time in one 64-bit
// word (SIMD within a register): the pass over a 1080p frame costs a few
// hundred microseconds rather than several milliseconds.

// byteHighBits has the top bit of each byte of a word set.
const byteHighBits = 0x8080808080808080

// bytesAtLeast returns a word whose bytes are 0xFF where the byte of a is
// at least the byte of b, as unsigned numbers, and 0 elsewhere. Setting
// a's top bits and clearing b's keeps each byte's difference from
// borrowing from the next; its top bit then compares the low seven bits,
// and the top bits of a and b decide the rest.
func bytesAtLeast(a, b uint64) uint64 {
	low := (a | byteHighBits) - (b &^ byteHighBits)
	ge := ((a &^ b) | (^(a ^ b) & low)) & byteHighBits
	return (ge >> 7) * 0xFF
}

// bytesMinMax returns the bytewise minimum and maximum of a and b.
func bytesMinMax(a, b uint64) (lo, hi uint64) {
	m := bytesAtLeast(a, b)
	return b&m | a&^m, a&m | b&^m
}

// lowBytes selects the even bytes of a word, as four 16-bit lanes.
const lowBytes = 0x00FF00FF00FF00FF

// blockStats is what one pass over a plane tells of its blocks.
type blockStats struct {
	// count has one entry per cellSize×cellSize cell, cw cells a row:
	// how many of its blocks hold a contrast (countContrastBlocks).
	count []uint8
	cw    int
	// means and spans have one entry per whole block, w/blockSize a row:
	// its pixels' mean, and the gray levels from its darkest to its
	// lightest pixel (with the first row and column of the next block).
	means, spans []uint8
}

// wipe zeroes the blocks' means and spans, a picture of the plane at an
// eighth of its size.
func (s *blockStats) wipe() {
	clear(s.means)
	clear(s.spans)
}

// countContrastBlocks adds to count, one entry per cellSize×cellSize cell
// of the w×h plane lum (cw cells a row), its blocks of blockSize pixels
// whose pixels, with the first row and column of the next block (an edge
// on the line between two blocks, modules as large as the blocks and
// aligned with them, still shows), span at least minBlockContrast gray
// levels. Only whole blocks are looked at. means and spans, when not nil,
// receive for each whole block (w/blockSize a row) its own 64 pixels'
// mean and the gray levels its pixels so span.
func countContrastBlocks(lum []byte, w, h int, count []uint8, cw int, means, spans []uint8) {
	if blockRowVectors {
		countContrastBlocksRows(lum, w, h, count, cw, means, spans)
	} else {
		countContrastBlocksWords(lum, w, h, count, cw, means, spans)
	}
}

// countContrastBlocksRows is countContrastBlocks a block row at a time
// (blockRow).
func countContrastBlocksRows(lum []byte, w, h int, count []uint8, cw int, means, spans []uint8) {
	words := w / blockSize
	mins, maxs, sums := make([]byte, words), make([]byte, words), make([]uint16, words)
	var sc blockRowScratch
	defer sc.wipe()
	for by := 0; by+blockSize <= h; by += blockSize {
		// The block's rows and the first of the next block's when the
		// plane has it; its columns and the next block's first.
		blockRow(lum, w, w, 0, by, min(h, by+blockSize+1)-by, true, mins, maxs, sums, &sc)
		cells := count[(by/cellSize)*cw:]
		blocks := (by / blockSize) * words
		for i, l := range mins {
			g := maxs[i]
			if int(g)-int(l) >= minBlockContrast {
				cells[blockSize*i/cellSize]++
			}
			if means != nil {
				means[blocks+i] = uint8((int(sums[i]) + 32) / 64)
				spans[blocks+i] = g - l
			}
		}
	}
	clear(mins)
	clear(maxs)
	clear(sums)
}

// countContrastBlocksWords is countContrastBlocks a word of 8 columns at a
// time.
func countContrastBlocksWords(lum []byte, w, h int, count []uint8, cw int, means, spans []uint8) {
	// lo and hi hold each column's darkest and lightest pixel over the
	// rows of one block row, a word of 8 columns each, and loTail and
	// hiTail those of the columns after the last whole word; even and odd
	// the sums of the block's own rows, its even and odd columns in 16-bit
	// lanes, a word of them per block. Words rather than bytes: a row is
	// read and the minima written a word at a time (and, under the race
	// detector, checked so too).
	words := w / 8
	lo, hi := make([]uint64, words), make([]uint64, words)
	var loTail, hiTail [8]byte
	even, odd := make([]uint64, words), make([]uint64, words)
	for by := 0; by+blockSize <= h; by += blockSize {
		y1 := min(h, by+blockSize+1)
		first := lum[by*w : by*w+w]
		for i := range lo {
			v := binary.LittleEndian.Uint64(first[8*i:])
			lo[i], hi[i] = v, v
			even[i], odd[i] = v&lowBytes, v>>8&lowBytes
		}
		copy(loTail[:], first[8*words:])
		copy(hiTail[:], first[8*words:])
		for y := by + 1; y < y1; y++ {
			row := lum[y*w : y*w+w]
			own := y < by+blockSize
			for i := range lo {
				v := binary.LittleEndian.Uint64(row[8*i:])
				lo[i], _ = bytesMinMax(lo[i], v)
				_, hi[i] = bytesMinMax(hi[i], v)
				if own {
					even[i] += v & lowBytes
					odd[i] += v >> 8 & lowBytes
				}
			}
			for x := 8 * words; x < w; x++ {
				loTail[x-8*words], hiTail[x-8*words] = min(loTail[x-8*words], row[x]), max(hiTail[x-8*words], row[x])
			}
		}
		cells := count[(by/cellSize)*cw:]
		blocks := (by / blockSize) * words
		for i := range lo {
			// The block's eight columns, then the first of the next
			// block's when the plane has it.
			l, g := lowestByte(lo[i]), highestByte(hi[i])
			switch {
			case i+1 < words:
				l, g = min(l, byte(lo[i+1])), max(g, byte(hi[i+1]))
			case 8*words < w:
				l, g = min(l, loTail[0]), max(g, hiTail[0])
			}
			if int(g)-int(l) >= minBlockContrast {
				cells[8*i/cellSize]++
			}
			if means != nil {
				// The four lanes of both words, the block's 64 pixels,
				// summed into the top lane: at most 64×255, so no lane
				// overflows.
				sum := (even[i] + odd[i]) * 0x0001000100010001 >> 48
				means[blocks+i] = uint8((sum + 32) / 64)
				spans[blocks+i] = g - l
			}
		}
	}
}

// lowestByte returns the least of the eight bytes of a word: halves,
// quarters, then bytes compared at once (the upper lanes, compared with
// zeros shifted in, are left unread).
func lowestByte(v uint64) byte {
	v, _ = bytesMinMax(v, v>>32)
	v, _ = bytesMinMax(v, v>>16)
	v, _ = bytesMinMax(v, v>>8)
	return byte(v)
}

// highestByte returns the greatest of the eight bytes of a word.
func highestByte(v uint64) byte {
	_, v = bytesMinMax(v, v>>32)
	_, v = bytesMinMax(v, v>>16)
	_, v = bytesMinMax(v, v>>8)
	return byte(v)
}
