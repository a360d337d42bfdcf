package pdf417

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroEdgeWithoutRowsNotProbed: a MicroPDF417 symbol whose rows are
// painted over past their first codeword keeps its left edge (RAPs, after
// a quiet zone, each followed by a codeword that differs from row to
// row), but no scan row reads on to a stop bar where a row of some width
// puts it: the reader samples no line across the edge, and reads nothing;
// nor does the composite reader, whose components' rows are laid out
// alike.
// The whole symbol, upright and turned, is sampled and read.
func TestMicroEdgeWithoutRowsNotProbed(t *testing.T) {
	zint.Need(t)
	data := "Edge without rows: RAPs and codewords, then paper"
	r := zint.Image(t, "-b", "MICROPDF417", "--cols=1", "-d", data)
	whole := *r.Gray
	whole.Pix = append([]uint8(nil), r.Gray.Pix...)
	// Past the left RAP and the first codeword, 10 + 17 modules of 2
	// pixels, the raster is paper.
	cut := r.Gray
	for y := range cut.Rect.Dy() {
		for x := (rapModules + modulesPerCodeword) * zint.PixelsPerModule; x < cut.Rect.Dx(); x++ {
			cut.Pix[y*cut.Stride+x] = 255
		}
	}
	for _, angle := range []float64{0, 12, 100, 197, 290} {
		reader := NewMicroReader()
		img, _ := r.Render(zint.Scene{Module: 3, Angle: angle})
		if res, err := reader.DecodeMultiple(bitmap(img), nil); err == nil {
			t.Errorf("cut at %v°: read %d symbols", angle, len(res))
		}
		if reader.linesSampled != 0 {
			t.Errorf("cut at %v°: sampled %d lines across an edge whose scan rows read no row", angle, reader.linesSampled)
		}
		// The composite reader's rows have the same layouts.
		component := NewCompositeMicroReader()
		component.DecodeMultiple(bitmap(img), nil)
		if component.linesSampled != 0 {
			t.Errorf("cut at %v°: the composite reader sampled %d lines", angle, component.linesSampled)
		}
		img, _ = (&zint.Raster{Gray: &whole}).Render(zint.Scene{Module: 3, Angle: angle})
		res, err := reader.Decode(bitmap(img), nil)
		if err != nil || res.GetText() != data {
			t.Fatalf("whole at %v°: read %v, %v", angle, res, err)
		}
		if reader.linesSampled == 0 {
			t.Errorf("whole at %v°: no line sampled", angle)
		}
	}
}
