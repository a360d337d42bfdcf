package telepen

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

// numeric decodes the symbol in numeric mode.
func numeric(runs []int, k int) (bars.Symbol, bool) {
	s, ok := DecodeAt(runs, k)
	if !ok {
		return s, false
	}
	var err error
	s.Text, err = Text(s.Text, true)
	return s, err == nil
}

func TestZint(t *testing.T) {
	for _, data := range []string{"Hello", "ABC abc 123!", "z", "_", "The quick brown fox 01234567"} {
		barstest.ReadZint(t, DecodeAt, data, false, "-b", "TELEPEN", "-d", data)
	}
	for _, data := range []string{"123456", "12345X", "1234567", "00", "98765432109876543210"} {
		barstest.ReadZint(t, numeric, "", false, "-b", "TELEPEN_NUM", "-d", data)
	}
}

// TestControlCharacters: every ASCII character reads, control characters
// too (zint takes them as escapes).
func TestControlCharacters(t *testing.T) {
	zint.Need(t)
	var all []byte
	for c := 1; c < 128; c++ {
		all = append(all, byte(c))
	}
	for k := 0; k < len(all); k += 24 {
		data := string(all[k:min(len(all), k+24)])
		esc := ""
		for _, c := range []byte(data) {
			esc += `\x` + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
		}
		s, ok := bars.Scan(barstest.Runs(t, 2, "-b", "TELEPEN", "--esc", "-d", esc), DecodeAt)
		if !ok || s.Text != data {
			t.Errorf("characters %d to %d: read %q, %v", all[k], all[min(len(all), k+24)-1], s.Text, ok)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		data    string
		numeric bool
		want    string
		err     bool
	}{
		{"AB", false, "AB", false},
		{"'=S", true, "123456", false},
		{"'\x16", true, "125X", false},
		{"AB\x10'", false, "AB12", false},
		{"'\x10AB", true, "12AB", false},
		{"'\x05", true, "", true},
	} {
		got, err := Text(tc.data, tc.numeric)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("Text(%q, %v) = %q, %v; want %q", tc.data, tc.numeric, got, err, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, DecodeAt, b) })
}
