// Package barstest holds the checks every decoder of package bars passes
// in its tests: zint's symbols read at several sizes, and fuzzed lines
// read without a panic or a symbol outside the line.
package barstest

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars"
)

// Runs returns the runs of the first row of the symbol zint draws for
// args, px pixels a module, between quiet zones of ten modules.
func Runs(t testing.TB, px int, args ...string) []int {
	t.Helper()
	return zint.Runs(zint.Dump(t, args...)[0], px, 10)
}

// ReadZint decodes zint's symbol for args at one to four pixels a module
// and checks the text (zint's printed text when want is ""), that the
// symbol spans the drawn bars, and that the row read backwards holds no
// symbol unless backwards is true.
func ReadZint(t *testing.T, decode bars.Decoder, want string, backwards bool, args ...string) {
	t.Helper()
	if want == "" {
		want = zint.Text(t, args...)
	}
	for px := 1; px <= 4; px++ {
		runs := Runs(t, px, args...)
		s, ok := bars.Scan(runs, decode)
		if !ok || s.Text != want {
			t.Errorf("%q at %d px a module: read %q, %v; want %q", args, px, s.Text, ok, want)
			continue
		}
		// The drawn symbol's bars are all but the margins.
		if s.First != 1 || s.Last != len(runs)-2 {
			t.Errorf("%q at %d px: symbol spans runs %d to %d of %d", args, px, s.First, s.Last, len(runs))
		}
		rev := slices.Clone(runs)
		slices.Reverse(rev)
		if s, ok := bars.Scan(rev, decode); ok && !backwards {
			t.Errorf("%q read backwards: %q", args, s.Text)
		}
	}
}

// Fuzz checks decode on a line made from fuzz input (a byte a run): no
// panic, and any symbol read has text and lies within the line, starting
// and ending with a bar.
func Fuzz(t *testing.T, decode bars.Decoder, b []byte) {
	runs := make([]int, len(b)+1)
	for i, v := range b {
		runs[i+1] = int(v)
	}
	s, ok := bars.Scan(runs, decode)
	if !ok {
		return
	}
	if s.Text == "" || s.First < 1 || s.Last >= len(runs) || s.Last < s.First || s.First%2 == 0 || s.Last%2 == 0 {
		t.Fatalf("read %+v from %v", s, runs)
	}
}

// GateLines returns lines to check a decoder's first test on: random
// lines of widths of one to a few units, where equal widths and quiet
// zones just wide enough are common, and zint's symbols for each of
// symbols at one to three pixels a module, their widths in sixteenths of
// a pixel jittered by up to a few, at a line's start and after light runs
// of many widths.
func GateLines(t testing.TB, seed uint64, symbols ...[]string) [][]int {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 14))
	var lines [][]int
	for n := range 80 {
		runs := make([]int, 1+rng.IntN(300))
		for k := range runs {
			runs[k] = 1 + rng.IntN(2+n%7)
		}
		lines = append(lines, runs)
	}
	for _, args := range symbols {
		for px := 1; px <= 3; px++ {
			base := Runs(t, px, args...)
			for j := range 6 {
				runs := make([]int, len(base))
				for k, r := range base {
					runs[k] = 16*r + rng.IntN(1+2*j) - j
				}
				lines = append(lines, runs)
			}
			// After a bar, the light run before the symbol from one
			// module wide to twelve, an eighth of a module apart: quiet
			// zones just wide enough, and just too narrow.
			for q := 16 * px; q <= 16*12*px; q += 2 * px {
				runs := []int{48 * px, 16 * px, q}
				for _, r := range base[1:] {
					runs = append(runs, 16*r+rng.IntN(5)-2)
				}
				lines = append(lines, runs)
			}
		}
	}
	return lines
}

// CheckGate checks that a decoder with a first test made before it, gated,
// reads what the decoder without it, decode, reads at every dark run of
// lines: the test turns away only places where decode reads nothing. It
// fails when decode reads nothing on the lines.
func CheckGate(t *testing.T, lines [][]int, decode, gated bars.Decoder) {
	t.Helper()
	reads := 0
	for n, runs := range lines {
		for i := 1; i < len(runs); i += 2 {
			want, wok := decode(runs, i)
			got, gok := gated(runs, i)
			if gok != wok || got != want {
				t.Fatalf("line %d at %d: read %+v %v with the first test, %+v %v without", n, i, got, gok, want, wok)
			}
			if wok {
				reads++
			}
		}
	}
	if reads == 0 {
		t.Error("nothing read on the lines")
	}
}
