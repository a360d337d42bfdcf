package microqr

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// moduleGrid is a sampled symbol: true where a module is dark.
type moduleGrid struct {
	size int
	dark [17][17]bool
}

// readFormat reads the 15 format bits.
func (g *moduleGrid) readFormat() int {
	v := 0
	for _, m := range formatModules() {
		v <<= 1
		if g.dark[m[0]][m[1]] {
			v |= 1
		}
	}
	return v
}

// codewords unmasks the data modules and gathers the data and error
// correction codewords. In M1 and M3 the last data codeword holds four
// bits, kept in its high nibble as the error correction computes it.
func (g *moduleGrid) codewords(s symbolInfo, mask int, out []byte) []byte {
	out = out[:0]
	nData := s.dataWords()
	var cur byte
	bits := 0
	width := func() int {
		if s.halfLast() && len(out) == nData-1 {
			return 4
		}
		return 8
	}
	for _, m := range dataModules(g.size) {
		bit := g.dark[m[0]][m[1]] != masked(mask, m[0], m[1])
		cur <<= 1
		if bit {
			cur |= 1
		}
		bits++
		if w := width(); bits == w {
			if w == 4 {
				cur <<= 4
			}
			out = append(out, cur)
			cur, bits = 0, 0
		}
	}
	return out
}

// correct runs Reed–Solomon over GF(256) on the codewords, in place,
// returning the number corrected. M1 only detects errors.
func correct(rs *reedsolomon.ReedSolomonDecoder, s symbolInfo, cw []byte, scratch []int) (int, error) {
	scratch = scratch[:0]
	for _, b := range cw {
		scratch = append(scratch, int(b))
	}
	if err := rs.Decode(scratch, s.ecWords); err != nil {
		return 0, gozxing.NewChecksumException()
	}
	n := 0
	for i, v := range scratch {
		if v < 0 || v > 255 {
			return 0, gozxing.NewChecksumException()
		}
		if byte(v) != cw[i] {
			n++
			cw[i] = byte(v)
		}
	}
	if n > 0 && s.version == 1 {
		return 0, gozxing.NewChecksumException()
	}
	// A corrected half codeword must stay four bits long.
	if s.halfLast() && cw[s.dataWords()-1]&0x0f != 0 {
		return 0, gozxing.NewChecksumException()
	}
	return n, nil
}
