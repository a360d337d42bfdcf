// Package eci turns the bytes of a symbol's message into text, each run of
// bytes in the character set its Extended Channel Interpretation names:
// the symbologies that carry ECIs (MaxiCode, DotCode) share it.
package eci

import (
	"strings"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing/common"
)

// Switch says the message's bytes from offset At on are in the character
// set of ECI number ECI.
type Switch struct{ At, ECI int }

// Text converts message bytes to a Go string, byte runs in their
// character sets: ISO/IEC 8859-1 before the first switch, and for ECIs
// unknown or whose bytes do not decode.
func Text(msg []byte, switches []Switch) string {
	var b strings.Builder
	start, eci := 0, 3
	flush := func(end int) {
		seg := msg[start:end]
		if eci != 3 && eci != 1 {
			if cs, err := common.GetCharacterSetECIByValue(eci); err == nil && cs != nil {
				if out, err := cs.GetCharset().NewDecoder().Bytes(seg); err == nil && utf8.Valid(out) {
					b.Write(out)
					return
				}
			}
		}
		for _, c := range seg {
			b.WriteRune(rune(c))
		}
	}
	for _, s := range switches {
		if s.At < start || s.At > len(msg) {
			continue
		}
		flush(s.At)
		start, eci = s.At, s.ECI
	}
	flush(len(msg))
	return b.String()
}
