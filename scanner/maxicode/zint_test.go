package maxicode

import (
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// gridFromDump parses zint's --dump output: one line of hex bytes per row,
// most significant bit first.
func gridFromDump(t *testing.T, dump string) *gridBits {
	t.Helper()
	var g gridBits
	rows := zintdump.Rows(t, dump, gridCols)
	if len(rows) != gridRows {
		t.Fatalf("dump has %d lines, want %d", len(rows), gridRows)
	}
	for r, row := range rows {
		copy(g[r][:], row)
	}
	return &g
}

// TestZintSymbols decodes symbols made by zint 2.11, an independent
// encoder (dumps kept in testdata/zint).
func TestZintSymbols(t *testing.T) {
	cases := []struct {
		args          []string
		want          string
		mode, sa, cnt int
	}{
		{[]string{"-d", "ABC"}, "ABC", 4, 0, 0},
		{[]string{"-d", "Hello, World! 123456789 àé ÀÉ ¢£ \x01\x02"}, "Hello, World! 123456789 àé ÀÉ ¢£ \x01\x02", 4, 0, 0},
		{[]string{"--mode=5", "-d", "ABCDEFGHIJ 1234567890123"}, "ABCDEFGHIJ 1234567890123", 5, 0, 0},
		{[]string{"--mode=6", "-d", "abc"}, "abc", 6, 0, 0},
		{[]string{"--mode=2", "--primary=152382802840001", "-d", "[)>\x1e01\x1d96ABC"},
			"[)>\x1e01\x1d96152382802\x1d840\x1d001\x1dABC", 2, 0, 0},
		{[]string{"--mode=3", "--primary=B1050056999", "-d", "hello"}, "B1050 \x1d056\x1d999\x1dhello", 3, 0, 0},
		{[]string{"--structapp=2,3", "-d", "ABC"}, "ABC", 4, 2, 3},
		{[]string{"--eci=7", "-d", "Привет"}, "Привет", 4, 0, 0},
	}
	c := newCorrector()
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := zintdump.Dump(t, append([]string{"-b", "MAXICODE", "--dump"}, tc.args...))
			var cw [numCodewords]byte
			gridFromDump(t, out).codewords(&cw)
			mode, _, err := c.correctAll(&cw)
			if err != nil {
				t.Fatal(err)
			}
			d, err := decodeMessage(&cw, mode)
			if err != nil {
				t.Fatal(err)
			}
			if d.text != tc.want || d.mode != tc.mode || d.saIndex != tc.sa || d.saCount != tc.cnt {
				t.Errorf("got %q mode %d sa %d/%d, want %q mode %d sa %d/%d",
					d.text, d.mode, d.saIndex, d.saCount, tc.want, tc.mode, tc.sa, tc.cnt)
			}
		})
	}
}
