package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// OneLine makes text printable on one line of a terminal: newline,
// carriage return and tab become \n \r \t, the other control characters
// \xHH (C0 and DEL) or \u00HH (C1), so that a barcode or a file name
// cannot move the cursor, recolour the screen or set the window title
// with an escape sequence. The rest, backslashes included, is left as it
// is.
func OneLine(s string) string { return escapeControls(s, false) }

// TSVField makes text one field of a tab-separated line: OneLine's
// escapes, and backslash as \\ so that the escapes can be undone.
func TSVField(s string) string { return escapeControls(s, true) }

// escapeControls escapes the control characters of s as OneLine says,
// and backslash too when backslash is set.
func escapeControls(s string, backslash bool) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteByte(s[i]) // a byte that is not UTF-8, as it is
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\\' && backslash:
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// printableLines is OneLine for each line of a message that may have
// several: an error that names a file cannot send an escape sequence to
// the terminal either.
func printableLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = OneLine(l)
	}
	return strings.Join(lines, "\n")
}
