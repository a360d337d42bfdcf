package microqr

import (
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
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

const alphanumericChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// bitReader reads bits most significant first from data codewords whose
// total length is limited to n bits.
type bitReader struct {
	data []byte
	pos  int
	n    int
}

func (b *bitReader) left() int { return b.n - b.pos }

func (b *bitReader) read(k int) (int, error) {
	if k > b.left() {
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
	for br.left() > 0 {
		// The terminator, or a stream ending before one fits, ends data.
		k := min(term, br.left())
		if v, _ := (&bitReader{data: data, pos: br.pos, n: br.n}).read(k); v == 0 {
			break
		}
		mode := modeNumeric
		if modeLen > 0 {
			m, err := br.read(modeLen)
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
		count, err := br.read(cb)
		if err != nil {
			return "", err
		}
		switch mode {
		case modeNumeric:
			err = decodeNumeric(br, count, &text)
		case modeAlphanumeric:
			err = decodeAlphanumeric(br, count, &text)
		case modeByte:
			err = decodeByte(br, count, &text)
		case modeKanji:
			err = decodeKanji(br, count, &text)
		}
		if err != nil {
			return "", err
		}
	}
	return text.String(), nil
}

func decodeNumeric(br *bitReader, count int, out *strings.Builder) error {
	for count > 0 {
		n, bits, limit := min(count, 3), 10, 1000
		switch n {
		case 2:
			bits, limit = 7, 100
		case 1:
			bits, limit = 4, 10
		}
		v, err := br.read(bits)
		if err != nil {
			return err
		}
		if v >= limit {
			return gozxing.NewFormatException("microqr: bad numeric value %d", v)
		}
		s := []byte{byte('0' + v/100), byte('0' + v/10%10), byte('0' + v%10)}
		out.Write(s[3-n:])
		count -= n
	}
	return nil
}

func decodeAlphanumeric(br *bitReader, count int, out *strings.Builder) error {
	for count > 1 {
		v, err := br.read(11)
		if err != nil {
			return err
		}
		if v >= 45*45 {
			return gozxing.NewFormatException("microqr: bad alphanumeric value %d", v)
		}
		out.WriteByte(alphanumericChars[v/45])
		out.WriteByte(alphanumericChars[v%45])
		count -= 2
	}
	if count == 1 {
		v, err := br.read(6)
		if err != nil {
			return err
		}
		if v >= 45 {
			return gozxing.NewFormatException("microqr: bad alphanumeric value %d", v)
		}
		out.WriteByte(alphanumericChars[v])
	}
	return nil
}

// decodeByte reads 8-bit bytes; without an ECI (Micro QR has none) their
// character set is guessed as gozxing does for QR Code.
func decodeByte(br *bitReader, count int, out *strings.Builder) error {
	if 8*count > br.left() {
		return gozxing.NewFormatException("microqr: byte segment past the end")
	}
	b := make([]byte, count)
	for i := range b {
		v, _ := br.read(8)
		b[i] = byte(v)
	}
	enc, err := common.StringUtils_guessCharset(b, nil)
	if err == nil && enc != nil {
		if s, err := enc.NewDecoder().Bytes(b); err == nil {
			out.Write(s)
			return nil
		}
	}
	for _, c := range b {
		out.WriteRune(rune(c))
	}
	return nil
}

// decodeKanji reads 13-bit Shift JIS characters (ISO/IEC 18004:2015 §7.4.6).
func decodeKanji(br *bitReader, count int, out *strings.Builder) error {
	if 13*count > br.left() {
		return gozxing.NewFormatException("microqr: kanji segment past the end")
	}
	b := make([]byte, 0, 2*count)
	for i := 0; i < count; i++ {
		v, _ := br.read(13)
		w := (v/0xc0)<<8 | v%0xc0
		if w < 0x1f00 {
			w += 0x8140
		} else {
			w += 0xc140
		}
		b = append(b, byte(w>>8), byte(w))
	}
	s, err := common.CharacterSetECI_SJIS.GetCharset().NewDecoder().Bytes(b)
	if err != nil {
		return gozxing.NewFormatException("microqr: bad kanji")
	}
	out.Write(s)
	return nil
}
