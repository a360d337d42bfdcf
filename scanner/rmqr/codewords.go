package rmqr

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// moduleGrid is a sampled symbol: true where a module is dark.
type moduleGrid struct {
	height, width int
	dark          [maxHeight][maxWidth]bool
}

// readVersionInfo reads one copy of the 18 version information bits.
func (g *moduleGrid) readVersionInfo(subPattern bool) int {
	v := 0
	for i, m := range versionModules(g.height, g.width, subPattern) {
		if g.dark[m[0]][m[1]] {
			v |= 1 << i
		}
	}
	return v
}

// functionErrors counts the function modules that differ from what the
// version's patterns show.
func (g *moduleGrid) functionErrors(v version) (bad, n int) {
	for r := 0; r < v.height; r++ {
		for c := 0; c < v.width; c++ {
			if !v.isFunction(r, c) || isVersionModule(v, r, c) {
				continue
			}
			n++
			if g.dark[r][c] != v.functionDark(r, c) {
				bad++
			}
		}
	}
	return bad, n
}

// isVersionModule reports whether a function module carries version
// information rather than a fixed pattern.
func isVersionModule(v version, r, c int) bool {
	return (r >= 1 && r <= 5 && c >= 8 && c <= 10) || (c == 11 && r >= 1 && r <= 3) ||
		(r >= v.height-6 && r <= v.height-2 && c >= v.width-8 && c <= v.width-6) ||
		(r == v.height-6 && c >= v.width-5 && c <= v.width-3)
}

// codewords unmasks the data modules and gathers the symbol's codewords
// in placement order, into out's array where it has room: where it has
// not, the array let go is cleared, not dropped with another symbol's
// codewords in it.
func (g *moduleGrid) codewords(v version, out []byte) []byte {
	out = scrub.Grow(out[:0], v.total)
	var cur byte
	bits := 0
	for _, m := range v.dataModules() {
		if len(out) == v.total {
			break // the rest are remainder bits
		}
		cur <<= 1
		if g.dark[m[0]][m[1]] != masked(m[0], m[1]) {
			cur |= 1
		}
		if bits++; bits == 8 {
			out = append(out, cur)
			cur, bits = 0, 0
		}
	}
	return out
}

// maxBlock is the most codewords a Reed–Solomon block holds, data and
// error correction: R15x59's at level M, 48 data codewords and 26 error
// correction codewords in one block (Table 8).
const maxBlock = 74

// correct splits the interleaved codewords into their Reed–Solomon blocks
// (§7.6: the shorter blocks first, data codewords of every block in turn,
// then their error correction codewords), corrects each and returns the
// data codewords in order and the number of codewords corrected. scratch
// holds a block's codewords as corrected and as read, maxBlock entries
// each: the reader's (see Reader.blocks), which its Wipe clears, so that
// no array is made a block and dropped with the symbol's codewords in it.
func correct(rs *reedsolomon.ReedSolomonDecoder, v version, level int, cw []byte, scratch *[2 * maxBlock]int) ([]byte, int, error) {
	nb, nd := v.blocks[level], v.data[level]
	ec := (v.total - nd) / nb
	short := nd / nb
	long := nd % nb // blocks holding one more data codeword, at the end
	data := make([]byte, nd)
	fixed := 0
	for b := 0; b < nb; b++ {
		dataLen := short
		if b >= nb-long {
			dataLen++
		}
		// A block longer than maxBlock would panic here (guard.Recover
		// catches it), not spill from one half into the other.
		n := dataLen + ec
		block, orig := scratch[:n:maxBlock], scratch[maxBlock:maxBlock+n]
		for i := 0; i < dataLen; i++ {
			idx := i*nb + b
			if i == short { // only long blocks reach here, after all short rows
				idx = short*nb + b - (nb - long)
			}
			block[i] = int(cw[idx])
		}
		for i := 0; i < ec; i++ {
			block[dataLen+i] = int(cw[nd+i*nb+b])
		}
		copy(orig, block)
		if err := rs.Decode(block, ec); err != nil {
			return nil, 0, gozxing.NewChecksumException()
		}
		for i, x := range block {
			if x < 0 || x > 255 {
				return nil, 0, gozxing.NewChecksumException()
			}
			if x != orig[i] {
				fixed++
			}
		}
		// Blocks' data codewords follow one another.
		off := b * short
		if b > nb-long {
			off += b - (nb - long)
		}
		for i := 0; i < dataLen; i++ {
			data[off+i] = byte(block[i])
		}
	}
	return data, fixed, nil
}
