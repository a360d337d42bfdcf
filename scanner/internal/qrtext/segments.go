// Package qrtext decodes the data segments the QR family shares (ISO/IEC
// 18004:2015 §7.4.4 to §7.4.6: numeric, alphanumeric, byte and kanji),
// for the Micro QR and rMQR readers, whose mode indicators and character
// count lengths differ but whose segments do not.
package qrtext

import (
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
)

// Bits is a bit stream read most significant bit first.
type Bits interface {
	// Read returns the next k bits, or an error past the end.
	Read(k int) (int, error)
	// Left returns how many bits remain.
	Left() int
}

// AlphanumericChars are the 45 characters of alphanumeric mode, by value.
const AlphanumericChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// GroupSeparator stands for FNC1 in GS1 data.
const GroupSeparator = '\x1d'

// Numeric reads count digits: three in 10 bits, a last two in 7, one in 4.
func Numeric(b Bits, count int, out *strings.Builder) error {
	for count > 0 {
		n, bits, limit := min(count, 3), 10, 1000
		switch n {
		case 2:
			bits, limit = 7, 100
		case 1:
			bits, limit = 4, 10
		}
		v, err := b.Read(bits)
		if err != nil {
			return err
		}
		if v >= limit {
			return gozxing.NewFormatException("qr data: bad numeric value %d", v)
		}
		s := []byte{byte('0' + v/100), byte('0' + v/10%10), byte('0' + v%10)}
		out.Write(s[3-n:])
		count -= n
	}
	return nil
}

// Alphanumeric reads count characters, pairs in 11 bits and a last odd
// one in 6. With FNC1 in effect, "%" stands for FNC1 and "%%" for "%"
// (§7.4.8.2).
func Alphanumeric(b Bits, count int, fnc1 bool, out *strings.Builder) error {
	var seg []byte
	for count > 0 {
		bits, base := 11, 45*45
		if count == 1 {
			bits, base = 6, 45
		}
		v, err := b.Read(bits)
		if err != nil {
			return err
		}
		if v >= base {
			return gozxing.NewFormatException("qr data: bad alphanumeric value %d", v)
		}
		if count == 1 {
			seg = append(seg, AlphanumericChars[v])
		} else {
			seg = append(seg, AlphanumericChars[v/45], AlphanumericChars[v%45])
		}
		count -= min(count, 2)
	}
	if !fnc1 {
		out.Write(seg)
		return nil
	}
	for i := 0; i < len(seg); i++ {
		switch {
		case seg[i] != '%':
			out.WriteByte(seg[i])
		case i+1 < len(seg) && seg[i+1] == '%':
			out.WriteByte('%')
			i++
		default:
			out.WriteByte(GroupSeparator)
		}
	}
	return nil
}

// Byte reads count 8-bit bytes and writes them in the ECI's character set,
// or without one in the character set gozxing guesses for QR Code (the
// standard's default is ISO/IEC 8859-1, which the guess keeps for bytes
// that are neither UTF-8 nor Shift JIS). It returns the raw bytes.
func Byte(b Bits, count int, eci *common.CharacterSetECI, out *strings.Builder) ([]byte, error) {
	if 8*count > b.Left() {
		return nil, gozxing.NewFormatException("qr data: byte segment past the end")
	}
	raw := make([]byte, count)
	for i := range raw {
		v, _ := b.Read(8)
		raw[i] = byte(v)
	}
	charset, err := common.StringUtils_guessCharset(raw, nil)
	if eci != nil {
		charset, err = eci.GetCharset(), nil
	}
	if err == nil && charset != nil {
		if s, err := charset.NewDecoder().Bytes(raw); err == nil {
			out.Write(s)
			return raw, nil
		}
	}
	for _, c := range raw {
		out.WriteRune(rune(c))
	}
	return raw, nil
}

// Kanji reads count 13-bit Shift JIS characters (§7.4.6).
func Kanji(b Bits, count int, out *strings.Builder) error {
	if 13*count > b.Left() {
		return gozxing.NewFormatException("qr data: kanji segment past the end")
	}
	sjis := make([]byte, 0, 2*count)
	for i := 0; i < count; i++ {
		v, _ := b.Read(13)
		w := (v/0xc0)<<8 | v%0xc0
		if w < 0x1f00 {
			w += 0x8140
		} else {
			w += 0xc140
		}
		sjis = append(sjis, byte(w>>8), byte(w))
	}
	s, err := common.CharacterSetECI_SJIS.GetCharset().NewDecoder().Bytes(sjis)
	if err != nil {
		return gozxing.NewFormatException("qr data: bad kanji")
	}
	out.Write(s)
	return nil
}
