package maxicode

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func gridFromDump(t *testing.T, dump string) *gridBits {
	var g gridBits
	lines := strings.Split(strings.TrimSpace(dump), "\n")
	if len(lines) != 33 {
		t.Fatalf("dump has %d lines", len(lines))
	}
	for r, l := range lines {
		c := 0
		for _, h := range strings.Fields(l) {
			v, _ := strconv.ParseUint(h, 16, 8)
			for k := 7; k >= 0 && c < 30; k-- {
				g[r][c] = v>>k&1 == 1
				c++
			}
		}
	}
	return &g
}

func TestZintDev(t *testing.T) {
	cases := [][]string{
		{"-d", "ABC"},
		{"-d", "Hello, World! 123456789 àé ÀÉ ¢£ \x01\x02"},
		{"--mode=5", "-d", "ABCDEFGHIJ 1234567890123"},
		{"--mode=6", "-d", "abc"},
		{"--mode=2", "--primary=152382802840001", "-d", "[)>\x1e01\x1d96ABC"},
		{"--mode=3", "--primary=B1050056999", "-d", "hello"},
		{"--structapp=2,3", "-d", "ABC"},
		{"--eci=7", "-d", "Привет"},
	}
	for _, args := range cases {
		out, err := exec.Command("zint", append([]string{"-b", "MAXICODE", "--dump"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
		g := gridFromDump(t, string(out))
		var cw [numCodewords]byte
		g.codewords(&cw)
		c := newCorrector()
		mode, fixed, err := c.correctAll(&cw)
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		d, err := decodeMessage(&cw, mode)
		fmt.Printf("%v: mode %d fixed %d cw %v\n  => %q sa=%d/%d eci=%v err=%v\n", args, mode, fixed, cw[:25], d.text, d.saIndex, d.saCount, d.eci, err)
	}
}
