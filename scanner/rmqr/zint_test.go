package rmqr

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// gridFromDump parses zint's --dump output into a module grid.
func gridFromDump(t testing.TB, dump string) *moduleGrid {
	t.Helper()
	// zint warns on a first line when it picks a character set itself.
	var lines []string
	for _, l := range strings.Split(dump, "\n") {
		if !strings.HasPrefix(l, "Warning") {
			lines = append(lines, l)
		}
	}
	rows := zintdump.Rows(t, strings.Join(lines, "\n"), maxWidth)
	// A row's last hex digit may hold padding: the symbol is as wide as
	// the widest size that fits.
	g := &moduleGrid{height: len(rows)}
	for _, v := range versions {
		if v.width <= len(rows[0]) {
			g.width = max(g.width, v.width)
		}
	}
	for r, row := range rows {
		copy(g.dark[r][:], row)
	}
	return g
}

var errBadVersion = errors.New("unreadable version information")

// decodeGrid runs the decoding stages on a sampled grid, reading the
// version information from the copy beside the finder or, failing that,
// the sub-pattern's.
func decodeGrid(g *moduleGrid) (decoded, int, int, error) {
	vi, level, ok := decodeVersionInfo(g.readVersionInfo(false), finderSideMask, 3)
	if !ok {
		if vi, level, ok = decodeVersionInfo(g.readVersionInfo(true), subPatternMask, 3); !ok {
			return decoded{}, 0, 0, errBadVersion
		}
	}
	v := versions[vi]
	if v.height != g.height || v.width != g.width {
		return decoded{}, vi, level, errBadVersion
	}
	rs := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)
	data, _, err := correct(rs, v, level, g.codewords(v, nil), new([2 * maxBlock]int))
	if err != nil {
		return decoded{}, vi, level, err
	}
	d, err := decodeBits(data, v)
	return d, vi, level, err
}

// zintContent is what each test symbol holds: the longest of these that
// fits the version and level (zint picks the modes).
var zintContent = []string{
	"12", "AB1", "123456", "Hello", "HELLO 12345", "Zürich 8001", "漢字テスト",
	"rMQR ISO/IEC 23941", "The quick brown fox 0123456789",
	"The quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ",
}

// TestZintSymbols decodes symbols made by zint 2.11, an independent
// encoder (dumps kept in testdata/zint): all 32 sizes at both levels,
// their function patterns checked module by module.
func TestZintSymbols(t *testing.T) {
	for vi, v := range versions {
		for level, secure := range []string{"2", "4"} {
			t.Run(v.name()+"-"+"MH"[level:level+1], func(t *testing.T) {
				data := ""
				for _, c := range zintContent {
					if len(c)*8+24 <= v.data[level]*8 {
						data = c
					}
				}
				if data == "" {
					data = "1"
				}
				args := []string{"-b", "RMQR", "--dump", "--vers=" + strconv.Itoa(vi+1), "--secure=" + secure, "-d", data}
				g := gridFromDump(t, zintdump.Dump(t, args))
				if bad, n := g.functionErrors(v); bad != 0 {
					t.Errorf("%d of %d function modules differ from the model", bad, n)
				}
				if _, _, ok := decodeVersionInfo(g.readVersionInfo(true), subPatternMask, 0); !ok {
					t.Error("sub-pattern side version information unreadable")
				}
				d, gotV, gotL, err := decodeGrid(g)
				if err != nil {
					t.Fatal(err)
				}
				if d.text != data || gotV != vi || gotL != level {
					t.Errorf("got %q %s level %d, want %q level %d", d.text, versions[gotV].name(), gotL, data, level)
				}
			})
		}
	}
}

// TestZintModes covers kanji, byte, GS1 and mixed segments.
func TestZintModes(t *testing.T) {
	cases := []struct {
		args []string
		want string
		gs1  bool
	}{
		{[]string{"-d", "点茗"}, "点茗", false},
		{[]string{"-d", "abc123456789012ABC"}, "abc123456789012ABC", false},
		{[]string{"--gs1", "-d", "[01]09501101530003[10]AB-12"}, "0109501101530003" + "10AB-12", true},
		{[]string{"--gs1", "-d", "[10]ABC%12[21]XYZ"}, "10ABC%12\x1d21XYZ", true},
	}
	for i, tc := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			args := append([]string{"-b", "RMQR", "--dump"}, tc.args...)
			d, _, _, err := decodeGrid(gridFromDump(t, zintdump.Dump(t, args)))
			if err != nil {
				t.Fatal(err)
			}
			if d.text != tc.want || d.gs1 != tc.gs1 {
				t.Errorf("got %q gs1=%v, want %q gs1=%v", d.text, d.gs1, tc.want, tc.gs1)
			}
		})
	}
}

// TestVersionCodes checks the BCH code and masks against values printed
// in the standard's Annex (the first and last of each side's table).
func TestVersionCodes(t *testing.T) {
	for _, tc := range []struct{ data, mask, want int }{
		{0, finderSideMask, 0x1fab2}, {63, finderSideMask, 0x20137},
		{0, subPatternMask, 0x20a7b}, {63, subPatternMask, 0x1f1fe},
		{32, finderSideMask, 0x3f367}, {1, subPatternMask, 0x2155e},
	} {
		if got := versionCode(tc.data) ^ tc.mask; got != tc.want {
			t.Errorf("code(%d)^%#x = %#x, want %#x", tc.data, tc.mask, got, tc.want)
		}
	}
}
