package microqr

import (
	"strings"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/qrtext"
)

// Data encodation of Micro QR (ISO/IEC 18004:2015 §7.4): the mode
// indicator is 0 to 3 bits long by version, the character count indicator
// length depends on mode and version, and a terminator of 2·version+1 zero
// bits ends the data.
const (
	modeNumeric = iota
	modeAlphanumeric
	modeByte
	modeKanji
)

// countBits[mode][version-1]; 0 where the mode is not available.
var countBits = [4][4]int{
	{3, 4, 5, 6},
	{0, 3, 4, 5},
	{0, 0, 4, 5},
	{0, 0, 3, 4},
}

// bitReader reads bits most significant first from data codewords whose
// total length is limited to n bits.
type bitReader struct {
	data []byte
	pos  int
	n    int
}

func (b *bitReader) Left() int { return b.n - b.pos }

func (b *bitReader) Read(k int) (int, error) {
	if k > b.Left() {
		return 0, gozxing.NewFormatException("microqr: data ends early")
	}
	v := 0
	for i := 0; i < k; i++ {
		bit := b.data[b.pos/8] >> (7 - b.pos%8) & 1
		v = v<<1 | int(bit)
		b.pos++
	}
	return v, nil
}

// decodeBits decodes the data bit stream of a symbol.
func decodeBits(data []byte, s symbolInfo) (string, error) {
	br := &bitReader{data: data, n: s.dataBits}
	if br.n > 8*len(data) {
		return "", gozxing.NewFormatException("microqr: short data")
	}
	modeLen := s.version - 1
	term := 2*s.version + 1
	var text strings.Builder
	for br.Left() > 0 {
		// The terminator, or a stream ending before one fits, ends data.
		k := min(term, br.Left())
		if v, _ := (&bitReader{data: data, pos: br.pos, n: br.n}).Read(k); v == 0 {
			break
		}
		mode := modeNumeric
		if modeLen > 0 {
			m, err := br.Read(modeLen)
			if err != nil {
				return "", err
			}
			if m > modeKanji {
				return "", gozxing.NewFormatException("microqr: bad mode indicator %d", m)
			}
			mode = m
		}
		cb := countBits[mode][s.version-1]
		if cb == 0 {
			return "", gozxing.NewFormatException("microqr: mode %d not in M%d", mode, s.version)
		}
		count, err := br.Read(cb)
		if err != nil {
			return "", err
		}
		switch mode {
		case modeNumeric:
			err = qrtext.Numeric(br, count, &text)
		case modeAlphanumeric:
			err = qrtext.Alphanumeric(br, count, false, &text)
		case modeByte:
			_, err = qrtext.Byte(br, count, nil, &text)
		case modeKanji:
			err = qrtext.Kanji(br, count, &text)
		}
		if err != nil {
			return "", err
		}
	}
	return text.String(), nil
}
