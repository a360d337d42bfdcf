package readback_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

var harder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

// globalBitmap binarizes a canvas with one threshold for the whole image.
func globalBitmap(t testing.TB, c *symbols.Canvas) *gozxing.BinaryBitmap {
	t.Helper()
	src, err := gozxing.NewPlanarYUVLuminanceSource(c.Pix, c.Width, c.Height, 0, 0, c.Width, c.Height, false)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// corners returns a result's points in drawing order (top-left, top-right,
// bottom-right, bottom-left); results list top-left, bottom-left,
// bottom-right, top-right.
func corners(t testing.TB, r *gozxing.Result) [4]scanner.Point {
	t.Helper()
	p := r.GetResultPoints()
	if len(p) != 4 {
		t.Fatalf("%d result points, want 4", len(p))
	}
	pt := func(i int) scanner.Point { return scanner.Point{X: p[i].GetX(), Y: p[i].GetY()} }
	return [4]scanner.Point{pt(0), pt(3), pt(2), pt(1)}
}

func checkCorners(t testing.TB, got, want [4]scanner.Point, tol float64) {
	t.Helper()
	for i := range got {
		if d := math.Hypot(got[i].X-want[i].X, got[i].Y-want[i].Y); d > tol {
			t.Errorf("corner %d at (%.1f, %.1f), drawn at (%.1f, %.1f): %.1f px off", i, got[i].X, got[i].Y, want[i].X, want[i].Y, d)
		}
	}
}

// quad lists four corners as x, y pairs.
func quad(c ...float64) [4]scanner.Point {
	var q [4]scanner.Point
	for i := range q {
		q[i] = scanner.Point{X: c[2*i], Y: c[2*i+1]}
	}
	return q
}

// readDegraded reads one symbol drawn dim, blurred and noisy, as the
// decode engine does with TRY_HARDER: the hybrid binarizer first, then
// the global histogram one.
func readDegraded(t *testing.T, name string, newReader func() gozxing.Reader, draw func(t *testing.T) (*symbols.Symbol, string)) {
	for _, tc := range []struct {
		name        string
		dark, light uint8
		blur, noise int
		module      float64
	}{
		{"low contrast", 110, 160, 0, 4, 3},
		{"blurred", 30, 230, 1, 4, 4},
		{"noisy", 40, 220, 0, 16, 4},
		{"dim and blurred", 70, 150, 1, 6, 5},
	} {
		t.Run(tc.name+"/"+name, func(t *testing.T) {
			s, text := draw(t)
			// The symbol fills a good part of the image, as in a
			// scanner's view: binarizers judge contrast block by block.
			side := max(160, int(2*tc.module*float64(max(s.Width, s.Height))))
			c := symbols.NewCanvas(side, side, tc.light)
			c.Draw(s, symbols.Placement{CX: float64(side) / 2, CY: float64(side) / 2, Module: tc.module, Angle: 17, Dark: tc.dark, Light: tc.light})
			c.Blur(tc.blur)
			c.Noise(rand.New(rand.NewPCG(3, 4)), tc.noise)
			res, err := newReader().Decode(readertest.Bitmap(t, c), harder)
			if err != nil {
				res, err = newReader().Decode(globalBitmap(t, c), harder)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.GetText() != text {
				t.Fatalf("read %q, want %q", res.GetText(), text)
			}
		})
	}
}

// multiReader reads every symbol of an image.
type multiReader interface {
	DecodeMultiple(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error)
}

// readEverywhere draws a symbol at each place of a 1080p frame, its text
// naming the place, and checks that r reads each once and nothing else.
func readEverywhere(t *testing.T, r multiReader, places []symbols.Placement, encode func(text string) *symbols.Symbol) {
	c := symbols.NewCanvas(1920, 1080, 220)
	want := map[string]bool{}
	for i, p := range places {
		text := fmt.Sprintf("symbol %d of %d at (%g, %g)", i+1, len(places), p.CX, p.CY)
		p.Dark, p.Light = 30, 220
		c.Draw(encode(text), p)
		want[text] = true
	}
	c.Noise(rand.New(rand.NewPCG(5, 6)), 6)
	res, err := r.DecodeMultiple(readertest.Bitmap(t, c), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res {
		if got[r.GetText()] {
			t.Errorf("%q reported twice", r.GetText())
		}
		got[r.GetText()] = true
	}
	for text := range want {
		if !got[text] {
			t.Errorf("missed %q", text)
		}
	}
	for text := range got {
		if !want[text] {
			t.Errorf("read %q, which is not in the image", text)
		}
	}
}
