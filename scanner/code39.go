package scanner

import "strings"

// code39FullASCII decodes Code 39's full ASCII escapes (ISO/IEC 16388,
// full ASCII table: "+A" is 'a', "%U" is NUL, "/A" is '!', …). A reader
// cannot tell whether a symbol was printed in full ASCII mode, so text is
// converted when it holds at least one escape and every escape in it is
// valid; "12/34" or "$5.00" stay as read. Plain data that happens to hold
// only valid pairs ("A+B") reads converted: the trade-off every reader that
// detects full ASCII makes.
func code39FullASCII(text string) (string, bool) {
	if !strings.ContainsAny(text, "$%/+") {
		return text, false
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !strings.ContainsRune("$%/+", rune(c)) {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(text) {
			return text, false
		}
		next := text[i+1]
		var out byte
		switch c {
		case '+':
			if next < 'A' || next > 'Z' {
				return text, false
			}
			out = next + 32 // a–z
		case '$':
			if next < 'A' || next > 'Z' {
				return text, false
			}
			out = next - 64 // SOH–SUB
		case '%':
			switch {
			case next >= 'A' && next <= 'E':
				out = next - 38 // ESC FS GS RS US
			case next >= 'F' && next <= 'J':
				out = next - 11 // ; < = > ?
			case next >= 'K' && next <= 'O':
				out = next + 16 // [ \ ] ^ _
			case next >= 'P' && next <= 'T':
				out = next + 43 // { | } ~ DEL
			case next == 'U':
				out = 0
			case next == 'V':
				out = '@'
			case next == 'W':
				out = '`'
			case next >= 'X' && next <= 'Z':
				out = 127
			default:
				return text, false
			}
		case '/':
			switch {
			case next >= 'A' && next <= 'O':
				out = next - 32 // ! " # $ % & ' ( ) * + , - . /
			case next == 'Z':
				out = ':'
			default:
				return text, false
			}
		}
		b.WriteByte(out)
		i++
	}
	return b.String(), true
}
