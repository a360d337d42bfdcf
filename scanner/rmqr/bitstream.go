package rmqr

import (
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"

	"github.com/scannerd/scannerd/scanner/internal/qrtext"
)

// Mode indicators of rMQR (ISO/IEC 23941:2022 §7.4.2, Table 2): three bits.
const (
	modeTerminator = iota
	modeNumeric
	modeAlphanumeric
	modeByte
	modeKanji
	modeFNC1First
	modeFNC1Second
	modeECI
)

// bitReader reads bits most significant first.
type bitReader struct {
	data []byte
	pos  int
}

func (b *bitReader) Left() int { return 8*len(b.data) - b.pos }

func (b *bitReader) Read(k int) (int, error) {
	if k > b.Left() {
		return 0, gozxing.NewFormatException("rmqr: data ends early")
	}
	v := 0
	for i := 0; i < k; i++ {
		bit := b.data[b.pos/8] >> (7 - b.pos%8) & 1
		v = v<<1 | int(bit)
		b.pos++
	}
	return v, nil
}

// decoded is a symbol's data: its text, the bytes of its byte segments and
// whether it carries GS1 data (FNC1 in first position).
type decoded struct {
	text    string
	bytes   []byte
	gs1     bool
	aim     bool // FNC1 in second position: an AIM application indicator leads
	eciUsed bool
}

// decodeBits decodes the data codewords of a symbol of version v (§7.4).
func decodeBits(data []byte, v version) (decoded, error) {
	br := &bitReader{data: data}
	var out decoded
	var text strings.Builder
	var charset *common.CharacterSetECI
	for br.Left() >= 3 {
		mode, _ := br.Read(3)
		switch mode {
		case modeTerminator:
			out.text = text.String()
			return out, nil
		case modeFNC1First:
			out.gs1 = true
			continue
		case modeFNC1Second:
			ai, err := br.Read(8)
			if err != nil {
				return out, err
			}
			out.aim = true
			if ai < 100 {
				text.WriteByte(byte('0' + ai/10))
				text.WriteByte(byte('0' + ai%10))
			} else if ai >= 165 && ai <= 190 || ai >= 197 && ai <= 222 {
				text.WriteByte(byte(ai - 100))
			} else {
				return out, gozxing.NewFormatException("rmqr: bad application indicator %d", ai)
			}
			continue
		case modeECI:
			value, err := readECI(br)
			if err != nil {
				return out, err
			}
			eci, err := common.GetCharacterSetECIByValue(value)
			if err != nil || eci == nil {
				return out, gozxing.NewFormatException("rmqr: unsupported ECI %d", value)
			}
			charset = eci
			out.eciUsed = true
			continue
		}
		count, err := br.Read(v.count[mode-modeNumeric])
		if err != nil {
			return out, err
		}
		switch mode {
		case modeNumeric:
			err = qrtext.Numeric(br, count, &text)
		case modeAlphanumeric:
			err = qrtext.Alphanumeric(br, count, out.gs1 || out.aim, &text)
		case modeByte:
			var b []byte
			b, err = qrtext.Byte(br, count, charset, &text)
			out.bytes = append(out.bytes, b...)
		case modeKanji:
			err = qrtext.Kanji(br, count, &text)
		}
		if err != nil {
			return out, err
		}
	}
	// The data may fill the symbol with no room for a terminator.
	out.text = text.String()
	return out, nil
}

// readECI reads an ECI designator of one, two or three codewords (ISO/IEC
// 18004:2015 §7.4.3.2, which rMQR follows).
func readECI(br *bitReader) (int, error) {
	first, err := br.Read(8)
	if err != nil {
		return 0, err
	}
	switch {
	case first&0x80 == 0:
		return first, nil
	case first&0xc0 == 0x80:
		second, err := br.Read(8)
		return (first&0x3f)<<8 | second, err
	case first&0xe0 == 0xc0:
		rest, err := br.Read(16)
		return (first&0x1f)<<16 | rest, err
	}
	return 0, gozxing.NewFormatException("rmqr: bad ECI designator")
}
