package microqr

import (
	"image"
	"image/color"
	"math"
	"math/rand"
)

// scene places a symbol in an image: module size, rotation, shear (skew),
// the centre position, and noise.
type scene struct {
	module  float64
	angle   float64 // degrees
	shear   float64
	tilt    float64 // perspective: relative scale change per module along x
	width   int
	height  int
	noise   int // amplitude of uniform grey noise
	blur    bool
	offsetX float64
	seed    int64
}

// render draws the module matrix with a two-module quiet zone: each pixel
// is mapped back into symbol space and supersampled four times.
func render(m [][]bool, sc scene) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, sc.width, sc.height))
	n := float64(len(m))
	a := sc.angle * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := float64(sc.width)/2+sc.offsetX, float64(sc.height)/2
	rng := rand.New(rand.NewSource(sc.seed))
	at := func(px, py float64) bool {
		// Undo translation, rotation, shear and scale.
		dx, dy := px-cx, py-cy
		u := (cos*dx + sin*dy) / sc.module
		v := (-sin*dx + cos*dy) / sc.module
		if sc.tilt != 0 {
			k := 1 + sc.tilt*u
			u, v = u/k, v/k
		}
		u -= sc.shear * v
		col, row := u+n/2, v+n/2
		if col < 0 || row < 0 || col >= n || row >= n {
			return false
		}
		return m[int(row)][int(col)]
	}
	for y := 0; y < sc.height; y++ {
		for x := 0; x < sc.width; x++ {
			darkN := 0
			for _, o := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				if at(float64(x)+o[0], float64(y)+o[1]) {
					darkN++
				}
			}
			v := 230 - darkN*50
			if sc.noise > 0 {
				v += rng.Intn(2*sc.noise+1) - sc.noise
			}
			img.SetGray(x, y, color.Gray{uint8(max(0, min(255, v)))})
		}
	}
	if sc.blur {
		out := image.NewGray(img.Rect)
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
