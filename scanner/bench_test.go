package scanner_test

import (
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

func noiseFrame(w, h int) *scanner.Frame {
	c := symbols.NewCanvas(w, h, 128)
	c.Noise(rand.New(rand.NewPCG(7, 7)), 127)
	return scanner.NewFrame(c.Pix, w, h, w)
}

// benchDecode decodes f over and over with one decoder, as an engine's
// worker does frame after frame.
func benchDecode(b *testing.B, f *scanner.Frame, opts scanner.Options) {
	b.ReportAllocs()
	d := scanner.NewDecoder()
	for b.Loop() {
		d.Decode(f, opts)
	}
}

// Frames with nothing to find cost the most: every strategy runs.
func BenchmarkDecodeNoise1080p(b *testing.B) {
	benchDecode(b, noiseFrame(1920, 1080), scanner.Options{})
}

func BenchmarkDecodeNoise1080pTryHarder(b *testing.B) {
	benchDecode(b, noiseFrame(1920, 1080), scanner.Options{TryHarder: true, TryInverted: true, TryRotated: true})
}

func BenchmarkDecodeQR1080p(b *testing.B) {
	s, _ := symbols.Encode(scanner.QRCode, "https://example.com/ticket/4711?seat=12C")
	c := symbols.NewCanvas(1920, 1080, 230)
	c.Draw(s, symbols.Placement{CX: 900, CY: 500, Module: 4, Dark: 20, Light: 230})
	benchDecode(b, scanner.NewFrame(c.Pix, 1920, 1080, 1920), scanner.Options{})
}

func BenchmarkDecodeEAN13_1080p(b *testing.B) {
	s, _ := symbols.Encode(scanner.EAN13, "5901234123457")
	c := symbols.NewCanvas(1920, 1080, 230)
	c.Draw(s, symbols.Placement{CX: 900, CY: 500, Module: 3, Dark: 20, Light: 230})
	benchDecode(b, scanner.NewFrame(c.Pix, 1920, 1080, 1920), scanner.Options{})
}

// A small symbol in a large quiet frame, read by a reader that comes late
// in a pass: the readers before it search only where the frame is busy.
func BenchmarkDecodeAztec1080p(b *testing.B) {
	s, err := symboltest.Encode(scanner.Aztec, "https://example.com/ticket/4711?seat=12C")
	if err != nil {
		b.Fatal(err)
	}
	c := symbols.NewCanvas(1920, 1080, 230)
	c.Draw(s, symbols.Placement{CX: 1200, CY: 350, Module: 4, Angle: 27, Dark: 30, Light: 220})
	f := scanner.NewFrame(c.Pix, 1920, 1080, 1920)
	if rs := scanner.DecodeFrame(f, scanner.Options{}); len(rs) != 1 {
		b.Fatalf("read %d symbols, want the Aztec code", len(rs))
	}
	benchDecode(b, f, scanner.Options{})
}
