package maxicode

import (
	"image"
	"math"

	"github.com/scannerd/scannerd/internal/testimage"
)

// scene places a symbol in an image.
type scene = testimage.Scene

// bullseye ring edges in module widths, light centre first.
var ringEdges = []float64{0.57, 1.34, 2.11, 2.88, 3.65, 4.42}

// render draws the grid as hexagon-sized dots and the bullseye, mapping
// every pixel back to symbol space with four samples.
func render(g *gridBits, sc scene) *image.Gray {
	sc.Light = 225
	return testimage.Render(sc, func(u, v float64) bool {
		// Symbol coordinates relative to the bullseye centre.
		if rr := math.Hypot(u, v); rr < 4.6 {
			for i, e := range ringEdges {
				if rr < e {
					return i%2 == 1
				}
			}
			return false
		}
		row := int(math.Round(v/rowPitch)) + centerRow
		best, dark := 1e9, false
		for r := row - 1; r <= row+1; r++ {
			if r < 0 || r >= gridRows {
				continue
			}
			col := int(math.Round(u-0.5*float64(r&1))) + centerCol
			for c := col - 1; c <= col+1; c++ {
				if c < 0 || c >= gridCols {
					continue
				}
				mx := float64(c-centerCol) + 0.5*float64(r&1)
				my := float64(r-centerRow) * rowPitch
				if d := math.Hypot(u-mx, v-my); d < best {
					best, dark = d, g[r][c]
				}
			}
		}
		return dark && best < 0.5
	})
}
