package databar

import "strings"

// GeneralField decodes a general-purpose compaction field that fills
// bits, one bit a byte (0 or 1), into element string text: FNC1 written
// as GS, a trailing FNC1 dropped. The field starts in numeric mode, or
// in alphanumeric mode when alphanumeric is set. With lenient set, "000"
// right after an FNC1 in alphanumeric or ISO/IEC 646 mode is read as a
// redundant latch to numeric mode, which some encoders write. DataBar Expanded's
// compaction (ISO/IEC 24724 §7.2.5.5) is also the GS1 Composite 2D
// components' (ISO/IEC 24723 §5.4).
func GeneralField(bits []byte, alphanumeric, lenient bool) (string, error) {
	mode := modeNumeric
	if alphanumeric {
		mode = modeAlpha
	}
	var s strings.Builder
	if err := decodeGeneralFrom(bitStreamOf(bits), &s, mode, lenient); err != nil {
		return "", err
	}
	return s.String(), nil
}

// HumanReadable writes an element string (AIs and data, GS after
// variable-length fields) as "(01)09501101530003(10)ABC", and fails when
// the string does not split into AI fields.
func HumanReadable(element string) (string, error) { return humanReadable(element) }

// bitStreamOf returns a stream over bits, one a byte, packed into 12-bit
// characters.
func bitStreamOf(bits []byte) *bitStream {
	chars := make([]int, (len(bits)+11)/12)
	for i, b := range bits {
		if b != 0 {
			chars[i/12] |= 1 << (11 - i%12)
		}
	}
	return &bitStream{chars: chars, size: len(bits)}
}
