// Package testimage draws symbols into gray images for the tests inside
// the reader packages, through the distortions a camera adds: rotation,
// shear, perspective, noise and blur. Those tests cannot use symbols or
// symboltest, which import scanner and so the readers themselves; this
// package depends on nothing of scannerd. Tests outside the readers use
// symboltest and symbols.Canvas.
package testimage

import (
	"image"
	"image/color"
	"math"
	"math/rand"
)

// Scene places a symbol in an image.
type Scene struct {
	Module  float64 // module width in pixels
	Angle   float64 // rotation in degrees
	Shear   float64 // skew: modules across per module down
	Tilt    float64 // perspective: relative scale change per module along x
	Width   int
	Height  int
	OffsetX float64 // the symbol's centre, right of the image's
	Noise   int     // amplitude of uniform gray noise
	Blur    bool    // a 3×3 box blur last
	Seed    int64   // of the noise
	Light   int     // gray level of light areas; a dark sample takes 50 off
}

// Render draws the image whose points are dark where dark(u, v) says, u
// and v in modules from the symbol's centre: each pixel is mapped back
// through the scene and sampled four times.
func Render(sc Scene, dark func(u, v float64) bool) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, sc.Width, sc.Height))
	a := sc.Angle * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := float64(sc.Width)/2+sc.OffsetX, float64(sc.Height)/2
	rng := rand.New(rand.NewSource(sc.Seed))
	at := func(px, py float64) bool {
		dx, dy := px-cx, py-cy
		u := (cos*dx + sin*dy) / sc.Module
		v := (-sin*dx + cos*dy) / sc.Module
		if sc.Tilt != 0 {
			k := 1 + sc.Tilt*u
			u, v = u/k, v/k
		}
		u -= sc.Shear * v
		return dark(u, v)
	}
	for y := 0; y < sc.Height; y++ {
		for x := 0; x < sc.Width; x++ {
			n := 0
			for _, o := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				if at(float64(x)+o[0], float64(y)+o[1]) {
					n++
				}
			}
			v := sc.Light - n*50
			if sc.Noise > 0 {
				v += rng.Intn(2*sc.Noise+1) - sc.Noise
			}
			img.SetGray(x, y, color.Gray{uint8(max(0, min(255, v)))})
		}
	}
	if sc.Blur {
		out := image.NewGray(img.Rect)
		copy(out.Pix, img.Pix)
		for y := 1; y < sc.Height-1; y++ {
			for x := 1; x < sc.Width-1; x++ {
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
