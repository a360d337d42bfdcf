package databar

import (
	"errors"
	"strconv"
	"strings"
)

// groupSeparator stands for FNC1 inside an element string, as GS1 scanners
// transmit it (ASCII GS).
const groupSeparator = 0x1d

// Internal decoding failures; Decode reports them as gozxing format errors.
var (
	errShortBits   = errors.New("bit stream ends inside a field")
	errBadValue    = errors.New("field value out of range")
	errBadGeneral  = errors.New("invalid general-purpose data")
	errEmptyFields = errors.New("no data in symbol")
)

// bitStream reads the data characters of a symbol as one big-endian bit
// string, 12 bits per character (ISO/IEC 24724 §7.2.5: the binary string is
// the concatenation of the data character values, first character first).
type bitStream struct {
	chars []int
	pos   int
	size  int
}

func newBitStream(chars []int) *bitStream {
	return &bitStream{chars: chars, size: 12 * len(chars)}
}

func (b *bitStream) left() int { return b.size - b.pos }

func (b *bitStream) bit(i int) int {
	return (b.chars[i/12] >> (11 - i%12)) & 1
}

// peek returns the next n bits (n ≤ 31) without consuming them; bits past
// the end read as zero.
func (b *bitStream) peek(n int) int {
	v := 0
	for i := 0; i < n; i++ {
		v <<= 1
		if p := b.pos + i; p < b.size {
			v |= b.bit(p)
		}
	}
	return v
}

func (b *bitStream) read(n int) (int, error) {
	if n > b.left() {
		return 0, errShortBits
	}
	v := b.peek(n)
	b.pos += n
	return v, nil
}

func (b *bitStream) skip(n int) { b.pos = min(b.pos+n, b.size) }

// decodeElementString turns the data characters of a DataBar Expanded
// symbol into its GS1 element string: AIs and values, FNC1 written as GS
// after variable-length fields (ISO/IEC 24724 §7.2.5 encodation methods).
// lenient selects how FNC1 in the general-purpose field is read (see
// decodeGeneralRun).
func decodeElementString(chars []int, lenient bool) (string, error) {
	b := newBitStream(chars)
	b.skip(1) // linkage flag: a 2D component exists; the linear part reads alone
	var s strings.Builder
	var err error
	switch {
	case b.peek(1) == 1: // "1": (01) and other AIs
		b.skip(1)
		err = decodeMethod1(b, &s, lenient)
	case b.peek(2) == 0: // "00": general purpose only
		b.skip(2 + 2) // method, variable length field
		err = decodeGeneral(b, &s, lenient)
	case b.peek(4) == 0b0100: // (01) + (3103)
		b.skip(4)
		err = decodeWeight3103(b, &s)
	case b.peek(4) == 0b0101: // (01) + (3202)/(3203)
		b.skip(4)
		err = decodeWeight320x(b, &s)
	case b.peek(5) == 0b01100: // (01) + (392x)
		b.skip(5 + 2)
		err = decodePrice(b, &s, false, lenient)
	case b.peek(5) == 0b01101: // (01) + (393x)
		b.skip(5 + 2)
		err = decodePrice(b, &s, true, lenient)
	default: // "0111xxx": (01) + (310x)/(320x) [+ date], the last prefix left
		m, _ := b.read(7)
		err = decodeWeightDate(b, &s, m&7)
	}
	if err != nil {
		return "", err
	}
	if s.Len() == 0 {
		return "", errEmptyFields
	}
	return s.String(), nil
}

// decodeMethod1 reads method "1": the indicator digit and 12 GTIN digits
// compressed, then a general-purpose field.
func decodeMethod1(b *bitStream, s *strings.Builder, lenient bool) error {
	b.skip(2) // variable length field
	ind, err := b.read(4)
	if err != nil {
		return err
	}
	if ind > 9 {
		return errBadValue
	}
	if err := decodeGTIN(b, s, byte('0'+ind)); err != nil {
		return err
	}
	return decodeGeneral(b, s, lenient)
}

