package linear

import (
	"math"
	"testing"
)

// onCylinder returns the run widths, in sixteenths of a pixel, of a line
// across modules (element widths in modules, bars first, quiet zones of
// quiet modules added) printed at px pixels a module round a cylinder on
// which the symbol's half-width spans half radians, seen from far away:
// a module at angle θ from the line of sight looks cos θ as wide.
func onCylinder(modules []int, quiet int, px, half float64) []int {
	total := 2 * quiet
	for _, m := range modules {
		total += m
	}
	radius := float64(total-2*quiet) / 2 / half
	seen := func(x int) float64 { // module boundary x, from the symbol's left
		u := float64(x-total/2) / radius
		return radius * math.Sin(math.Max(-math.Pi/2, math.Min(math.Pi/2, u))) * px * 16
	}
	runs := []int{int(math.Round(seen(quiet) - seen(0)))}
	x, last := quiet, seen(quiet)
	for _, m := range modules {
		x += m
		runs = append(runs, int(math.Round(seen(x)-last)))
		last = seen(x)
	}
	return append(runs, int(math.Round(seen(total)-last)))
}

// itfModules returns the element widths of ITF encoding digits, wide
// elements three narrow ones.
func itfModules(digits string) []int {
	out := []int{1, 1, 1, 1}
	w := func(d byte, j int) int {
		if itfWide[d-'0']&(1<<(4-j)) != 0 {
			return 3
		}
		return 1
	}
	for i := 0; i+1 < len(digits); i += 2 {
		for j := 0; j < 5; j++ {
			out = append(out, w(digits[i], j), w(digits[i+1], j))
		}
	}
	return append(out, 3, 1, 1)
}

// TestITFOnCylinder: ITF round a can reads. Toward the symbol's ends its
// modules shrink, most from one pair of digits to the next: its start
// pattern is narrower than the first pair's narrow elements by more than a
// quarter, and each pair is measured against its own narrow width. At 1.2
// radians the modules of the pair at either end double along it, and the
// pair is measured against a narrow width that changes along it: with one
// narrow width a pair, none of the three read.
func TestITFOnCylinder(t *testing.T) {
	for _, c := range []struct {
		digits string
		half   float64
	}{
		{"4728241426", 0.9},
		{"653169", 0.9},
		{"32260195676166", 0.9},
		{"99664851", 0.6},
		{"425610", 1.2},
		{"99664851", 1.2},
		{"19394377301759", 1.2},
	} {
		var r Reader
		runs := onCylinder(itfModules(c.digits), 10, 3, c.half)
		got := r.Read(runs, NewFormats(ITF), nil)
		if len(got) != 1 || got[0].Text != c.digits {
			t.Errorf("%s on %.1f radians: read %+v", c.digits, c.half, got)
		}
	}
}

// ean13Modules returns the element widths of the EAN-13 symbol of the
// thirteen digits.
func ean13Modules(digits string) []int {
	parity := -1
	for p, d := range ean13First {
		if int(d) == int(digits[0]-'0') {
			parity = p
		}
	}
	out := []int{1, 1, 1}
	for i := 0; i < 6; i++ {
		set := int(digits[1+i] - '0')
		if parity&(1<<(5-i)) != 0 {
			set += 10
		}
		for _, w := range upceanDigits[set] {
			out = append(out, int(w))
		}
	}
	out = append(out, 1, 1, 1, 1, 1)
	for i := 7; i < 13; i++ {
		for _, w := range upceanDigits[digits[i]-'0'] {
			out = append(out, int(w))
		}
	}
	return append(out, 1, 1, 1)
}

// TestEAN13OnCylinder: EAN-13 and UPC-A round a can read. Toward the
// symbol's ends its modules shrink: the closing guard's elements are half
// the right half's mean module, and are measured against the last digit's.
func TestEAN13OnCylinder(t *testing.T) {
	for _, c := range []struct {
		digits string
		half   float64
	}{
		{"0999054262741", 1.2},
		{"7116891613908", 1.2},
		{"5901234123457", 0.9},
		{"9784872348880", 0.6},
	} {
		var r Reader
		runs := onCylinder(ean13Modules(c.digits), 11, 2, c.half)
		got := r.Read(runs, NewFormats(EAN13), nil)
		if len(got) != 1 || got[0].Text != c.digits {
			t.Errorf("%s on %.1f radians: read %+v", c.digits, c.half, got)
		}
	}
}
