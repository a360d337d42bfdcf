// Package msi reads MSI Plessey (Modified Plessey), the digits-only code
// of shelf labels and warehouse bins. Each digit is four bits, most
// significant first, and each bit a bar and a space three modules
// together: a wide bar and a narrow space for 1, a narrow bar and a wide
// space for 0. A wide bar and narrow space start the symbol; a narrow bar,
// wide space and narrow bar end it.
//
// Printers append none, one or two check digits in one of several
// schemes (Variant); nothing in the symbol says which, so the text is
// reported as printed, check digits included, and Verify checks a scheme
// a user names.
package msi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scannerd/scannerd/scanner/internal/bars"
)

// maxDigits bounds a symbol's digits.
const maxDigits = 48

// MayStartAt is DecodeAt's first test, small enough to be made inline
// at every bar of every row: the start (a wide bar, a narrow space) and
// a few runs after it fit in the line, and the light run before it is a
// quiet zone of twice the two (in integers, as DecodeAt measures it), or
// the line's first run, and its bar is 1.3 to 4 times its space, in
// integers: startAt's test in floating point, which decodeAt makes, holds
// only where ten bars are at least thirteen spaces (1.3 as a float64 is a
// little over 1.3, and its product with a width below 2^49 rounds down by
// less than a tenth of a pixel).
func MayStartAt(runs []int, i int) bool {
	if i+5 >= len(runs) {
		return false
	}
	bar, space := runs[i], runs[i+1]
	return (i <= 1 || runs[i-1] >= 2*(bar+space)) && 10*bar >= 13*space && bar <= 4*space
}

// startAt is the start's test: it fits, and its bar is 1.3 to 4 times its
// space.
func startAt(runs []int, i int) bool {
	if i+5 >= len(runs) {
		return false
	}
	bar, space := float64(runs[i]), float64(runs[i+1])
	return bar >= 1.3*space && bar <= 4*space
}

// DecodeAt reads an MSI Plessey symbol whose start bar is dark run i. It
// needs at least two digits.
func DecodeAt(runs []int, i int) (bars.Symbol, bool) {
	if !MayStartAt(runs, i) {
		return bars.Symbol{}, false
	}
	return decodeAt(runs, i)
}

// decodeAt is DecodeAt without the quiet zone in its first test.
func decodeAt(runs []int, i int) (bars.Symbol, bool) {
	if !startAt(runs, i) {
		return bars.Symbol{}, false
	}
	bar, space := float64(runs[i]), float64(runs[i+1])
	pair := bar + space // three modules
	if !bars.Quiet(runs, i-1, 2*pair) {
		return bars.Symbol{}, false
	}
	var digits [maxDigits]byte
	n, v := 0, byte(0)
	for j, bit := i+2, 0; j+2 < len(runs); j, bit = j+2, bit+1 {
		if bit > 0 && bit%4 == 0 && isStop(runs, j, pair) {
			if n < 2 {
				return bars.Symbol{}, false
			}
			return bars.Symbol{Text: string(digits[:n]), First: i, Last: j + 2}, true
		}
		b, s := float64(runs[j]), float64(runs[j+1])
		if !bars.Near(b+s, pair, 0.35) {
			return bars.Symbol{}, false
		}
		v <<= 1
		if b > s {
			v |= 1
		}
		if bit%4 == 3 {
			if v > 9 || n == maxDigits {
				return bars.Symbol{}, false
			}
			digits[n] = '0' + v
			n, v = n+1, 0
		}
		pair = (3*pair + b + s) / 4
	}
	return bars.Symbol{}, false
}

// isStop reports whether the runs from dark run j are the stop pattern:
// a narrow bar, a wide space, a narrow bar, then a quiet zone.
func isStop(runs []int, j int, pair float64) bool {
	if j+2 >= len(runs) {
		return false
	}
	b, s, end := float64(runs[j]), float64(runs[j+1]), float64(runs[j+2])
	return bars.Near(b+s, pair, 0.35) && s > 1.3*b && bars.Near(end, b, 0.6) && bars.Quiet(runs, j+3, 2*pair)
}

