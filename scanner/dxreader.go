package scanner

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/dxfilmedge"
	"github.com/scannerd/scannerd/scanner/internal/guard"
)

// dxFilmEdgeReader reads DX film edge barcodes along the rows of the
// binarized image, and of the quarter-turned one with TryRotated.
func dxFilmEdgeReader() areaReader {
	r := &dxfilmedge.Reader{}
	return areaReader{sym: DXFilmEdge, corners: cornersAsGiven, rowBased: true,
		read: func(bm *gozxing.BinaryBitmap, _ map[gozxing.DecodeHintType]interface{}, want int) (out []*gozxing.Result) {
			var err error
			defer guard.Recover("dxfilmedge", &out, &err)
			m, err := guard.Matrix("dxfilmedge", bm)
			if err != nil {
				return nil
			}
			for _, s := range r.Read(m) {
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
