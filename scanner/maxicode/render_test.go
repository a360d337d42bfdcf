package maxicode

import (
	"image"
	"image/color"
	"math"
	"math/rand"
)

// scene places a symbol in an image.
type scene struct {
	module float64 // module width in pixels
	angle  float64 // degrees
	shear  float64
	tilt   float64 // perspective: relative scale change per module along x
	width  int
	height int
	noise  int
	blur   bool
	seed   int64
}

// bullseye ring edges in module widths, light centre first.
var ringEdges = []float64{0.57, 1.34, 2.11, 2.88, 3.65, 4.42}

// render draws the grid as hexagon-sized dots and the bullseye, mapping
// every pixel back to symbol space with four samples.
func render(g *gridBits, sc scene) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, sc.width, sc.height))
	a := sc.angle * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := float64(sc.width)/2, float64(sc.height)/2
	rng := rand.New(rand.NewSource(sc.seed))
	at := func(px, py float64) bool {
		dx, dy := px-cx, py-cy
		u := (cos*dx + sin*dy) / sc.module
		v := (-sin*dx + cos*dy) / sc.module
		if sc.tilt != 0 {
			k := 1 + sc.tilt*u
			u, v = u/k, v/k
		}
		u -= sc.shear * v
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
	}
	for y := 0; y < sc.height; y++ {
		for x := 0; x < sc.width; x++ {
			n := 0
			for _, o := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				if at(float64(x)+o[0], float64(y)+o[1]) {
					n++
				}
			}
			v := 225 - n*50
			if sc.noise > 0 {
				v += rng.Intn(2*sc.noise+1) - sc.noise
			}
			img.SetGray(x, y, color.Gray{uint8(max(0, min(255, v)))})
		}
	}
	if sc.blur {
		out := image.NewGray(img.Rect)
		copy(out.Pix, img.Pix)
		for y := 1; y < sc.height-1; y++ {
			for x := 1; x < sc.width-1; x++ {
				s := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += int(img.GrayAt(x+dx, y+dy).Y)
					}
				}
				out.SetGray(x, y, color.Gray{uint8(s / 9)})
			}
		}
		img = out
	}
	return img
}
