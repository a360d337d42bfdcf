package maxicode

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/zint from the zint command")

// zintDump returns zint's --dump output for args: from testdata/zint, kept
// so the test runs where zint is not installed, or from zint itself with
// -update.
func zintDump(t *testing.T, args []string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(strings.Join(args, "\x00")))
	path := filepath.Join("testdata", "zint", hex.EncodeToString(sum[:8])+".dump")
	if !*update {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update where zint is installed)", err)
		}
		return string(b)
	}
	out, err := exec.Command("zint", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("zint %v: %v: %s", args, err, out)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// gridFromDump parses zint's --dump output: one line of hex bytes per row,
// most significant bit first.
func gridFromDump(t *testing.T, dump string) *gridBits {
	t.Helper()
	var g gridBits
	lines := strings.Split(strings.TrimSpace(dump), "\n")
	if len(lines) != gridRows {
		t.Fatalf("dump has %d lines, want %d", len(lines), gridRows)
	}
	for r, l := range lines {
		c := 0
		for _, h := range strings.Fields(l) {
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil {
				t.Fatalf("dump line %d: %v", r, err)
			}
			for k := 7; k >= 0 && c < gridCols; k-- {
				g[r][c] = v>>k&1 == 1
				c++
			}
		}
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
			out := zintDump(t, append([]string{"-b", "MAXICODE", "--dump"}, tc.args...))
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
