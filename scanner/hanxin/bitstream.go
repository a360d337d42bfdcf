package hanxin

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/scannerd/scannerd/scanner/internal/eci"
)

// errBadData is wrapped by every failure to interpret the data bits.
var errBadData = errors.New("hanxin: invalid data")

// Mode indicators (ISO/IEC 20830 §5.4, Table 1).
const (
	modeEnd      = 0x0
	modeNumeric  = 0x1
	modeText     = 0x2
	modeBinary   = 0x3
	modeRegion1  = 0x4
	modeRegion2  = 0x5
	modeDouble   = 0x6
	modeFourByte = 0x7
	modeECI      = 0x8
)

// ECI assignments that name the character sets the decoder maps itself.
const (
	eciLatin1  = 3
	eciUTF8    = 26
	eciGB18030 = 29
)

// bitReader reads big-endian bit fields from the data codewords.
type bitReader struct {
	data []byte
	pos  int // in bits
}

func (r *bitReader) left() int { return len(r.data)*8 - r.pos }

func (r *bitReader) read(n int) (int, error) {
	if n > r.left() {
		return 0, fmt.Errorf("%w: %d bits wanted, %d left", errBadData, n, r.left())
	}
	v := 0
	for range n {
		v = v<<1 | int(r.data[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v, nil
}

// textOut gathers the decoded bytes and where their character set
// changes: the Chinese modes' bytes are GB 18030, the others in the ECI in
// force.
type textOut struct {
	msg []byte
	sw  []eci.Switch
	// eci is the ECI in force, at first the guess for binary bytes:
	// GB 18030 when a Chinese mode appears in the symbol (an encoder that
	// must use GB 18030 for the Chinese characters uses it throughout),
	// else what guessCharset makes of all the symbol's binary bytes.
	eci  int
	last int // the character set of the bytes so far
	// bin collects the binary mode bytes.
	bin []byte
}

// add appends bytes, GB 18030 ones or in the ECI in force.
func (o *textOut) add(gb bool, b ...byte) {
	cs := o.eci
	if gb {
		cs = eciGB18030
	}
	if cs != o.last {
		o.sw = append(o.sw, eci.Switch{At: len(o.msg), ECI: cs})
		o.last = cs
	}
	o.msg = append(o.msg, b...)
}

// guessCharset names the character set of binary bytes without an ECI.
// The standard's default is ISO 8859-1, but encoders (zint among them)
// write Chinese text in binary mode as GB 18030 without saying so. Bytes
// that are valid UTF-8 with multi-byte sequences read as UTF-8; bytes that
// are valid GB 18030 with a character beyond ISO 8859-1's look (a pair of
// bytes 0xa1 to 0xfe, or four bytes) as GB 18030; the rest as ISO 8859-1.
func guessCharset(b []byte) int {
	high := false
	for _, c := range b {
		if c >= 0x80 {
			high = true
			break
		}
	}
	switch {
	case !high:
		return eciLatin1
	case utf8.Valid(b):
		return eciUTF8
	}
	chinese := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80:
			continue
		case c == 0x80 || c == 0xff || i+1 == len(b):
			return eciLatin1
		case b[i+1] >= 0x30 && b[i+1] <= 0x39: // four bytes
			if i+3 >= len(b) || b[i+2] < 0x81 || b[i+2] == 0xff || b[i+3] < 0x30 || b[i+3] > 0x39 {
				return eciLatin1
			}
			chinese = true
			i += 3
		case b[i+1] >= 0x40 && b[i+1] != 0x7f && b[i+1] != 0xff:
			chinese = chinese || c >= 0xa1 && b[i+1] >= 0xa1
			i++
		default:
			return eciLatin1
		}
	}
	if chinese {
		return eciGB18030
	}
	return eciLatin1
}

// latin1 reads bytes as ISO 8859-1.
func latin1(b []byte) string { return eci.Text(b, nil) }

// decodeBits interprets the data codewords of a symbol as text (UTF-8).
// The data end at the end-of-data mode indicator (0000) or where fewer
// than four bits are left.
func decodeBits(data []byte) (string, error) {
	// A first pass finds whether a Chinese mode appears and gathers the
	// binary bytes, which sets how binary bytes without an ECI read.
	first := &textOut{}
	anyGB := false
	if err := walk(&bitReader{data: data}, first, func(gb bool) { anyGB = anyGB || gb }); err != nil {
		return "", err
	}
	o := &textOut{eci: eciGB18030, last: eciLatin1}
	if !anyGB {
		o.eci = guessCharset(first.bin)
	}
	if err := walk(&bitReader{data: data}, o, nil); err != nil {
		return "", err
	}
	return eci.Text(o.msg, o.sw), nil
}

// walk reads the segments one after the other into o; seen, when set,
// hears whether each segment is in a Chinese mode.
func walk(r *bitReader, o *textOut, seen func(gb bool)) error {
	for r.left() >= 4 {
		mode, _ := r.read(4)
		if seen != nil {
			seen(mode >= modeRegion1 && mode <= modeFourByte)
		}
		var err error
		switch mode {
		case modeEnd:
			return nil
		case modeNumeric:
			err = numeric(r, o)
		case modeText:
			err = text(r, o)
		case modeBinary:
			err = binary(r, o)
		case modeRegion1, modeRegion2:
			err = region(r, o, mode == modeRegion2)
		case modeDouble:
			err = doubleByte(r, o)
		case modeFourByte:
			err = fourByte(r, o)
		case modeECI:
			err = readECI(r, o)
		default:
			// Unicode, GS1 and URI modes (§5.4.10 to §5.4.12) are not read.
			err = fmt.Errorf("%w: mode %04b", errBadData, mode)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// numeric reads groups of three digits in 10 bits, ended by 1021 to 1023:
// the last group held one to three digits (§5.4.2).
func numeric(r *bitReader, o *textOut) error {
	var digits []byte
	for {
		v, err := r.read(10)
		if err != nil {
			return err
		}
		if v >= 1021 {
			n := v - 1020
			if len(digits) < 3 {
				return fmt.Errorf("%w: numeric mode without digits", errBadData)
			}
			last := digits[len(digits)-3:]
			if n < 3 {
				if string(last[:3-n]) != strings.Repeat("0", 3-n) {
					return fmt.Errorf("%w: numeric group too large for %d digits", errBadData, n)
				}
				digits = append(digits[:len(digits)-3], last[3-n:]...)
			}
			o.add(false, digits...)
			return nil
		}
		if v > 999 {
			return fmt.Errorf("%w: numeric value %d", errBadData, v)
		}
		digits = append(digits, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
	}
}

// text reads 6-bit characters in two sub-modes (§5.4.3, Tables 3 and 4):
// 62 switches between them, 63 ends the segment.
func text(r *bitReader, o *textOut) error {
	sub2 := false
	for {
		v, err := r.read(6)
		if err != nil {
			return err
		}
		switch {
		case v == 63:
			return nil
		case v == 62:
			sub2 = !sub2
		case !sub2:
			switch {
			case v < 10:
				o.add(false, byte('0'+v))
			case v < 36:
				o.add(false, byte('A'+v-10))
			default:
				o.add(false, byte('a'+v-36))
			}
		default:
			switch {
			case v < 28:
				o.add(false, byte(v))
			case v < 44:
				o.add(false, byte(' '+v-28))
			case v < 51:
				o.add(false, byte(':'+v-44))
			case v < 57:
				o.add(false, byte('['+v-51))
			default:
				o.add(false, byte('{'+v-57))
			}
		}
	}
}

// binary reads a 13-bit count and that many bytes (§5.4.4).
func binary(r *bitReader, o *textOut) error {
	n, err := r.read(13)
	if err != nil {
		return err
	}
	if n*8 > r.left() {
		return fmt.Errorf("%w: %d binary bytes, %d bits left", errBadData, n, r.left())
	}
	for range n {
		b, _ := r.read(8)
		o.add(false, byte(b))
		o.bin = append(o.bin, byte(b))
	}
	return nil
}

// region reads GB 2312 characters of common Chinese region one or two in
// 12 bits (§5.4.5, §5.4.6): 4095 ends the segment, 4094 switches to the
// other region.
func region(r *bitReader, o *textOut, two bool) error {
	for {
		v, err := r.read(12)
		if err != nil {
			return err
		}
		switch {
		case v == 4095:
			return nil
		case v == 4094:
			two = !two
			continue
		}
		var hi, lo int
		switch {
		case two:
			if v >= 0x1e*0x5e { // rows 0xd8 to 0xf7
				return fmt.Errorf("%w: region two value %#x", errBadData, v)
			}
			hi, lo = 0xd8+v/0x5e, 0xa1+v%0x5e
		case v < 0xeb0: // rows 0xb0 to 0xd7
			hi, lo = 0xb0+v/0x5e, 0xa1+v%0x5e
		case v < 0xfca: // rows 0xa1 to 0xa3
			w := v - 0xeb0
			hi, lo = 0xa1+w/0x5e, 0xa1+w%0x5e
		case v < 0xfca+0x20: // 0xa8a1 to 0xa8c0
			hi, lo = 0xa8, 0xa1+v-0xfca
		default:
			return fmt.Errorf("%w: region one value %#x", errBadData, v)
		}
		o.add(true, byte(hi), byte(lo))
	}
}

// doubleByte reads GB 18030 two-byte characters in 15 bits (§5.4.7);
// 32767 ends the segment.
func doubleByte(r *bitReader, o *textOut) error {
	for {
		v, err := r.read(15)
		if err != nil {
			return err
		}
		if v == 32767 {
			return nil
		}
		hi, lo := 0x81+v/0xbe, v%0xbe
		if hi > 0xfe {
			return fmt.Errorf("%w: double byte value %#x", errBadData, v)
		}
		if lo <= 0x3e {
			lo += 0x40
		} else {
			lo += 0x41
		}
		o.add(true, byte(hi), byte(lo))
	}
}

// fourByte reads one GB 18030 four-byte character in 21 bits (§5.4.8);
// each one has its own mode indicator.
func fourByte(r *bitReader, o *textOut) error {
	v, err := r.read(21)
	if err != nil {
		return err
	}
	b1 := 0x81 + v/12600
	v %= 12600
	b2 := 0x30 + v/1260
	v %= 1260
	b3 := 0x81 + v/10
	b4 := 0x30 + v%10
	if b1 > 0xfe {
		return fmt.Errorf("%w: four byte value out of range", errBadData)
	}
	o.add(true, byte(b1), byte(b2), byte(b3), byte(b4))
	return nil
}

// readECI reads an ECI assignment number in 8, 16 or 24 bits (§5.4.9), as in
// QR Code: 0 then 7 bits, 10 then 14 bits, 110 then 21 bits.
func readECI(r *bitReader, o *textOut) error {
	first, err := r.read(8)
	if err != nil {
		return err
	}
	var v int
	switch {
	case first&0x80 == 0:
		v = first
	case first&0xc0 == 0x80:
		lo, err := r.read(8)
		if err != nil {
			return err
		}
		v = (first&0x3f)<<8 | lo
	case first&0xe0 == 0xc0:
		lo, err := r.read(16)
		if err != nil {
			return err
		}
		v = (first&0x1f)<<16 | lo
	default:
		return fmt.Errorf("%w: ECI designator %#x", errBadData, first)
	}
	o.eci = v
	return nil
}
