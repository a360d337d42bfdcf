package databar

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// symbolText decodes data characters to the human readable text and the
// element string. The lenient reading of FNC1 goes first; the strict one
// serves when the lenient reading gives no valid element string.
func symbolText(data []int) (text, element string, err error) {
	for _, lenient := range [2]bool{true, false} {
		element, err = decodeElementString(data, lenient)
		if err != nil {
			continue
		}
		text, err = humanReadable(element)
		if err == nil {
			return text, element, nil
		}
	}
	return "", "", err
}

// measureHeight extends c's vertical extent to the ends of its bars, for
// the corner points: a symbol often decodes from the first line crossing
// it. Lines about two modules apart are read until two in a row miss.
func (s *search) measureHeight(c *cluster) *cluster {
	step := max(1, int(math.Round(2*c.module)))
	for _, dir := range [2]int{-1, 1} {
		misses := 0
		for n := 0; misses < 2 && n < exploreBudget; n++ {
			y := c.y0 - step
			if dir > 0 {
				y = c.y1 + step
			}
			y += misses * step * dir
			if y < 0 || y >= s.height {
				break
			}
			touched, ok := s.scanExtra(y, false)
			if !ok {
				return c
			}
			if c = c.live(); containsCluster(touched, c) {
				misses = 0
			} else {
				misses++
			}
		}
	}
	return c
}

// result builds the gozxing result for a decoded cluster. The corner
// points follow the symbol's own orientation: when it reads right to left
// in the image it lies upside down.
func (s *search) result(c *cluster, text, element string) *gozxing.Result {
	pad := 2 * c.module // guard patterns beyond the outer characters
	x0, x1 := math.Max(0, c.x0-pad), math.Min(float64(s.img.GetWidth()-1), c.x1+pad)
	y0, y1 := float64(c.y0), float64(c.y1)
	tl := gozxing.NewResultPoint(x0, y0)
	bl := gozxing.NewResultPoint(x0, y1)
	br := gozxing.NewResultPoint(x1, y1)
	tr := gozxing.NewResultPoint(x1, y0)
	points := []gozxing.ResultPoint{tl, bl, br, tr}
	if c.rtlA1 > c.ltrA1 {
		points = []gozxing.ResultPoint{br, tr, tl, bl}
	}
	res := gozxing.NewResult(text, []byte(element), points, gozxing.BarcodeFormat_RSS_EXPANDED)
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]e0")
	return res
}
