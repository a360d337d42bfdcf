package scanner

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/dxfilmedge"
	"github.com/scannerd/scannerd/scanner/internal/guard"
)

var _ dxfilmedge.Gray = (*lazyGray)(nil)

// dxFilmEdgeReader reads DX film edge barcodes along the rows of the
// binarized image, and with TryRotated along its columns, their data
// tracks on the pass's gray view.
func dxFilmEdgeReader() areaReader {
	r := &dxfilmedge.Reader{}
	gray := &lazyGray{} // the pass's, as an interface: one kept, not one a pass
	return areaReader{sym: DXFilmEdge, corners: cornersAsGiven, rowBased: true, turnsItself: true, wipe: r.Wipe,
		readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) (out []*gozxing.Result) {
			var err error
			defer guard.Recover("dxfilmedge", &out, &err)
			m, err := guard.Matrix("dxfilmedge", bm)
			if err != nil {
				return nil
			}
			gray.of(src)
			defer gray.done()
			for _, s := range r.Read(m, gray, hints) {
				pts := make([]gozxing.ResultPoint, 4)
				for i, c := range s.Corners {
					pts[i] = gozxing.NewResultPoint(c[0], c[1])
				}
				out = append(out, gozxing.NewResult(s.Text, nil, pts, gozxing.BarcodeFormat(-1)))
				if want > 0 && len(out) == want {
					break
				}
			}
			return out
		}}
}
