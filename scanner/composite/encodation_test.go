package composite

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// bitsOf reads a string of '0' and '1', spaces ignored, as a bit string.
func bitsOf(s string) []byte {
	var out []byte
	for _, c := range s {
		switch c {
		case '0':
			out = append(out, 0)
		case '1':
			out = append(out, 1)
		}
	}
	return out
}

// field returns v in n bits.
func field(v, n int) string { return fmt.Sprintf("%0*b ", n, v) }

// pair returns the numeric-mode 7-bit value of two digits (10 is FNC1).
func pair(a, b int) string { return field(11*a+b+8, 7) }

// date returns the 16-bit date field of YYMMDD.
func date(yy, mm, dd int) string { return field(yy*384+(mm-1)*32+dd, 16) }

const (
	alphaLatch = "0000 "  // numeric to alphanumeric
	pad        = "00100 " // padding in alphanumeric mode
)

// alpha returns the alphanumeric-mode bits of upper-case letters and
// digits.
func alpha(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteString(field(int(c-'0')+5, 5))
		} else {
			b.WriteString(field(int(c-'A')+32, 6))
		}
	}
	return b.String()
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, bits, want string
	}{
		{"general", "0 " + pair(2, 1) + pair(1, 2) + pair(3, 4) + pair(5, 6) + pair(7, 8) + alphaLatch + pad, "2112345678"},
		{"general, variable field then FNC1", "0 " + pair(1, 0) + alphaLatch + alpha("AB") + "01111 " + pair(2, 1) + pair(7, 7) + alphaLatch, "10AB\x1d2177"},
		{"expiry date and lot", "10 " + date(20, 12, 31) + "1 " + alphaLatch + alpha("ABC123") + pad, "1720123110ABC123"},
		{"production date, no lot", "10 " + date(9, 1, 0) + "0 " + alphaLatch + "01111 " + alphaLatch + pad, "11090100"},
		{"date, then another AI", "10 " + date(21, 6, 15) + "1 " + pair(10, 2) + pair(1, 4) + pair(2, 10) + alphaLatch + pad, "172106152142"},
		{"lot without date", "10 11 " + pair(1, 2) + pair(3, 4) + alphaLatch + pad, "101234"},
		{"AI 90, alpha mode, AI 21 implied", "11 11 10 11111 " + field(3, 10) + field(0, 5) + field(1, 5) + field(53, 6) + field(54, 6) + "11111 " + pair(7, 7) + alphaLatch + pad, "903AB12\x1d2177"},
		{"AI 90, alpha mode, field to the end", "11 11 0 00111 1010 " + field(25, 5) + "11111 " + alphaLatch + pad, "907RZ"},
		{"AI 90, numeric mode, letter of Table 3", "11 10 0 00000 0000 " + pair(1, 2) + alphaLatch + pad, "90B12"},
		{"AI 90, alphanumeric mode, AI 8004 implied", "11 0 11 00001 1111 " + alpha("X") + "01111 " + pair(1, 2) + alphaLatch + pad, "901ZX\x1d800412"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bitsOf(tc.bits))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got != tc.want {
				t.Errorf("Decode = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct{ name, bits string }{
		{"empty", ""},
		{"date out of range", "10 " + field(noDate, 16) + "0 " + alphaLatch + pad},
		{"date cut short", "10 0101"},
		{"AI 90 prefix over 999", "11 10 0 11111 " + field(1000, 10) + field(0, 5) + pair(1, 2)},
		{"AI 90 letter past Z", "11 10 0 11111 " + field(5, 10) + field(26, 5) + pair(1, 2)},
		{"AI 21 implied without FNC1", "11 10 10 00000 0000 " + pair(1, 2) + alphaLatch + pad},
		{"no AI", "0 " + alphaLatch + alpha("ABC") + pad},
		{"lot empty", "10 11 " + alphaLatch + pad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bitsOf(tc.bits))
			if !errors.Is(err, ErrBadData) {
				t.Errorf("Decode = %q, %v; want ErrBadData", got, err)
			}
		})
	}
}
