package symboltest_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

func TestEncodeSizes(t *testing.T) {
	for _, tc := range []struct {
		sym  scanner.Symbology
		text string
		w, h int
	}{
		{scanner.QRCode, "hello", 21, 21},
		{scanner.DataMatrix, "hello", 12, 12},
		{scanner.EAN13, "5901234123457", 95, 24},
		{scanner.Aztec, "hello", 15, 15},
		{scanner.DataBar, "0441234567890", 96, 33},
	} {
		s, err := symboltest.Encode(tc.sym, tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if s.Width != tc.w || s.Height != tc.h || s.Symbology != tc.sym {
			t.Errorf("%v %q: %v %d×%d modules, want %d×%d", tc.sym, tc.text, s.Symbology, s.Width, s.Height, tc.w, tc.h)
		}
	}
}
