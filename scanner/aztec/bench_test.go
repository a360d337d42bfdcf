package aztec_test

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/aztec"
)

// frame1080 draws a 1080p frame with a label-like background texture and,
// when text is not empty, an Aztec symbol.
func frame1080(b *testing.B, text string) *symbols.Canvas {
	b.Helper()
	c := symbols.NewCanvas(1920, 1080, 200)
	rng := rand.New(rand.NewPCG(1, 2))
	// Other symbologies and noise, as on a parcel.
	for i, sym := range []struct {
		text string
		x, y float64
	}{{"PARCEL 0042", 400, 300}, {"5901234123457", 1400, 700}} {
		s, err := symbols.Encode(codeFor(i), sym.text)
		if err != nil {
			b.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: sym.x, CY: sym.y, Module: 3, Angle: 5, Dark: 30, Light: 220})
	}
	if text != "" {
		s, err := symbols.Encode(scanner.Aztec, text)
		if err != nil {
			b.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: 1200, CY: 350, Module: 4, Angle: 27, Dark: 30, Light: 220})
	}
	c.Noise(rng, 6)
	return c
}

func benchDecode(b *testing.B, c *symbols.Canvas, hints map[gozxing.DecodeHintType]interface{}, want bool) {
	bm := bitmap(b, c)
	if _, err := bm.GetBlackMatrix(); err != nil { // binarized once, as the engine shares it
		b.Fatal(err)
	}
	r := aztec.NewReader()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, _ := r.DecodeMultiple(bm, hints)
		if (len(res) > 0) != want {
			b.Fatalf("found %d symbols", len(res))
		}
	}
}

func BenchmarkDecode1080pNoSymbol(b *testing.B) {
	benchDecode(b, frame1080(b, ""), nil, false)
}

func BenchmarkDecode1080pNoSymbolTryHarder(b *testing.B) {
	benchDecode(b, frame1080(b, ""), harder, false)
}

func BenchmarkDecode1080pSymbol(b *testing.B) {
	benchDecode(b, frame1080(b, "https://example.com/track?id=0123456789"), nil, true)
}

func BenchmarkDecode1080pSymbolTryHarder(b *testing.B) {
	benchDecode(b, frame1080(b, "https://example.com/track?id=0123456789"), harder, true)
}

// noise1080 is a 1080p frame of pure noise, which the binarizer turns
// into random dark and light pixels: the worst case for any search.
func noise1080() *symbols.Canvas {
	c := symbols.NewCanvas(1920, 1080, 128)
	c.Noise(rand.New(rand.NewPCG(7, 7)), 127)
	return c
}

func BenchmarkDecode1080pNoise(b *testing.B) {
	benchDecode(b, noise1080(), nil, false)
}

func BenchmarkDecode1080pNoiseTryHarder(b *testing.B) {
	benchDecode(b, noise1080(), harder, false)
}
