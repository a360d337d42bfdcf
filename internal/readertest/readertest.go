// Package readertest holds what the tests and benchmarks of the 2D reader
// packages share: canvases binarized as the engine binarizes frames, a
// 1080p scene, and the checks every reader must pass.
package readertest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

// Bitmap binarizes a canvas as the decode engine's first pass does.
func Bitmap(t testing.TB, c *symbols.Canvas) *gozxing.BinaryBitmap {
	t.Helper()
	src, err := gozxing.NewPlanarYUVLuminanceSource(c.Pix, c.Width, c.Height, 0, 0, c.Width, c.Height, false)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// Parcel1080 draws a 1080p frame like a parcel label: a Code 128 and an
// EAN-13 symbol and sensor noise, and, when text is not empty, a symbol of
// sym at an angle.
func Parcel1080(t testing.TB, sym scanner.Symbology, text string) *symbols.Canvas {
	t.Helper()
	c := symbols.NewCanvas(1920, 1080, 200)
	for _, o := range []struct {
		sym  scanner.Symbology
		text string
		x, y float64
	}{{scanner.Code128, "PARCEL 0042", 400, 300}, {scanner.EAN13, "5901234123457", 1400, 700}} {
		s, err := symboltest.Encode(o.sym, o.text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: o.x, CY: o.y, Module: 3, Angle: 5, Dark: 30, Light: 220})
	}
	if text != "" {
		s, err := symboltest.Encode(sym, text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: 1200, CY: 350, Module: 4, Angle: 27, Dark: 30, Light: 220})
	}
	c.Noise(rand.New(rand.NewPCG(1, 2)), 6)
	return c
}

// Noise1080 is a 1080p frame of pure noise, which the binarizer turns into
// random dark and light pixels: the worst case for any search.
func Noise1080() *symbols.Canvas {
	c := symbols.NewCanvas(1920, 1080, 128)
	c.Noise(rand.New(rand.NewPCG(7, 7)), 127)
	return c
}

// MultiReader reads every symbol of its symbology in a binarized image.
type MultiReader interface {
	DecodeMultiple(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error)
}

// BenchDecode times r on the canvas, binarized once beforehand as the
// engine shares one binarized image among its readers, and fails when r
// finds symbols where want says none, or none where want says some.
func BenchDecode(b *testing.B, r MultiReader, c *symbols.Canvas, hints map[gozxing.DecodeHintType]interface{}, want bool) {
	bm := Bitmap(b, c)
	if _, err := bm.GetBlackMatrix(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, _ := r.DecodeMultiple(bm, hints)
		if (len(res) > 0) != want {
			b.Fatalf("found %d symbols", len(res))
		}
	}
}

// ReadInParallel runs one reader per goroutine, as the decode engine's
// workers do, each reading its own symbol ten times: symbol(w) returns the
// symbol of worker w and its text. Under -race it checks that readers
// share no state.
func ReadInParallel(t *testing.T, newReader func() gozxing.Reader, symbol func(w int) (*symbols.Symbol, string)) {
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		s, text := symbol(w)
		c := symbols.NewCanvas(200, 200, 230)
		c.Draw(s, symbols.Placement{CX: 100, CY: 100, Module: 4, Angle: float64(20 * w), Dark: 30, Light: 230})
		bm := Bitmap(t, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newReader()
			for i := 0; i < 10; i++ {
				res, err := r.Decode(bm, nil)
				if err != nil {
					errs <- err
					return
				}
				if res.GetText() != text {
					errs <- fmt.Errorf("read %q, want %q", res.GetText(), text)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
