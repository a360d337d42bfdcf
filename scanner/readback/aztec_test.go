package readback_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/aztec"
)

// aztecSpecs covers compact and full-range symbols, small and large, and the
// error correction levels.
var aztecSpecs = []struct {
	name   string
	text   string
	layers int // 0: smallest that fits; <0 compact
	ec     int
}{
	{"compact-1", "AZ 42", -1, 0},
	{"compact-2", "hello, world", -2, 0},
	{"compact-4", "Compact with four layers: 0123456789", -4, 50},
	{"full-1", "full", 1, 0},
	{"full-3", "Full range, three layers.", 3, 33},
	{"full-8-binary", "bytes \x00\x01\u00fe\u00ff and ISO-8859-1 é ü ß", 8, 0},
	{"full-15", longText(240), 15, 23},
}

func longText(n int) string {
	const alphabet = "Lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789. "
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[i%len(alphabet)]
	}
	return string(b)
}

func encodeAztec(t testing.TB, text string, layers, ec int) *symbols.Symbol {
	t.Helper()
	hints := map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_AZTEC_LAYERS: layers}
	if ec != 0 {
		hints[gozxing.EncodeHintType_ERROR_CORRECTION] = ec
	}
	s, err := symboltest.EncodeWithHints(scanner.Aztec, text, hints)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAztecRotationSweep reads every spec at every module size and
// angle step (under -race a sample: see internal/sweep).
func TestAztecRotationSweep(t *testing.T) {
	cases := sweep.New(t)
	for _, sp := range aztecSpecs {
		s := encodeAztec(t, sp.text, sp.layers, sp.ec)
		for _, module := range []float64{2, 2.5, 3, 4, 6} {
			if module < 2.5 && s.Width > 60 {
				// At 2 px the hybrid binarizer breaks up the rings of a
				// large symbol's bull's-eye (busy data all round).
				continue
			}
			step := 15.0
			if module > 3 || s.Width > 40 {
				step = 35
			}
			for angle := 0.0; angle < 360; angle += step {
				if !cases.Next() {
					continue
				}
				t.Run(fmt.Sprintf("%s/%gpx/%g°", sp.name, module, angle), func(t *testing.T) {
					side := int(float64(s.Width)*module*math.Sqrt2) + 40
					c := symbols.NewCanvas(side+60, side+20, 230)
					want := c.Draw(s, symbols.Placement{CX: float64(side)/2 + 50, CY: float64(side)/2 + 10, Module: module, Angle: angle, Dark: 35, Light: 230})
					c.Noise(rand.New(rand.NewPCG(uint64(module*10), uint64(angle))), 6)
					// A bull's-eye of 2 px modules is crossed by few enough
					// rows that it takes the denser scan.
					var hints map[gozxing.DecodeHintType]interface{}
					if module < 2.5 {
						hints = harder
					}
					res, err := aztec.NewReader().Decode(readertest.Bitmap(t, c), hints)
					if err != nil {
						t.Fatal(err)
					}
					if res.GetText() != sp.text {
						t.Fatalf("read %q, want %q", res.GetText(), sp.text)
					}
					checkCorners(t, corners(t, res), want, 1.5*module)
				})
			}
		}
	}
}

// TestAztecPerspectiveSweep reads every spec drawn into every quad
// (under -race a sample: see internal/sweep).
func TestAztecPerspectiveSweep(t *testing.T) {
	quads := [][4]scanner.Point{
		quad(100, 80, 420, 120, 400, 400, 90, 360),   // leaning back on the right
		quad(150, 60, 380, 60, 470, 420, 60, 420),    // seen from below
		quad(300, 40, 520, 260, 300, 470, 90, 250),   // diamond, foreshortened
		quad(480, 420, 120, 400, 140, 90, 450, 60),   // upside down, skewed
		quad(60, 200, 300, 100, 520, 210, 280, 330),  // flat, strongly skewed
		quad(200, 150, 330, 170, 320, 290, 190, 280), // small
	}
	cases := sweep.New(t)
	for _, sp := range aztecSpecs {
		s := encodeAztec(t, sp.text, sp.layers, sp.ec)
		for i, q := range quads {
			short := math.Inf(1)
			for j := range q {
				a, b := q[j], q[(j+1)%4]
				short = math.Min(short, math.Hypot(b.X-a.X, b.Y-a.Y)/float64(s.Width))
			}
			if short < 2 {
				continue // modules under 2 px: not a case a camera should read
			}
			if !cases.Next() {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", sp.name, i), func(t *testing.T) {
				c := symbols.NewCanvas(600, 500, 225)
				c.DrawQuad(s, q, 40, 225)
				c.Noise(rand.New(rand.NewPCG(uint64(i), 7)), 5)
				res, err := aztec.NewReader().Decode(readertest.Bitmap(t, c), nil)
				if err != nil {
					t.Fatal(err)
				}
				if res.GetText() != sp.text {
					t.Fatalf("read %q, want %q", res.GetText(), sp.text)
				}
				checkCorners(t, corners(t, res), q, 2*short)
			})
		}
	}
}

