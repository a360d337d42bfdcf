package symbols

import (
	"errors"
	"testing"

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
	} {
		s, err := Encode(tc.sym, tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if s.Width != tc.w || s.Height != tc.h {
			t.Errorf("%v %q: %d×%d modules, want %d×%d", tc.sym, tc.text, s.Width, s.Height, tc.w, tc.h)
		}
	}
	// The daemon links no encoder for what the demo never shows.
	for _, sym := range []scanner.Symbology{scanner.MaxiCode, scanner.Aztec, scanner.DataBar} {
		if _, err := Encode(sym, "x"); !errors.Is(err, ErrNoWriter) {
			t.Errorf("%v encoded without a writer: %v", sym, err)
		}
	}
}
