package debugexport_test

import (
	"image"
	"image/color"
	"testing"

	"github.com/scannerd/scannerd/debugexport"
)

func TestAnnotateDrawsOutlinesAndText(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 200, 120))
	for i := range gray.Pix {
		gray.Pix[i] = 128
	}
	sc := &debugexport.Sidecar{Source: "cam", Width: 200, Height: 120, Results: []debugexport.SidecarResult{
		{Symbology: "QR_CODE", Text: "hello", Points: [4][2]float64{{50, 40}, {150, 40}, {150, 100}, {50, 100}}},
	}}
	out := debugexport.Annotate(gray, sc)
	if out.Bounds() != gray.Bounds() {
		t.Fatalf("bounds %v", out.Bounds())
	}
	isMark := func(c color.RGBA) bool { return c.R > 200 && c.G < 60 && c.B < 60 }
	for _, p := range []image.Point{{50, 40}, {100, 40}, {150, 70}, {100, 100}} {
		if c := out.RGBAAt(p.X, p.Y); !isMark(c) {
			t.Errorf("outline missing at %v: %v", p, c)
		}
	}
	if c := out.RGBAAt(100, 70); c != (color.RGBA{128, 128, 128, 255}) {
		t.Errorf("inside the outline changed: %v", c)
	}
	// The label above the first corner puts coloured pixels there.
	marks := 0
	for y := 20; y < 36; y++ {
		for x := 50; x < 150; x++ {
			if isMark(out.RGBAAt(x, y)) {
				marks++
			}
		}
	}
	if marks < 20 {
		t.Errorf("no label text drawn (%d marked pixels)", marks)
	}
}
