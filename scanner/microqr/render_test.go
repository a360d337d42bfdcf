package microqr

import (
	"image"

	"github.com/scannerd/scannerd/internal/testimage"
)

// scene places a symbol in an image.
type scene = testimage.Scene

// render draws the module matrix with a two-module quiet zone: each pixel
// is mapped back into symbol space and supersampled four times.
func render(m [][]bool, sc scene) *image.Gray {
	n := float64(len(m))
	sc.Light = 230
	return testimage.Render(sc, func(u, v float64) bool {
		col, row := u+n/2, v+n/2
		if col < 0 || row < 0 || col >= n || row >= n {
			return false
		}
		return m[int(row)][int(col)]
	})
}
