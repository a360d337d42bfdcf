package main

import (
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// TestSequenceSuffix: how a structured append symbol's place reads, for
// sets that say their size, Macro PDF417 segments that may not, and
// MaxiCode sets without an ID.
func TestSequenceSuffix(t *testing.T) {
	for _, c := range []struct {
		seq  *scanner.Sequence
		want string
	}{
		{nil, ""},
		{&scanner.Sequence{Index: 1, Count: 3, ID: "4d"}, " (symbol 2 of 3, set 4d)"},
		{&scanner.Sequence{Index: -1, Count: 3, ID: "12.34"}, " (3 symbols joined, set 12.34)"},
		{&scanner.Sequence{Index: 0, ID: "123456"}, " (symbol 1 of ?, set 123456)"},
		{&scanner.Sequence{Index: 4, ID: "123456", Last: true}, " (symbol 5 of 5, set 123456)"},
		{&scanner.Sequence{Index: 0, Count: 2}, " (symbol 1 of 2)"},
	} {
		if got := sequenceSuffix(c.seq); got != c.want {
			t.Errorf("%+v: %q, want %q", c.seq, got, c.want)
		}
	}
}
