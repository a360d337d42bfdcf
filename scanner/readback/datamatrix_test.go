package readback_test

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix/encoder"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/datamatrix"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// dmTexts covers single-region square symbols, multi-region ones (2×2 and
// 4×4 data regions) and rectangular ones.
var dmTexts = []struct {
	name, text string
	rect       bool
}{
	{"10x10", "DM42", false},
	{"22x22", "scannerd 0123456789 ABC", false},
	{"32x32", "https://example.com/track?id=0123456789&lot=A1B2C3D4", false},
	{"64x64", "This text fills a Data Matrix symbol of four by four data regions, each with its own finder and timing pattern, 0123456789.", false},
	{"12x36", "RECT 12345", true},
}

func encodeDataMatrix(t testing.TB, text string, rect bool) *symbols.Symbol {
	t.Helper()
	var hints map[gozxing.EncodeHintType]interface{}
	if rect {
		hints = map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_DATA_MATRIX_SHAPE: encoder.SymbolShapeHint_FORCE_RECTANGLE}
	}
	s, err := symbols.EncodeWithHints(scanner.DataMatrix, text, hints)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDataMatrixRotationSweep reads every text at every module size and
// angle step (under -race a sample: see internal/sweep).
func TestDataMatrixRotationSweep(t *testing.T) {
	cases := sweep.New(t)
	for _, tc := range dmTexts {
		s := encodeDataMatrix(t, tc.text, tc.rect)
		for _, module := range []float64{2, 2.5, 3, 4, 6} {
			step := 15.0
			if module > 3 || s.Width > 40 {
				step = 35
			}
			for angle := 0.0; angle < 360; angle += step {
				if !cases.Next() {
					continue
				}
				t.Run(fmt.Sprintf("%s/%gpx/%g°", tc.name, module, angle), func(t *testing.T) {
					side := int(math.Hypot(float64(s.Width), float64(s.Height))*module) + 40
					c := symbols.NewCanvas(side+60, side+20, 230)
					want := c.Draw(s, symbols.Placement{CX: float64(side)/2 + 50, CY: float64(side)/2 + 10, Module: module, Angle: angle, Dark: 35, Light: 230})
					c.Noise(rand.New(rand.NewPCG(uint64(module*10), uint64(angle))), 6)
					res, err := datamatrix.NewReader().Decode(readertest.Bitmap(t, c), nil)
					if err != nil {
						t.Fatal(err)
					}
					if res.GetText() != tc.text {
						t.Fatalf("read %q, want %q", res.GetText(), tc.text)
					}
					checkCorners(t, corners(t, res), want, module)
				})
			}
		}
	}
}

// TestDataMatrixPerspectiveSweep reads every text drawn into every quad
// (under -race a sample: see internal/sweep).
func TestDataMatrixPerspectiveSweep(t *testing.T) {
	quads := [][4]scanner.Point{
		quad(100, 80, 420, 120, 400, 400, 90, 360),   // leaning back on the right
		quad(150, 60, 380, 60, 470, 420, 60, 420),    // seen from below
		quad(300, 40, 520, 260, 300, 470, 90, 250),   // diamond, foreshortened
		quad(480, 420, 120, 400, 140, 90, 450, 60),   // upside down, skewed
		quad(60, 200, 300, 100, 520, 210, 280, 330),  // flat, strongly skewed
		quad(200, 150, 330, 170, 320, 290, 190, 280), // small
	}
	cases := sweep.New(t)
	for _, tc := range dmTexts {
		s := encodeDataMatrix(t, tc.text, tc.rect)
		for i, q := range quads {
			// The smallest modules the quad leaves must be 2 px at least:
			// smaller ones are not a case a camera should read.
			short := math.Inf(1)
			for j := range q {
				a, b := q[j], q[(j+1)%4]
				n := float64(s.Width)
				if j%2 == 1 {
					n = float64(s.Height)
				}
				short = math.Min(short, math.Hypot(b.X-a.X, b.Y-a.Y)/n)
			}
			if short < 2 || !cases.Next() {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", tc.name, i), func(t *testing.T) {
				c := symbols.NewCanvas(600, 500, 225)
				c.DrawQuad(s, q, 40, 225)
				c.Noise(rand.New(rand.NewPCG(uint64(i), 7)), 5)
				res, err := datamatrix.NewReader().Decode(readertest.Bitmap(t, c), nil)
				if err != nil {
					t.Fatal(err)
				}
				if res.GetText() != tc.text {
					t.Fatalf("read %q, want %q", res.GetText(), tc.text)
				}
				checkCorners(t, corners(t, res), q, 2*short)
			})
		}
	}
}

func TestDataMatrixContrastBlurNoise(t *testing.T) {
	for _, txt := range dmTexts {
		readDegraded(t, txt.name, func() gozxing.Reader { return datamatrix.NewReader() }, func(t *testing.T) (*symbols.Symbol, string) {
			return encodeDataMatrix(t, txt.text, txt.rect), txt.text
		})
	}
}

func TestDataMatrixDecodeMultipleAnywhere(t *testing.T) {
	readEverywhere(t, datamatrix.NewReader(), []symbols.Placement{
		{CX: 90, CY: 80, Module: 3, Angle: 0},      // top-left corner
		{CX: 1830, CY: 90, Module: 2.5, Angle: 33}, // top-right corner
		{CX: 960, CY: 540, Module: 4, Angle: 200},  // centre
		{CX: 150, CY: 980, Module: 3, Angle: 280},  // bottom-left
		{CX: 1700, CY: 900, Module: 5, Angle: 95},  // bottom-right
	}, func(text string) *symbols.Symbol { return encodeDataMatrix(t, text, false) })
}

