// Package composite reads the data of GS1 Composite symbols' 2D
// components (ISO/IEC 24723): the bit string that CC-A, CC-B and CC-C
// carry, and its encodation methods.
//
// The bit string starts with an encodation method field (§5.3):
//
//	0    general-purpose compaction of the whole message (§5.4)
//	10   a date for AI 11 or AI 17, or none, then AI 10's lot number
//	     first in the general-purpose field (§5.3.1)
//	11   AI 90's leading digits and letter compressed, the rest of its
//	     field in one of three modes, and AI 21 or AI 8004 after it
//	     implied (§5.3.2, §5.3.3)
//
// The general-purpose compaction is DataBar Expanded's (ISO/IEC 24724
// §7.2.5.5), read here with the databar package's decoder.
package composite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scannerd/scannerd/scanner/databar"
)

// ErrBadData is wrapped by every failure to read a bit string: a field
// cut short, a value out of range, or data that are not GS1 element
// strings.
var ErrBadData = errors.New("composite: invalid 2D component data")

// groupSeparator stands for FNC1 in an element string, as GS1 scanners
// transmit it.
const groupSeparator = "\x1d"

// ai90Letters are the letters a 4-bit value names after AI 90's leading
// digits (§5.3.2, Table 3).
const ai90Letters = "BDHIJKLNPQRSTVWZ"

// noDate is the largest date field plus one: dates are
// year·384 + (month−1)·32 + day, year 0 to 99.
const noDate = 38400

// bitReader reads a bit string, one bit a byte. lenient is how its
// general-purpose field is read (see databar.GeneralField).
type bitReader struct {
	bits    []byte
	pos     int
	lenient bool
}

func (r *bitReader) left() int { return len(r.bits) - r.pos }

// peek returns the next n bits without consuming them; bits past the end
// read as zero.
func (r *bitReader) peek(n int) int {
	v := 0
	for i := range n {
		v <<= 1
		if p := r.pos + i; p < len(r.bits) && r.bits[p] != 0 {
			v |= 1
		}
	}
	return v
}

func (r *bitReader) read(n int) (int, error) {
	if n > r.left() {
		return 0, fmt.Errorf("%w: bit string ends inside a field", ErrBadData)
	}
	v := r.peek(n)
	r.pos += n
	return v, nil
}

// Decode reads a 2D component's bit string, one bit a byte, and returns
// its element string: AIs and their data, GS after variable-length
// fields. The element string is checked to split into AI fields. The
// general-purpose field is read strictly first, then leniently.
func Decode(bits []byte) (string, error) {
	element, err := decode(&bitReader{bits: bits})
	if err != nil {
		element, err = decode(&bitReader{bits: bits, lenient: true})
	}
	return element, err
}

func decode(r *bitReader) (string, error) {
	var element string
	var err error
	switch {
	case r.left() == 0:
		return "", fmt.Errorf("%w: no data", ErrBadData)
	case r.peek(1) == 0:
		r.pos++
		element, err = generalField(r, false)
	case r.peek(2) == 0b10:
		r.pos += 2
		element, err = dateAndLot(r)
	default:
		r.pos += 2
		element, err = ai90(r)
	}
	if err != nil {
		return "", err
	}
	if _, err := databar.HumanReadable(element); err != nil {
		return "", fmt.Errorf("%w: %q is no element string: %v", ErrBadData, element, err)
	}
	return element, nil
}

// generalField reads the rest of the bit string as a general-purpose
// field.
func generalField(r *bitReader, alphanumeric bool) (string, error) {
	s, err := databar.GeneralField(r.bits[r.pos:], alphanumeric, r.lenient)
	if err != nil {
		return "", fmt.Errorf("%w: general-purpose field: %v", ErrBadData, err)
	}
	r.pos = len(r.bits)
	return s, nil
}

