package databar

import "strings"

// General-purpose data compaction, ISO/IEC 24724 §7.2.5.5: numeric,
// alphanumeric and ISO/IEC 646 modes with latches between them, FNC1 as a
// field separator and padding at the end.

type compactionMode int

const (
	modeNumeric compactionMode = iota
	modeAlpha
	modeISO646
)

// alphaPunct are the alphanumeric-mode 6-bit values 58..62.
const alphaPunct = "*,-./"

// iso646Punct are the ISO/IEC 646-mode 8-bit values 232..252.
const iso646Punct = "!\"%&'()*+,-./:;<=>?_ "

// decodeGeneral decodes the general-purpose field from the current position
// to the end of the stream and appends it to s. FNC1 is written as GS; a
// trailing FNC1 is dropped.
func decodeGeneral(b *bitStream, s *strings.Builder, lenient bool) error {
	return decodeGeneralFrom(b, s, modeNumeric, lenient)
}

// decodeGeneralFrom is decodeGeneral starting in the given mode.
func decodeGeneralFrom(b *bitStream, s *strings.Builder, mode compactionMode, lenient bool) error {
	start := s.Len()
	if err := decodeGeneralRun(b, s, mode, lenient); err != nil {
		return err
	}
	if out := s.String(); len(out) > start && out[len(out)-1] == groupSeparator {
		s.Reset()
		s.WriteString(out[:len(out)-1])
	}
	return nil
}

// decodeGeneralRun is one pass over the field. With lenient set, the bits
// "000" right after an FNC1 in alphanumeric or ISO/IEC 646 mode are taken
// as a redundant numeric latch, which some encoders write although FNC1
// there already returns to numeric mode. After FNC1 an AI follows, whose
// digits a numeric 7-bit value (≥ 8) carries, so a value below 8 there
// cannot be data of a sensible encoder.
func decodeGeneralRun(b *bitStream, s *strings.Builder, mode compactionMode, lenient bool) error {
	for b.left() > 0 {
		var err error
		switch mode {
		case modeNumeric:
			mode, err = decodeNumeric(b, s)
		case modeAlpha:
			mode, err = decodeAlpha(b, s, lenient)
		case modeISO646:
			mode, err = decodeISO646(b, s, lenient)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeNumeric reads one numeric-mode unit: a 7-bit digit pair (digit 10
// is FNC1), a final 4-bit digit, the 4-bit latch to alphanumeric, or the
// padding at the end.
func decodeNumeric(b *bitStream, s *strings.Builder) (compactionMode, error) {
	switch {
	case b.left() < 4: // padding
		b.skip(b.left())
		return modeNumeric, nil
	case b.left() < 7:
		v, _ := b.read(4)
		if v == 0 {
			b.skip(b.left()) // latch then padding
			return modeAlpha, nil
		}
		if v > 10 {
			return modeNumeric, errBadGeneral
		}
		b.skip(b.left())
		s.WriteByte(byte('0' + v - 1))
		return modeNumeric, nil
	case b.peek(4) == 0:
		b.skip(4)
		return modeAlpha, nil
	}
	v, _ := b.read(7)
	for _, d := range [2]int{(v - 8) / 11, (v - 8) % 11} {
		if d == 10 {
			s.WriteByte(groupSeparator)
		} else {
			s.WriteByte(byte('0' + d))
		}
	}
	return modeNumeric, nil
}

// isPadding reports whether the remaining bits (fewer than 5) are the start
// of the pad pattern 00100, and consumes them if so.
func isPadding(b *bitStream) bool {
	n := b.left()
	if n >= 5 || b.peek(n) != 0b00100>>(5-n) {
		return false
	}
	b.skip(n)
	return true
}

// decodeFiveBit handles the 5-bit values shared by alphanumeric and
// ISO/IEC 646 modes: digits, FNC1 (which returns to numeric mode) and the
// latch between the two modes.
func decodeFiveBit(b *bitStream, s *strings.Builder, mode compactionMode, lenient bool) (compactionMode, error) {
	v, err := b.read(5)
	if err != nil {
		return mode, errBadGeneral
	}
	switch {
	case v == 4: // 00100: latch alphanumeric <-> ISO/IEC 646
		if mode == modeAlpha {
			return modeISO646, nil
		}
		return modeAlpha, nil
	case v == 15: // FNC1, implied latch to numeric
		s.WriteByte(groupSeparator)
		if lenient && b.left() >= 7 && b.peek(7) < 8 {
			b.skip(3)
		}
		return modeNumeric, nil
	case v >= 5 && v < 15:
		s.WriteByte(byte('0' + v - 5))
		return mode, nil
	}
	return mode, errBadGeneral
}

func decodeAlpha(b *bitStream, s *strings.Builder, lenient bool) (compactionMode, error) {
	if isPadding(b) {
		return modeAlpha, nil
	}
	switch {
	case b.peek(1) == 1:
		v, err := b.read(6)
		if err != nil {
			return modeAlpha, errBadGeneral
		}
		switch {
		case v >= 32 && v < 58:
			s.WriteByte(byte('A' + v - 32))
		case v >= 58 && v < 63:
			s.WriteByte(alphaPunct[v-58])
		default:
			return modeAlpha, errBadGeneral
		}
		return modeAlpha, nil
	case b.peek(3) == 0: // 000: latch to numeric
		b.skip(3)
		return modeNumeric, nil
	}
	return decodeFiveBit(b, s, modeAlpha, lenient)
}

func decodeISO646(b *bitStream, s *strings.Builder, lenient bool) (compactionMode, error) {
	if isPadding(b) {
		return modeISO646, nil
	}
	if b.peek(3) == 0 { // 000: latch to numeric
		b.skip(3)
		return modeNumeric, nil
	}
	v5 := b.peek(5)
	switch {
	case v5 < 16:
		return decodeFiveBit(b, s, modeISO646, lenient)
	case v5 < 29: // 7 bits: 64..89 'A'..'Z', 90..115 'a'..'z'
		v, err := b.read(7)
		if err != nil {
			return modeISO646, errBadGeneral
		}
		if v < 90 {
			s.WriteByte(byte('A' + v - 64))
		} else {
			s.WriteByte(byte('a' + v - 90))
		}
		return modeISO646, nil
	}
	v, err := b.read(8) // 232..252 punctuation
	if err != nil || v > 252 {
		return modeISO646, errBadGeneral
	}
	s.WriteByte(iso646Punct[v-232])
	return modeISO646, nil
}
