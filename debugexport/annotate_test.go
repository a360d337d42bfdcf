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

// The regions the decoder proposed are thin cyan frames, and the region
// of interest a yellow one drawn over them where they meet.
func TestAnnotateDrawsProposalsAndRegion(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 200, 120))
	for i := range gray.Pix {
		gray.Pix[i] = 128
	}
	sc := &debugexport.Sidecar{Source: "cam", Width: 200, Height: 120,
		Options:   debugexport.SidecarOptions{Region: []int{20, 30, 160, 80}},
		Proposals: [][4]int{{20, 30, 60, 40}, {120, 70, 40, 20}}}
	out := debugexport.Annotate(gray, sc)
	cyan, yellow := color.RGBA{0, 200, 220, 255}, color.RGBA{255, 220, 0, 255}
	for _, c := range []struct {
		p    image.Point
		want color.RGBA
	}{
		{image.Pt(80, 50), cyan},   // the first proposal's right side
		{image.Pt(140, 70), cyan},  // the second's top
		{image.Pt(20, 50), yellow}, // the region's left side, over the first proposal's
		{image.Pt(180, 100), yellow},
		{image.Pt(100, 60), color.RGBA{128, 128, 128, 255}}, // inside: untouched
	} {
		if got := out.RGBAAt(c.p.X, c.p.Y); got != c.want {
			t.Errorf("at %v: %v, want %v", c.p, got, c.want)
		}
	}
}
