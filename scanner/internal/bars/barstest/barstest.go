// Package barstest holds the checks every decoder of package bars passes
// in its tests: zint's symbols read at several sizes, and fuzzed lines
// read without a panic or a symbol outside the line.
package barstest

import (
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
