package microqr

import (
	"errors"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// gridFromDump parses zint's --dump output: one line of hex bytes per row,
// most significant bit first.
func gridFromDump(t *testing.T, dump string) *moduleGrid {
	t.Helper()
	rows := zintdump.Rows(t, dump, len(moduleGrid{}.dark))
	g := &moduleGrid{size: len(rows)}
	for r, row := range rows {
		copy(g.dark[r][:], row[:min(len(row), g.size)])
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

// TestZintSymbols decodes symbols made by zint 2.11, an independent
// encoder (dumps kept in testdata/zint): every version, level, mask and
// mode.
func TestZintSymbols(t *testing.T) {
	cases := []struct {
		data      string
		vers, ecc int
	}{
		{"12345", 1, 0}, {"123", 1, 0},
		{"1234567890", 2, 1}, {"AB12", 2, 1}, {"AB-1", 2, 2},
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
				text, s, m, err := decodeGrid(gridFromDump(t, zintdump.Dump(t, args)))
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