func TestAztecContrastBlurNoise(t *testing.T) {
	for _, sp := range aztecSpecs {
		readDegraded(t, sp.name, func() gozxing.Reader { return aztec.NewReader() }, func(t *testing.T) (*symbols.Symbol, string) {
			return encodeAztec(t, sp.text, sp.layers, sp.ec), sp.text
		})
	}
}

func TestAztecDecodeMultipleAnywhere(t *testing.T) {
	readEverywhere(t, aztec.NewReader(), []symbols.Placement{
		{CX: 80, CY: 80, Module: 3, Angle: 0},
		{CX: 1840, CY: 90, Module: 2.5, Angle: 33},
		{CX: 960, CY: 540, Module: 4, Angle: 200},
		{CX: 150, CY: 990, Module: 3, Angle: 280},
		{CX: 1700, CY: 900, Module: 5, Angle: 95},
	}, func(text string) *symbols.Symbol { return encodeAztec(t, text, 0, 0) })
}

func TestAztecReaderInitializationAndMirror(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spec   symboltest.AztecSpec
		mirror bool
	}{
		{"compact reader init", symboltest.AztecSpec{Layers: -1, ReaderInit: true}, false},
		{"full reader init", symboltest.AztecSpec{Layers: 2, ReaderInit: true}, false},
		{"compact mirrored", symboltest.AztecSpec{Layers: -2}, true},
		{"full mirrored", symboltest.AztecSpec{Layers: 4}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const text = "init-test"
			m, err := symboltest.EncodeAztec(text, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			s := symbols.FromMatrix(scanner.Aztec, text, m)
			c := symbols.NewCanvas(300, 300, 230)
			w := float64(s.Width) * 6
			q := quad(150-w/2, 150-w/2, 150+w/2, 150-w/2, 150+w/2, 150+w/2, 150-w/2, 150+w/2)
			if tc.mirror {
				q[0], q[1], q[2], q[3] = q[1], q[0], q[3], q[2]
			}
			c.DrawQuad(s, q, 30, 230)
			res, err := aztec.NewReader().Decode(readertest.Bitmap(t, c), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetText() != text {
				t.Fatalf("read %q, want %q", res.GetText(), text)
			}
			md, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER].(*aztec.Metadata)
			if !ok {
				t.Fatal("no Aztec metadata")
			}
			if md.ReaderInit != tc.spec.ReaderInit || md.Compact != (tc.spec.Layers < 0) || md.Layers != max(tc.spec.Layers, -tc.spec.Layers) {
				t.Errorf("metadata %+v, symbol %+v", *md, tc.spec)
			}
		})
	}
}

func TestAztecNoSymbol(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	blank := symbols.NewCanvas(640, 480, 200)
	noise := symbols.NewCanvas(640, 480, 128)
	noise.Noise(rng, 127)
	// Other symbologies' patterns: QR finders look like a small bull's-eye.
	other := symbols.NewCanvas(900, 600, 230)
	for i, sym := range []scanner.Symbology{scanner.QRCode, scanner.DataMatrix, scanner.Code128, scanner.EAN13} {
		s, err := symboltest.Encode(sym, map[scanner.Symbology]string{scanner.QRCode: "not an aztec symbol", scanner.DataMatrix: "nor this", scanner.Code128: "CODE128", scanner.EAN13: "5901234123457"}[sym])
		if err != nil {
			t.Fatal(err)
		}
		other.Draw(s, symbols.Placement{CX: 150 + 200*float64(i), CY: 300, Module: 3, Angle: 10 * float64(i), Dark: 30, Light: 230})
	}
	for name, c := range map[string]*symbols.Canvas{"blank": blank, "noise": noise, "other symbologies": other} {
		t.Run(name, func(t *testing.T) {
			for _, hints := range []map[gozxing.DecodeHintType]interface{}{nil, harder} {
				res, err := aztec.NewReader().DecodeMultiple(readertest.Bitmap(t, c), hints)
				if len(res) > 0 {
					t.Fatalf("read %q from an image without an Aztec symbol", res[0].GetText())
				}
				if _, ok := err.(gozxing.NotFoundException); !ok {
					t.Errorf("error %T (%v), want a NotFoundException", err, err)
				}
			}
		})
	}
}

// TestAztecReadersInParallel runs one Reader per goroutine, as the decode
// engine's workers do; -race checks that readers share no state.
func TestAztecReadersInParallel(t *testing.T) {
	readertest.ReadInParallel(t, func() gozxing.Reader { return aztec.NewReader() }, func(w int) (*symbols.Symbol, string) {
		text := fmt.Sprintf("worker %d", w)
		return encodeAztec(t, text, 0, 0), text
	})
}

func BenchmarkAztecDecode1080pNoSymbol(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, ""), nil, false)
}

func BenchmarkAztecDecode1080pNoSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, ""), harder, false)
}

func BenchmarkAztecDecode1080pSymbol(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, "https://example.com/track?id=0123456789"), nil, true)
}

func BenchmarkAztecDecode1080pSymbolTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Parcel1080(b, scanner.Aztec, "https://example.com/track?id=0123456789"), harder, true)
}

func BenchmarkAztecDecode1080pNoise(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Noise1080(), nil, false)
}

func BenchmarkAztecDecode1080pNoiseTryHarder(b *testing.B) {
	readertest.BenchDecode(b, aztec.NewReader(), readertest.Noise1080(), harder, false)
}