// Variant is a check digit scheme.
type Variant uint8

// The check digit schemes of MSI Plessey.
const (
	// None verifies nothing.
	None Variant = iota
	// Mod10 is one check digit, the Luhn-like sum of MSI modulo 10.
	Mod10
	// Mod10Mod10 is two: modulo 10 of the data, then of the data and
	// the first check digit.
	Mod10Mod10
	// Mod11 is one check digit modulo 11 with IBM weights 2 to 7 (a check
	// of 10 is printed as "10").
	Mod11
	// Mod11Mod10 is a modulo 11 (IBM) check, then a modulo 10 one.
	Mod11Mod10
	// Mod11NCR is one check digit modulo 11 with NCR weights 2 to 9.
	Mod11NCR
	// Mod11NCRMod10 is a modulo 11 (NCR) check, then a modulo 10 one.
	Mod11NCRMod10
	numVariants
)

var variantNames = [numVariants]string{"none", "mod10", "mod10_mod10", "mod11", "mod11_mod10", "mod11_ncr", "mod11_ncr_mod10"}

// ErrUnknownVariant: a check scheme name that ParseVariant does not know.
var ErrUnknownVariant = errors.New("unknown MSI check scheme")

// String returns the scheme's name in configurations, e.g. "mod10".
func (v Variant) String() string {
	if v < numVariants {
		return variantNames[v]
	}
	return fmt.Sprintf("Variant(%d)", uint8(v))
}

// ParseVariant reads a scheme's name; empty is None.
func ParseVariant(s string) (Variant, error) {
	if s == "" {
		return None, nil
	}
	for v, name := range variantNames {
		if strings.EqualFold(s, name) {
			return Variant(v), nil
		}
	}
	return None, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownVariant, s, strings.Join(variantNames[:], ", "))
}

// Verify reports whether the digits end in check digits of scheme v
// (always for None).
func Verify(digits string, v Variant) bool {
	switch v {
	case None:
		return true
	case Mod10:
		return endsMod10(digits)
	case Mod10Mod10:
		return endsMod10(digits) && endsMod10(digits[:len(digits)-1])
	case Mod11:
		return endsMod11(digits, 7)
	case Mod11Mod10:
		return endsMod10(digits) && endsMod11(digits[:len(digits)-1], 7)
	case Mod11NCR:
		return endsMod11(digits, 9)
	case Mod11NCRMod10:
		return endsMod10(digits) && endsMod11(digits[:len(digits)-1], 9)
	}
	return false
}

// endsMod10 reports whether the last digit is the modulo 10 check of
// those before it: from the right, every other digit doubled (the digits
// of the products summed), then the complement of the sum's last digit.
func endsMod10(d string) bool {
	if len(d) < 2 {
		return false
	}
	data, c := d[:len(d)-1], d[len(d)-1]
	s := 0
	for k := range len(data) {
		v := int(data[len(data)-1-k] - '0')
		if k%2 == 0 {
			v *= 2
			v = v/10 + v%10
		}
		s += v
	}
	return int(c-'0') == (10-s%10)%10
}

// endsMod11 reports whether the data ends in its modulo 11 check with
// weights 2 to maxWeight from the right: one digit, or "10".
func endsMod11(d string, maxWeight int) bool {
	check := func(data string) int {
		s := 0
		for k := range len(data) {
			s += int(data[len(data)-1-k]-'0') * (k%(maxWeight-1) + 2)
		}
		return (11 - s%11) % 11
	}
	if len(d) >= 3 && strings.HasSuffix(d, "10") && check(d[:len(d)-2]) == 10 {
		return true
	}
	return len(d) >= 2 && check(d[:len(d)-1]) == int(d[len(d)-1]-'0')
}