// decodeGTIN writes "01", the indicator digit, 12 digits in four 10-bit
// groups and the computed check digit.
func decodeGTIN(b *bitStream, s *strings.Builder, indicator byte) error {
	var gtin [14]byte
	gtin[0] = indicator
	for i := 0; i < 4; i++ {
		v, err := b.read(10)
		if err != nil {
			return err
		}
		if v > 999 {
			return errBadValue
		}
		gtin[1+3*i] = byte('0' + v/100)
		gtin[2+3*i] = byte('0' + v/10%10)
		gtin[3+3*i] = byte('0' + v%10)
	}
	gtin[13] = gtinCheckDigit(gtin[:13])
	s.WriteString("01")
	s.Write(gtin[:])
	return nil
}

// gtinCheckDigit computes the GS1 mod-10 check digit of the digits given.
func gtinCheckDigit(digits []byte) byte {
	sum := 0
	for i, d := range digits {
		w := 1
		if (len(digits)-i)%2 == 1 {
			w = 3
		}
		sum += w * int(d-'0')
	}
	return byte('0' + (10-sum%10)%10)
}

func writePadded(s *strings.Builder, v, width int) {
	t := strconv.Itoa(v)
	for i := len(t); i < width; i++ {
		s.WriteByte('0')
	}
	s.WriteString(t)
}

// decodeWeight3103 reads method "0100": GTIN with indicator 9 and a net
// weight in kg with three decimals, 15 bits.
func decodeWeight3103(b *bitStream, s *strings.Builder) error {
	if err := decodeGTIN(b, s, '9'); err != nil {
		return err
	}
	w, err := b.read(15)
	if err != nil {
		return err
	}
	if w > 99999 {
		return errBadValue
	}
	s.WriteString("3103")
	writePadded(s, w, 6)
	return nil
}

// decodeWeight320x reads method "0101": a weight in pounds, two decimals
// below 10000 and three decimals (value - 10000) above.
func decodeWeight320x(b *bitStream, s *strings.Builder) error {
	if err := decodeGTIN(b, s, '9'); err != nil {
		return err
	}
	w, err := b.read(15)
	if err != nil {
		return err
	}
	if w < 10000 {
		s.WriteString("3202")
		writePadded(s, w, 6)
	} else {
		s.WriteString("3203")
		writePadded(s, w-10000, 6)
	}
	return nil
}

// decodePrice reads methods "01100" and "01101": the decimal point
// position of AI 392x/393x, for 393x a three-digit ISO 4217 currency, and
// the price digits with anything after them in the general-purpose field.
func decodePrice(b *bitStream, s *strings.Builder, currency, lenient bool) error {
	if err := decodeGTIN(b, s, '9'); err != nil {
		return err
	}
	x, err := b.read(2)
	if err != nil {
		return err
	}
	if currency {
		s.WriteString("393")
	} else {
		s.WriteString("392")
	}
	s.WriteByte(byte('0' + x))
	if currency {
		c, err := b.read(10)
		if err != nil {
			return err
		}
		if c > 999 {
			return errBadValue
		}
		writePadded(s, c, 3)
	}
	n := s.Len()
	if err := decodeGeneral(b, s, lenient); err != nil {
		return err
	}
	if s.Len() == n {
		return errEmptyFields // the price itself is missing
	}
	return nil
}

// decodeWeightDate reads methods "0111000" to "0111111": a 20-bit weight
// for AI 310x (kg) or 320x (lb) and an optional 16-bit date for AI 11, 13,
// 15 or 17.
func decodeWeightDate(b *bitStream, s *strings.Builder, method int) error {
	if err := decodeGTIN(b, s, '9'); err != nil {
		return err
	}
	w, err := b.read(20)
	if err != nil {
		return err
	}
	if w > 999999 {
		return errBadValue
	}
	if method%2 == 0 {
		s.WriteString("310")
	} else {
		s.WriteString("320")
	}
	s.WriteByte(byte('0' + w/100000))
	writePadded(s, w%100000, 6)
	d, err := b.read(16)
	if err != nil {
		return err
	}
	if d == 38400 { // no date
		return nil
	}
	day, month, year := d%32, d/32%12+1, d/384
	if year > 99 {
		return errBadValue
	}
	s.WriteString([]string{"11", "13", "15", "17"}[method/2])
	writePadded(s, year, 2)
	writePadded(s, month, 2)
	writePadded(s, day, 2)
	return nil
}
