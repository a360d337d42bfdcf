package qrlocate

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// DecodeDetected reads the symbol gozxing's detector finds as gozxing's
// QR Code reader does (without the PURE_BARCODE hint: the same result, or
// none), and where that fails samples its modules again where the
// detector's own sampling may have read them from the wrong pixels: a
// module centre that falls on a pixel edge is a tie between the pixels
// either side, which the grid sampler breaks to the pixel after the edge.
// The detector finds the finders' centres to half a pixel, so on an
// upright symbol of an even number of pixels a module every module centre
// lies on a pixel edge; where the modules' own edges lie a little past
// pixel centres, the pixel after is almost half the next module, and many
// modules read wrong at once. DecodeDetected then breaks the ties the other
// way along x, y and both, and decodes each grid that differs. It returns
// nil where nothing decodes.
func (r *Reader) DecodeDetected(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) *gozxing.Result {
	bm, err := image.GetBlackMatrix()
	if err != nil {
		return nil
	}
	det, err := r.centers.Detect(bm, hints) // detector.Detect's
	if err != nil {
		return nil
	}
	pts := det.GetPoints()
	if dr, err := r.dec.Decode(det.GetBits(), hints); err == nil {
		return NewResult(dr, pts)
	}
	dim := det.GetBits().GetWidth()
	if len(pts) < 3 || dim < 21 {
		return nil
	}
	var align *detector.AlignmentPattern
	if len(pts) > 3 {
		align = detector.NewAlignmentPattern(pts[3].GetX(), pts[3].GetY(), 0)
	}
	t := detector.Detector_createTransform(pts[1], pts[2], pts[0], align, dim)
	// The module centres, row by row, as the detector maps them.
	xy := make([]float64, 2*dim*dim)
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			i := 2 * (y*dim + x)
			xy[i], xy[i+1] = float64(x)+0.5, float64(y)+0.5
		}
	}
	t.TransformPoints(xy)
	ties := 0
	for i := 0; i < len(xy); i += 2 {
		if onEdge(xy[i]) {
			ties |= 1
		}
		if onEdge(xy[i+1]) {
			ties |= 2
		}
	}
	bits, err := gozxing.NewSquareBitMatrix(dim)
	if err != nil {
		return nil
	}
	w, h := bm.GetWidth(), bm.GetHeight()
	for flip := 1; flip < 4; flip++ {
		if flip&^ties != 0 {
			continue // no tie to break along that axis: a grid tried before
		}
		for y := 0; y < dim; y++ {
			for x := 0; x < dim; x++ {
				i := 2 * (y*dim + x)
				u, v := xy[i], xy[i+1]
				if flip&1 != 0 && onEdge(u) {
					u -= 0.5
				}
				if flip&2 != 0 && onEdge(v) {
					v -= 0.5
				}
				if u >= 0 && v >= 0 && u < float64(w) && v < float64(h) && bm.Get(int(u), int(v)) {
					bits.Set(x, y)
				}
			}
		}
		dr, err := r.dec.Decode(bits, hints)
		bits.Clear()
		if err == nil {
			return NewResult(dr, pts)
		}
	}
	return nil
}

// onEdge reports whether image coordinate c lies on a pixel edge, to
// within what the map's arithmetic leaves of an integer.
func onEdge(c float64) bool { return math.Abs(c-math.Round(c)) < 1e-6 }