// dateAndLot reads encodation method "10" (§5.3.1): "11" for no date and
// a lot number next, or a 16-bit date and one bit for AI 11 (0) or AI 17
// (1). After a date, the general-purpose field starts with FNC1 when no
// lot number follows; otherwise it starts with AI 10's data.
func dateAndLot(r *bitReader) (string, error) {
	if r.peek(2) == 0b11 {
		r.pos += 2
		lot, err := generalField(r, false)
		if err != nil {
			return "", err
		}
		if lot == "" || strings.HasPrefix(lot, groupSeparator) {
			return "", fmt.Errorf("%w: empty lot number", ErrBadData)
		}
		return "10" + lot, nil
	}
	d, err := r.read(16)
	if err != nil {
		return "", err
	}
	if d >= noDate {
		return "", fmt.Errorf("%w: date field %d", ErrBadData, d)
	}
	which, err := r.read(1)
	if err != nil {
		return "", err
	}
	date := fmt.Sprintf("%s%02d%02d%02d", [2]string{"11", "17"}[which], d/384, d/32%12+1, d%32)
	rest, err := generalField(r, false)
	switch {
	case err != nil:
		return "", err
	case rest == "":
		return date, nil
	case strings.HasPrefix(rest, groupSeparator):
		return date + rest[1:], nil
	}
	return date + "10" + rest, nil
}

// ai90 reads encodation method "11" (§5.3.2): the mode of the rest of
// AI 90's field ("11" alpha, "10" numeric, "0" alphanumeric), the AI
// implied after it ("0" none, "10" AI 21, "11" AI 8004), then the
// leading number and letter: a 5-bit number below 31 and one of 16
// letters in 4 bits, or 31, a 10-bit number and a letter in 5 bits.
// A number of 0 stands for no leading digits (they may not start with 0).
func ai90(r *bitReader) (string, error) {
	var mode string
	switch {
	case r.peek(2) == 0b11:
		mode, r.pos = "alpha", r.pos+2
	case r.peek(2) == 0b10:
		mode, r.pos = "numeric", r.pos+2
	default:
		mode, r.pos = "alphanumeric", r.pos+1
	}
	var implied string
	switch {
	case r.peek(1) == 0:
		r.pos++
	case r.peek(2) == 0b10:
		implied, r.pos = "21", r.pos+2
	default:
		implied, r.pos = "8004", r.pos+2
	}
	n, err := r.read(5)
	if err != nil {
		return "", err
	}
	var letter byte
	if n < 31 {
		l, err := r.read(4)
		if err != nil {
			return "", err
		}
		letter = ai90Letters[l]
	} else {
		if n, err = r.read(10); err != nil {
			return "", err
		}
		l, err := r.read(5)
		if err != nil {
			return "", err
		}
		if n > 999 || l > 25 {
			return "", fmt.Errorf("%w: AI 90 prefix %d%c", ErrBadData, n, 'A'+l)
		}
		letter = byte('A' + l)
	}
	var s strings.Builder
	s.WriteString("90")
	if n > 0 {
		fmt.Fprintf(&s, "%d", n)
	}
	s.WriteByte(letter)
	if mode == "alpha" {
		return ai90Alpha(r, &s, implied)
	}
	rest, err := generalField(r, mode == "alphanumeric")
	if err != nil {
		return "", err
	}
	if implied != "" {
		// The implied AI follows the FNC1 that ends AI 90's field.
		i := strings.Index(rest, groupSeparator)
		if i < 0 {
			return "", fmt.Errorf("%w: AI %s implied after AI 90 without FNC1", ErrBadData, implied)
		}
		rest = rest[:i+1] + implied + rest[i+1:]
	}
	s.WriteString(rest)
	return s.String(), nil
}

// ai90Alpha reads the rest of AI 90's field in alpha mode (§5.3.3):
// letters in 5 bits (0–25), digits in 6 bits (52–61), up to FNC1
// (11111); the general-purpose field follows in numeric mode. Fewer
// than five bits left are padding.
func ai90Alpha(r *bitReader, s *strings.Builder, implied string) (string, error) {
	fnc1 := false
	for !fnc1 && r.left() >= 5 {
		switch v := r.peek(5); {
		case v < 26:
			r.pos += 5
			s.WriteByte(byte('A' + v))
		case v == 31:
			r.pos += 5
			fnc1 = true
		default: // 11010 to 11110 start the digits' values
			d, err := r.read(6)
			if err != nil {
				return "", err
			}
			s.WriteByte(byte('0' + d - 52))
		}
	}
	if !fnc1 { // the field fills the symbol: no room for FNC1
		if implied != "" {
			return "", fmt.Errorf("%w: AI %s implied after AI 90 without FNC1", ErrBadData, implied)
		}
		return s.String(), nil
	}
	rest, err := generalField(r, false)
	if err != nil {
		return "", err
	}
	if implied != "" || rest != "" {
		s.WriteString(groupSeparator + implied + rest)
	}
	return s.String(), nil
}