func TestDataMatrixMirroredWithTryHarder(t *testing.T) {
	text := "seen through the glass"
	s := encodeDataMatrix(t, text, false)
	c := symbols.NewCanvas(400, 400, 230)
	// Corners in mirrored order: the symbol's left edge drawn on the right.
	w, h := float64(s.Width)*5, float64(s.Height)*5
	q := quad(300, 80, 300-w, 80, 300-w, 80+h, 300, 80+h)
	c.DrawQuad(s, q, 30, 230)
	if _, err := datamatrix.NewReader().Decode(readertest.Bitmap(t, c), nil); err == nil {
		t.Log("mirror image read without TRY_HARDER")
	}
	res, err := datamatrix.NewReader().Decode(readertest.Bitmap(t, c), harder)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != text {
		t.Fatalf("read %q, want %q", res.GetText(), text)
	}
}

func TestDataMatrixNoSymbol(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	blank := symbols.NewCanvas(640, 480, 200)
	noise := symbols.NewCanvas(640, 480, 128)
	noise.Noise(rng, 127)
	// Other symbologies' patterns: bars, QR finders.
	other := symbols.NewCanvas(800, 600, 230)
	for i, sym := range []scanner.Symbology{scanner.QRCode, scanner.Code128, scanner.EAN13} {
		s, err := symbols.Encode(sym, map[scanner.Symbology]string{scanner.QRCode: "not a data matrix", scanner.Code128: "CODE128", scanner.EAN13: "5901234123457"}[sym])
		if err != nil {
			t.Fatal(err)
		}
		other.Draw(s, symbols.Placement{CX: 200 + 200*float64(i), CY: 300, Module: 3, Angle: 10 * float64(i), Dark: 30, Light: 230})
	}
	for name, c := range map[string]*symbols.Canvas{"blank": blank, "noise": noise, "other symbologies": other} {
		t.Run(name, func(t *testing.T) {
			for _, hints := range []map[gozxing.DecodeHintType]interface{}{nil, harder} {
				res, err := datamatrix.NewReader().DecodeMultiple(readertest.Bitmap(t, c), hints)
				if len(res) > 0 {
					t.Fatalf("read %q from an image without a Data Matrix symbol", res[0].GetText())
				}
				if _, ok := err.(gozxing.NotFoundException); !ok && err != nil {
					t.Logf("error %T: %v", err, err)
				}
			}
		})
	}
}

// With hint.Regions the finder starts only from the regions given: a
// symbol outside them is not looked for, one the regions reach only in
// part is read whole.
func TestDataMatrixRegionsHintBoundsTheSearch(t *testing.T) {
	t.Parallel()
	c := symbols.NewCanvas(800, 400, 220)
	for _, p := range []symbols.Placement{{CX: 200, CY: 200}, {CX: 600, CY: 200}} {
		p.Module, p.Angle, p.Dark, p.Light = 4, 10, 30, 220
		c.Draw(encodeDataMatrix(t, fmt.Sprintf("at %g", p.CX), false), p)
	}
	for _, tc := range []struct {
		name    string
		regions []image.Rectangle
		want    []string
	}{
		{"no hint", nil, []string{"at 200", "at 600"}},
		{"around the left one", []image.Rectangle{image.Rect(100, 100, 300, 300)}, []string{"at 200"}},
		{"over the right one's left edge", []image.Rectangle{image.Rect(520, 0, 580, 400)}, []string{"at 600"}},
		{"away from both", []image.Rectangle{image.Rect(350, 0, 450, 400)}, nil},
	} {
		hints := map[gozxing.DecodeHintType]interface{}{}
		if tc.regions != nil {
			hints[hint.Regions] = tc.regions
		}
		res, _ := datamatrix.NewReader().DecodeMultiple(readertest.Bitmap(t, c), hints)
		var got []string
		for _, r := range res {
			got = append(got, r.GetText())
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: read %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestDataMatrixReadersInParallel runs one Reader per goroutine, as the decode
// engine's workers do; -race checks that readers share no state.
func TestDataMatrixReadersInParallel(t *testing.T) {
	readertest.ReadInParallel(t, func() gozxing.Reader { return datamatrix.NewReader() }, func(w int) (*symbols.Symbol, string) {
		text := fmt.Sprintf("worker %d", w)
		return encodeDataMatrix(t, text, false), text
	})
}

func BenchmarkDataMatrixDecode1080pNoSymbol(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Parcel1080(b, scanner.DataMatrix, ""), nil, false)
}

func BenchmarkDataMatrixDecode1080pNoSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Parcel1080(b, scanner.DataMatrix, ""), harder, false)
}

func BenchmarkDataMatrixDecode1080pSymbol(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Parcel1080(b, scanner.DataMatrix, "https://example.com/track?id=0123456789"), nil, true)
}

func BenchmarkDataMatrixDecode1080pSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Parcel1080(b, scanner.DataMatrix, "https://example.com/track?id=0123456789"), harder, true)
}

func BenchmarkDataMatrixDecode1080pNoise(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Noise1080(), nil, false)
}

func BenchmarkDataMatrixDecode1080pNoiseTryHarder(b *testing.B) {
	readertest.BenchDecode(b, datamatrix.NewReader(), readertest.Noise1080(), harder, false)
}
