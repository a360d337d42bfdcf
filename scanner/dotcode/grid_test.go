package dotcode

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// zintGrid returns the dot grid zint makes for args, from its --dump
// output kept in testdata/zint. The dump pads rows to whole hex digits;
// a symbol's right column always holds a dot (§5.4's mask scoring rejects
// unlit edges), so the last column with a dot is the last column.
func zintGrid(t *testing.T, args ...string) *Grid {
	t.Helper()
	rows := zintdump.Rows(t, zintdump.Dump(t, append([]string{"--dump", "-b", "DOTCODE"}, args...)), 1<<16)
	w := 0
	for _, row := range rows {
		for c, on := range row {
			if on {
				w = max(w, c+1)
			}
		}
	}
	g := &Grid{W: w, H: len(rows), Dots: make([]bool, w*len(rows))}
	for r, row := range rows {
		copy(g.Dots[r*w:(r+1)*w], row)
	}
	return g
}

// gridCases are zint symbols with the text a reader must report: code sets,
// shifts, binary, GS1, ECI, macros, structured append, sizes and masks.
var gridCases = []struct {
	name string
	args []string
	want string
	gs1  bool
	sa   [2]int
}{
	{"set B", []string{"-d", "Hello World"}, "Hello World", false, [2]int{}},
	{"digits", []string{"-d", "12345678901234567890"}, "12345678901234567890", false, [2]int{}},
	{"odd digits", []string{"-d", "1234567"}, "1234567", false, [2]int{}},
	{"mixed", []string{"-d", "ABC123def4567ghi\tX"}, "ABC123def4567ghi\tX", false, [2]int{}},
	{"control chars", []string{"--esc", "-d", "A\\x01B\\x02c\\r\\nd"}, "A\x01B\x02c\r\nd", false, [2]int{}},
	{"leading GS", []string{"--esc", "-d", "\\GAB"}, "\x1dAB", false, [2]int{}},
	{"upper shift", []string{"-d", "Café 12"}, "Café 12", false, [2]int{}},
	{"binary", []string{"--binary", "--esc", "-d", "\\xFF\\xFE\\x80\\x81\\x82\\x90\\xA0\\xB0AB"}, "ÿþ\u0080\u0081\u0082\u0090\u00a0°AB", false, [2]int{}},
	{"binary then digits", []string{"--binary", "--esc", "-d", "\\xC0\\xC1\\xC2\\xC3\\xC4\\xC5\\xC6123456789012"}, "ÀÁÂÃÄÅÆ123456789012", false, [2]int{}},
	{"UTF-8 ECI", []string{"--eci=26", "-d", "Ωmega 123"}, "Ωmega 123", false, [2]int{}},
	{"GS1", []string{"--gs1", "-d", "[01]09501101530003[17]250101[10]AB12"}, "0109501101530003172501011" + "0AB12", true, [2]int{}},
	{"GS1 separators", []string{"--gs1", "-d", "[10]ABC[21]XYZ[30]12"}, "10ABC\x1d21XYZ\x1d3012", true, [2]int{}},
	{"macro 05", []string{"--esc", "-d", "[)>\\R05\\GABC123\\R\\E"}, "[)>\x1e05\x1dABC123\x1e\x04", false, [2]int{}},
	{"macro other", []string{"--esc", "-d", "[)>\\R07ABCdef\\E"}, "[)>\x1e07ABCdef\x04", false, [2]int{}},
	{"structured append", []string{"--structapp=2,3", "-d", "PART2"}, "PART2", false, [2]int{2, 3}},
	{"structured append after padding", []string{"--structapp=2,3", "-d", "PART TWO"}, "PART TWO", false, [2]int{2, 3}},
	{"structured append of 35", []string{"--structapp=12,35", "-d", "1234"}, "1234", false, [2]int{12, 35}},
	{"wide", []string{"--cols=40", "-d", "WIDE 123"}, "WIDE 123", false, [2]int{}},
	{"narrow", []string{"--cols=9", "-d", "Narrow symbol"}, "Narrow symbol", false, [2]int{}},
	{"mask 0", []string{"--mask=0", "-d", "mask"}, "mask", false, [2]int{}},
	{"mask 3", []string{"--mask=3", "-d", "mask"}, "mask", false, [2]int{}},
	{"mask 5 corners", []string{"--mask=5", "-d", "corner dots"}, "corner dots", false, [2]int{}},
	{"mask 7 corners", []string{"--mask=7", "--cols=20", "-d", "corner dots"}, "corner dots", false, [2]int{}},
	{"long", []string{"-d", strings.Repeat("The quick brown fox 0123456789. ", 12)}, strings.Repeat("The quick brown fox 0123456789. ", 12), false, [2]int{}},
}

