package datamatrix

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	dmwriter "github.com/makiuchi-d/gozxing/datamatrix"

	"github.com/scannerd/scannerd/internal/fuzzimage"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// symbolImage draws a symbol from gozxing's writer at scale px per module
// with a two-module quiet zone.
func symbolImage(f *testing.F, text string, scale int) []byte {
	m, err := dmwriter.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
	if err != nil {
		f.Fatal(err)
	}
	w, h := (m.GetWidth()+4)*scale, (m.GetHeight()+4)*scale
	pix := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pix[y*w+x] = 255
			if m.Get(x/scale-2, y/scale-2) {
				pix[y*w+x] = 0
			}
		}
	}
	return fuzzimage.Bytes(pix, w, h)
}

// FuzzDecode feeds arbitrary binary images to the detector and decoder:
// whatever the image, Decode returns a result or a gozxing exception and
// never panics.
func FuzzDecode(f *testing.F) {
	f.Add(symbolImage(f, "fuzz", 3))
	f.Add(symbolImage(f, "0123456789 ABCDEFGHIJ abcdefghij", 2))
	f.Add([]byte{10, 10, 0xff, 0x00, 0x0f, 0xf0})
	f.Add([]byte{0, 0, 0x55})
	f.Fuzz(func(t *testing.T, b []byte) {
		bm, ok := fuzzimage.Bitmap(t, b)
		if !ok {
			return
		}
		r := NewReader()
		for _, hints := range fuzzimage.Hints {
			res, err := r.DecodeMultiple(bm, hints)
			fuzzimage.CheckOutcome(t, res, err)
		}
		// And the search for dotted modules.
		res, err := r.DecodeMultiple(bm, map[gozxing.DecodeHintType]interface{}{hint.DottedModules: true})
		fuzzimage.CheckOutcome(t, res, err)
	})
}
