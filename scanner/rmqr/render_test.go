package rmqr

import (
	"image"

	"github.com/scannerd/scannerd/internal/testimage"
)

// scene places a symbol in an image.
type scene = testimage.Scene

// render draws the module matrix (rows of modules) with a quiet zone: each
// pixel is mapped back into symbol space and supersampled four times.
func render(m [][]bool, sc scene) *image.Gray {
	h, w := float64(len(m)), float64(len(m[0]))
	sc.Light = 230
	return testimage.Render(sc, func(u, v float64) bool {
		col, row := u+w/2, v+h/2
		if col < 0 || row < 0 || col >= w || row >= h {
			return false
		}
		return m[int(row)][int(col)]
	})
}