func TestDecodeZintGrids(t *testing.T) {
	t.Parallel()
	for _, tc := range gridCases {
		t.Run(tc.name, func(t *testing.T) {
			g := zintGrid(t, tc.args...)
			d, err := DecodeGrid(g)
			if err != nil {
				t.Fatalf("%dx%d: %v", g.W, g.H, err)
			}
			if d.Text != tc.want {
				t.Errorf("%dx%d: text %q, want %q", g.W, g.H, d.Text, tc.want)
			}
			if d.GS1 != tc.gs1 {
				t.Errorf("GS1 %v, want %v", d.GS1, tc.gs1)
			}
			if [2]int{d.SAIndex, d.SACount} != tc.sa {
				t.Errorf("structured append %d/%d, want %v", d.SAIndex, d.SACount, tc.sa)
			}
		})
	}
}

// TestCorrectsDamage flips the dots of some codewords: within the check
// codewords' capacity the text survives, and the count of corrected
// codewords says so; far beyond it, decoding fails rather than misreads.
func TestCorrectsDamage(t *testing.T) {
	t.Parallel()
	want := strings.Repeat("DotCode 2468 ", 6)
	clean := zintGrid(t, "-d", want)
	lay, _ := layoutFor(clean.W, clean.H)
	cells := placement(clean.W, clean.H)
	damage := func(codewords ...int) *Grid {
		g := &Grid{W: clean.W, H: clean.H, Dots: append([]bool(nil), clean.Dots...)}
		for _, k := range codewords {
			// Flip two dots of codeword k (its dots start after the two
			// mask dots).
			for _, j := range []int{0, 4} {
				p := cells[2+9*(k-1)+j]
				g.Dots[p.r*g.W+p.c] = !g.Dots[p.r*g.W+p.c]
			}
		}
		return g
	}
	// Flipping two dots of a pattern of five makes a pattern of five or
	// an invalid one: an error or an erasure.
	few := []int{1, 5, 9}
	d, err := DecodeGrid(damage(few...))
	if err != nil || d.Text != want {
		t.Fatalf("3 damaged codewords of %d check: %v %+v", lay.check, err, d)
	}
	if d.Corrected == 0 {
		t.Error("no codeword reported corrected")
	}
	var many []int
	for k := 1; k <= lay.data+lay.check; k += 2 {
		many = append(many, k)
	}
	if d, err := DecodeGrid(damage(many...)); err == nil && d.Text == want {
		t.Fatal("half the codewords damaged and still decoded")
	} else if err == nil {
		t.Fatalf("misread %q", d.Text)
	}
}

func TestRejectsBadSizes(t *testing.T) {
	t.Parallel()
	for _, s := range [][2]int{{4, 9}, {10, 10}, {9, 4}, {0, 0}} {
		g := &Grid{W: s[0], H: s[1], Dots: make([]bool, s[0]*s[1])}
		if _, err := DecodeGrid(g); err == nil {
			t.Errorf("%dx%d decoded", s[0], s[1])
		}
	}
}

func TestPatterns(t *testing.T) {
	// Annex C's first and last patterns, and a few between.
	for v, p := range map[int]uint16{0: 0x155, 1: 0x0ab, 27: 0x057, 112: 0x1cc} {
		if patterns[v] != p {
			t.Errorf("pattern %d = %#x, want %#x", v, patterns[v], p)
		}
	}
}

// windowMin must give each element the least of the five around it,
// clipped at the ends, for every length, with and without vector
// registers (32 elements at a time).
func TestWindowMin(t *testing.T) {
	withAndWithoutVectors(t, windowMinOfFive)
}

func windowMinOfFive(t *testing.T) {
	for n := 1; n <= 100; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte((i*151 + n*29) % 251)
		}
		dst := make([]byte, n)
		windowMin(dst, src)
		for i := range n {
			want := byte(255)
			for _, m := range src[max(0, i-2):min(n, i+3)] {
				want = min(want, m)
			}
			if dst[i] != want {
				t.Errorf("n=%d: window %d least %d, want %d", n, i, dst[i], want)
			}
		}
	}
}

// TestDecoderKeepsPlacement: a decoder orders the cells of a symbol size
// once and reads the next grids of that size in the same order, a symbol
// and its quarter turn alternating.
func TestDecoderKeepsPlacement(t *testing.T) {
	dec := newDecoder()
	read := func(w, h int) *point {
		t.Helper()
		dec.decode(&Grid{W: w, H: h, Dots: make([]bool, w*h)}) // blank: no symbol
		cells := dec.placement(w, h)
		if want := placement(w, h); !reflect.DeepEqual(cells, want) {
			t.Fatalf("%dx%d: cells %v, want %v", w, h, cells, want)
		}
		return &cells[0]
	}
	wide, tall := read(16, 11), read(11, 16)
	for range 3 {
		if read(16, 11) != wide || read(11, 16) != tall {
			t.Fatal("the cells of a size read again were ordered again")
		}
	}
}
