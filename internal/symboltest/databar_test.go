package symboltest_test

import (
	"errors"
	"testing"

	"github.com/makiuchi-d/gozxing/oned/rss"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

func TestDataBarRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Check digits worked by hand: weights 3, 1, 3, … from the right.
		{"0441234567890", "04412345678909"},
		{"04412345678909", "04412345678909"},
		{"0000000000000", "00000000000000"},
		{"9999999999999", "99999999999997"},
		{"2001234567890", "20012345678909"},
		{"0123456789012", "01234567890128"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := symboltest.Encode(scanner.DataBar, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if s.Width != 96 || s.Height != 33 {
				t.Fatalf("%d×%d modules, want 96×33", s.Width, s.Height)
			}
			c := symbols.NewCanvas(96*3+80, 33*3+40, 230)
			c.Draw(s, symbols.Placement{CX: float64(c.Width) / 2, CY: float64(c.Height) / 2, Module: 3, Dark: 30, Light: 230})
			res, err := rss.NewRSS14Reader().Decode(readertest.Bitmap(t, c), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetText() != tc.want {
				t.Fatalf("read %q, want %q", res.GetText(), tc.want)
			}
		})
	}
}

func TestDataBarRejectsBadInput(t *testing.T) {
	for _, in := range []string{"", "123", "044123456789", "044123456789012", "04412345678908", "04412345678a0"} {
		if _, err := symboltest.Encode(scanner.DataBar, in); !errors.Is(err, symboltest.ErrDataBarInput) {
			t.Errorf("%q: error %v, want ErrDataBarInput", in, err)
		}
	}
}

// TestDataBarCharacterWidths checks every character value of every group
// against gozxing's reading of element widths back into values: the
// widths must sum to the character's modules, respect the widest element,
// and give the value back.
func TestDataBarCharacterWidths(t *testing.T) {
	for _, outside := range []bool{true, false} {
		total := 2841
		if !outside {
			total = 1597
		}
		for v := 0; v < total; v++ {
			odd, even, g := symboltest.DataBarCharacter(v, outside)
			if sum(odd[:])+sum(even[:]) != map[bool]int{true: 16, false: 15}[outside] {
				t.Fatalf("value %d: widths %v %v", v, odd, even)
			}
			// The flag asks for at least one narrow element: in the even
			// set outside, in the odd set inside.
			vOdd := rss.RSSUtils_getRSSvalue(odd[:], g.OddWidest, !outside)
			vEven := rss.RSSUtils_getRSSvalue(even[:], g.EvenWidest, outside)
			got := g.Start + vOdd*g.Count + vEven
			if !outside {
				got = g.Start + vEven*g.Count + vOdd
			}
			if got != v {
				t.Fatalf("value %d (outside %v): widths %v %v read back as %d", v, outside, odd, even, got)
			}
		}
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
