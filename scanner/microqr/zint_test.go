package microqr

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// gridFromDump parses zint's --dump output: one line of hex bytes per row,
// most significant bit first.
func gridFromDump(t *testing.T, dump string) *moduleGrid {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(dump), "\n")
	g := &moduleGrid{size: len(lines)}
	for r, l := range lines {
		c := 0
		for _, h := range strings.Fields(l) {
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil {
				t.Fatalf("dump line %d: %v", r, err)
			}
			if len(h) == 1 { // a last half byte
				v <<= 4
			}
			for k := 7; k >= 0 && c < g.size; k-- {
				g.dark[r][c] = v>>k&1 == 1
				c++
			}
		}
	}
	return g
}

var errBadFormat = errors.New("unreadable format information")

// decodeGrid runs the decoding stages on a sampled grid.
func decodeGrid(g *moduleGrid) (string, symbolInfo, int, error) {
	sym, mask, ok := decodeFormat(g.readFormat(), 3)
	if !ok {
		return "", symbolInfo{}, 0, errBadFormat
	}
	s := symbols[sym]
	if s.size() != g.size {
		return "", s, 0, errBadFormat
	}
	cw := g.codewords(s, mask, nil)
	rs := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)
	if _, err := correct(rs, s, cw, nil); err != nil {
		return "", s, mask, err
	}
	text, err := decodeBits(cw[:s.dataWords()], s)
	return text, s, mask, err
}

// TestZintSymbols decodes symbols made by zint, an independent encoder,
// when it is installed: every version, level, mask and mode.
func TestZintSymbols(t *testing.T) {
	if _, err := exec.LookPath("zint"); err != nil {
		t.Skip("zint not installed")
	}
	cases := []struct {
		data      string
		vers, ecc int
	}{
		{"12345", 1, 0}, {"123", 1, 0},
		{"1234567890", 2, 1}, {"AB12", 2, 1}, {"ABC-12", 2, 2},
		{"abc", 3, 1}, {"HELLO 12345", 3, 2}, {"Zürich", 3, 1},
		{"Hello, World!", 4, 1}, {"12345678901234567890", 4, 2}, {"ABC abc", 4, 3}, {"漢字テスト", 4, 1},
	}
	for _, tc := range cases {
		for mask := 0; mask < 4; mask++ {
			name := tc.data + "/M" + strconv.Itoa(tc.vers) + "/" + strconv.Itoa(mask)
			t.Run(name, func(t *testing.T) {
				args := []string{"-b", "MICROQR", "--dump", "--vers=" + strconv.Itoa(tc.vers), "--mask=" + strconv.Itoa(mask), "-d", tc.data}
				if tc.ecc > 0 {
					args = append(args, "--secure="+strconv.Itoa(tc.ecc))
				}
				out, err := exec.Command("zint", args...).CombinedOutput()
				if err != nil {
					t.Skipf("zint: %v: %s", err, out)
				}
				text, s, m, err := decodeGrid(gridFromDump(t, string(out)))
				if err != nil {
					t.Fatal(err)
				}
				if text != tc.data || s.version != tc.vers || m != mask {
					t.Errorf("got %q M%d mask %d, want %q M%d mask %d", text, s.version, m, tc.data, tc.vers, mask)
				}
			})
		}
	}
}
