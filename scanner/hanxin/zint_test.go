package hanxin

import (
	"strconv"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// gridFromDump parses zint's --dump output into a grid.
func gridFromDump(t *testing.T, dump string) *grid {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(dump, "\n") {
		if !strings.HasPrefix(l, "Warning") { // zint's note on the character set
			lines = append(lines, l)
		}
	}
	rows := zintdump.Rows(t, strings.Join(lines, "\n"), sizeOf(maxVersion))
	g := &grid{size: len(rows), dark: make([]bool, len(rows)*len(rows))}
	for r, row := range rows {
		if len(row) < g.size {
			t.Fatalf("row %d has %d modules, want %d", r, len(row), g.size)
		}
		copy(g.dark[r*g.size:], row[:g.size])
	}
	return g
}

// zintCase is a symbol zint 2.11, an independent encoder, makes.
type zintCase struct {
	data        string
	vers, level int // 0: zint's choice
	mask        int // -1: zint's choice
	extra       []string
	want        string // "" for data
}

func (c zintCase) args() []string {
	args := []string{"-b", "HANXIN", "--dump", "-d", c.data}
	if c.vers > 0 {
		args = append(args, "--vers="+strconv.Itoa(c.vers))
	}
	if c.level > 0 {
		args = append(args, "--secure="+strconv.Itoa(c.level))
	}
	if c.mask >= 0 {
		args = append(args, "--mask="+strconv.Itoa(c.mask))
	}
	return append(args, c.extra...)
}

var zintCases = []zintCase{
	{data: "Hello, World!", mask: -1},
	{data: "12345", vers: 1, level: 4, mask: 0},
	{data: "1234567890123", vers: 2, level: 1, mask: 1},
	{data: "ABCdef 123 +-*/ {}~", vers: 3, level: 2, mask: 2},
	{data: "https://example.com/", vers: 5, level: 3, mask: 3},
	{data: "Zürich Ærø", vers: 5, level: 1, mask: -1},
	{data: "汉信码", vers: 1, level: 2, mask: -1},
	{data: "汉信码 Han Xin 12345", vers: 6, level: 4, mask: 1},
	{data: "亍丌兀丐廿卅丕亘", mask: -1},                           // region two of GB 2312
	{data: "丂丄丅丆丏丒丗", mask: -1},                            // GB 18030 two-byte, outside GB 2312
	{data: "𠀀𠀁 ok", mask: -1},                              // GB 18030 four-byte
	{data: "中文 Zürich ä", mask: -1},                        // Latin in GB 18030 beside Chinese
	{data: "Grüße", extra: []string{"--eci=26"}, mask: -1}, // ECI UTF-8
	{data: "\x01\x02\xfe\xff", extra: []string{"--binary"}, want: "\x01\x02þÿ", mask: -1},
	{data: "0123456789", vers: 10, level: 2, mask: 2},
	{data: "The quick brown fox jumps over the lazy dog 1234567890", vers: 24, level: 3, mask: 0},
	{data: "Han Xin Code ISO/IEC 20830 汉信码 0123456789", vers: 40, level: 4, mask: 3},
	{data: "v84", vers: 84, level: 1, mask: 1},
}

// TestZintSymbols decodes symbols made by zint (dumps kept in
// testdata/zint): versions from 1 to 84, every level and mask, and every
// data mode zint writes.
func TestZintSymbols(t *testing.T) {
	t.Parallel()
	d := newDecoder()
	for _, c := range zintCases {
		t.Run(c.data, func(t *testing.T) {
			g := gridFromDump(t, zintdump.Dump(t, c.args()))
			text, info, _, err := d.decodeGrid(g)
			if err != nil {
				t.Fatal(err)
			}
			want := c.want
			if want == "" {
				want = c.data
			}
			if text != want {
				t.Errorf("read %q, want %q", text, want)
			}
			if c.vers > 0 && info.version != c.vers || c.level > 0 && info.level != c.level || c.mask >= 0 && info.mask != c.mask {
				t.Errorf("read version %d level %d mask %d, want %d %d %d", info.version, info.level, info.mask, c.vers, c.level, c.mask)
			}
		})
	}
}

// TestZintDamaged: a symbol with modules flipped in the data region reads
// while the errors stay within what its error correction corrects, and
// reports the corrections; one with its function information gone in one
// copy reads from the other.
func TestZintDamaged(t *testing.T) {
	t.Parallel()
	d := newDecoder()
	c := zintCase{data: "Han Xin 汉信码 damaged", vers: 8, level: 4, mask: 2}
	g := gridFromDump(t, zintdump.Dump(t, c.args()))
	l := d.layout(8)
	flipped := 0
	for i := 0; i < len(g.dark) && flipped < 60; i += 37 {
		if l.mod[i] == data {
			g.dark[i] = !g.dark[i]
			flipped++
		}
	}
	a, _ := infoModules(g.size)
	for _, m := range a[:12] {
		g.dark[m[0]*g.size+m[1]] = !g.dark[m[0]*g.size+m[1]]
	}
	text, _, fixed, err := d.decodeGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	if text != c.data || fixed == 0 {
		t.Errorf("read %q correcting %d codewords, want %q after corrections", text, fixed, c.data)
	}
}
