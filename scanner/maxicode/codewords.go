package maxicode

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// Message structure, ISO/IEC 16023 §4.4 and §4.9: a primary message of 10
// data and 10 error correction codewords, and a secondary message of 84+40
// (standard error correction, modes 2, 3, 4, 6) or 68+56 codewords
// (enhanced error correction, mode 5), interleaved in two halves.
const (
	primaryData  = 10
	primaryTotal = 20
)

// gridBits is a sampled symbol: true where a module is dark.
type gridBits [gridRows][gridCols]bool

// codewords gathers the 144 six-bit codewords from a sampled grid.
func (g *gridBits) codewords(out *[numCodewords]byte) {
	*out = [numCodewords]byte{}
	for r := range g {
		for c, dark := range g[r] {
			b := moduleLayout[r][c]
			if b == noBit || !dark {
				continue
			}
			out[b/6] |= 1 << (5 - b%6)
		}
	}
}

// secondaryLayout returns the number of data and error correction codewords
// of the secondary message for a mode, or ok=false for a mode this reader
// cannot read (0 and 1 are obsolete, 7 and above undefined).
func secondaryLayout(mode int) (data, ec int, ok bool) {
	switch mode {
	case 2, 3, 4, 6:
		return 84, 40, true
	case 5:
		return 68, 56, true
	}
	return 0, 0, false
}

// corrector runs Reed–Solomon over GF(64) with scratch space reused between
// symbols.
type corrector struct {
	rs      *reedsolomon.ReedSolomonDecoder
	scratch []int
}

func newCorrector() *corrector {
	// The scratch takes a half of the secondary message at most, made
	// that large at once: an array the appends outgrew would be dropped
	// with codewords in it, which nothing clears.
	return &corrector{
		rs:      reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_MAXICODE_FIELD_64),
		scratch: make([]int, 0, (numCodewords-primaryTotal)/2),
	}
}

// correct fixes the codewords cw[start], cw[start+step], ... (count of
// them, the last ec of which are error correction) in place and returns
// how many it changed.
func (c *corrector) correct(cw []byte, start, step, count, ec int) (int, error) {
	c.scratch = c.scratch[:0]
	for i := 0; i < count; i++ {
		c.scratch = append(c.scratch, int(cw[start+i*step]))
	}
	if err := c.rs.Decode(c.scratch, ec); err != nil {
		return 0, gozxing.NewChecksumException()
	}
	fixed := 0
	for i, v := range c.scratch {
		if v < 0 || v > 63 {
			return 0, gozxing.NewChecksumException()
		}
		if byte(v) != cw[start+i*step] {
			fixed++
			cw[start+i*step] = byte(v)
		}
	}
	return fixed, nil
}

// correctAll corrects the primary message, reads the mode from it, then
// corrects both interleaved halves of the secondary message. It returns
// the mode and the number of codewords corrected.
func (c *corrector) correctAll(cw *[numCodewords]byte) (mode, fixed int, err error) {
	n, err := c.correct(cw[:], 0, 1, primaryTotal, primaryTotal-primaryData)
	if err != nil {
		return 0, 0, err
	}
	fixed += n
	mode = int(cw[0] & 0x0f)
	data, ec, ok := secondaryLayout(mode)
	if !ok {
		return mode, fixed, gozxing.NewFormatException("maxicode: unsupported mode %d", mode)
	}
	half := (data + ec) / 2
	for parity := 0; parity < 2; parity++ {
		n, err := c.correct(cw[:], primaryTotal+parity, 2, half, ec/2)
		if err != nil {
			return mode, fixed, err
		}
		fixed += n
	}
	return mode, fixed, nil
}
