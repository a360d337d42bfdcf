package symboltest

import (
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing/aztec/decoder"
)

// FuzzAztecText encodes arbitrary text into Aztec's character modes and
// reads the bits back with gozxing's Aztec high-level decoder: text of
// runes up to U+00FF (ISO-8859-1) and other valid UTF-8 (behind ECI 26)
// must come back unchanged; invalid UTF-8 must be refused.
func FuzzAztecText(f *testing.F) {
	for _, s := range []string{
		"", "hello", "HELLO world 123", "a.b,c:d!", "\r\n\t\x00\x7f", "Histórico ü ß þÿ",
		"mixed CASE and 42 digits, 3.14; [brackets] {braces}", "日本語 text", "@\\^_`|~",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		bits, err := aztecBits(text)
		if !utf8.ValidString(text) {
			if err == nil {
				t.Fatalf("%q: invalid UTF-8 encoded", text)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if len(bits) == 0 {
			return // nothing to read back (gozxing's decoder wants some bits)
		}
		got, err := decoder.NewDecoder().HighLevelDecode(bits)
		if err != nil {
			t.Fatalf("%q: decode: %v", text, err)
		}
		if got != text {
			t.Fatalf("encoded %q, decoded %q", text, got)
		}
	})
}

func TestStuffBits(t *testing.T) {
	for _, tc := range []struct {
		name string
		bits string
		size int
		want []int
	}{
		{"plain", "101010", 6, []int{0b101010}},
		{"five zeros get a one", "00000" + "0", 6, []int{0b000001, 0b011111}},
		{"five ones get a zero", "11111" + "1", 6, []int{0b111110, 0b111111 &^ 1}},
		{"padded with ones", "10", 6, []int{0b101111}},
		{"padding that would be all ones", "1", 6, []int{0b111110}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bits []bool
			for _, c := range tc.bits {
				bits = append(bits, c == '1')
			}
			got := stuffBits(bits, tc.size)
			if len(got) != len(tc.want) {
				t.Fatalf("got %06b, want %06b", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %06b, want %06b", got, tc.want)
				}
			}
		})
	}
}
