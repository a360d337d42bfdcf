package symboltest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zaztec "github.com/makiuchi-d/gozxing/aztec"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/aztec"
)

// pureBitmap draws a module matrix at scale pixels per module with a quiet
// zone of four modules, and binarizes it.
func pureBitmap(t *testing.T, m *gozxing.BitMatrix, scale int) *gozxing.BinaryBitmap {
	t.Helper()
	s := symbols.FromMatrix(scanner.Aztec, "", m)
	side := (m.GetWidth() + 8) * scale
	c := symbols.NewCanvas(side, side, 255)
	c.Draw(s, symbols.Placement{CX: float64(side) / 2, CY: float64(side) / 2, Module: float64(scale), Dark: 0, Light: 255})
	return readertest.Bitmap(t, c)
}

// TestAztecEncoderRoundTrip reads symbols of every kind back with
// gozxing's Aztec reader and with scannerd's.
func TestAztecEncoderRoundTrip(t *testing.T) {
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. 0123456789 ", 30)
	for _, tc := range []struct {
		text string
		spec symboltest.AztecSpec
		dim  int // expected size in modules
	}{
		{"A", symboltest.AztecSpec{Layers: -1}, 15},
		{"compact two", symboltest.AztecSpec{Layers: -2}, 19},
		{"compact 3 layers, lower and UPPER", symboltest.AztecSpec{Layers: -3}, 23},
		{"compact four: 0123456789", symboltest.AztecSpec{Layers: -4, ECPercent: 60}, 27},
		{"full 1", symboltest.AztecSpec{Layers: 1}, 19},
		{"full 4 (8-bit codewords)", symboltest.AztecSpec{Layers: 4}, 31},
		{"full 5: the first reference grid lines", symboltest.AztecSpec{Layers: 5}, 37},
		{"bytes \x00\x01\u00fe\u00ff", symboltest.AztecSpec{Layers: 9, ECPercent: 80}, 53},
		{long[:600], symboltest.AztecSpec{}, 0},
		{long, symboltest.AztecSpec{Layers: 23}, 113},
		{"smallest that fits, ECI: 日本語", symboltest.AztecSpec{}, 0},
		{"", symboltest.AztecSpec{}, 15},
	} {
		t.Run(fmt.Sprintf("%.20s/%+v", tc.text, tc.spec), func(t *testing.T) {
			m, err := symboltest.EncodeAztec(tc.text, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if tc.dim != 0 && m.GetWidth() != tc.dim {
				t.Errorf("%d modules wide, want %d", m.GetWidth(), tc.dim)
			}
			bm := pureBitmap(t, m, 3)
			if res, err := zaztec.NewAztecReader().Decode(bm, nil); err != nil {
				t.Errorf("gozxing: %v", err)
			} else if res.GetText() != tc.text {
				t.Errorf("gozxing read %q", res.GetText())
			}
			res, err := aztec.NewReader().Decode(pureBitmap(t, m, 3), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetText() != tc.text {
				t.Fatalf("read %q", res.GetText())
			}
			md := res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER].(*aztec.Metadata)
			if tc.spec.Layers != 0 && (md.Compact != (tc.spec.Layers < 0) || md.Layers != max(tc.spec.Layers, -tc.spec.Layers)) {
				t.Errorf("read as %+v", *md)
			}
		})
	}
}

func TestAztecEncoderErrors(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name string
		text string
		spec symboltest.AztecSpec
		want error
	}{
		{"too long for the layers", long, symboltest.AztecSpec{Layers: -1}, symboltest.ErrAztecTooLong},
		{"too long for any symbol", strings.Repeat("\u00ff", 4000), symboltest.AztecSpec{}, symboltest.ErrAztecTooLong},
		{"reader initialization in 2 compact layers", "x", symboltest.AztecSpec{Layers: -2, ReaderInit: true}, symboltest.ErrAztecTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := symboltest.EncodeAztec(tc.text, tc.spec); !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := symboltest.EncodeAztec("x", symboltest.AztecSpec{ECPercent: 95}); err == nil {
		t.Error("95% error correction accepted")
	}
	if _, err := symboltest.EncodeAztec("\xff\xfe", symboltest.AztecSpec{}); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}
