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
	return areaReader{sym: DXFilmEdge, corners: cornersAsGiven, rowBased: true, turnsItself: true, wipe: r.Wipe,
		readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) (out []*gozxing.Result) {
			var err error
			defer guard.Recover("dxfilmedge", &out, &err)
			m, err := guard.Matrix("dxfilmedge", bm)
			if err != nil {
				return nil
			}
			for _, s := range r.Read(m, &lazyGray{src: src}, hints) {
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
