package zint

import (
	"image"
	"math"
	"math/rand/v2"
)

// Scene says how a camera sees a raster.
type Scene struct {
	Module float64 // pixels a module
	Angle  float64 // turn, degrees clockwise on the screen
	Blur   float64 // Gaussian blur, sigma in pixels
	Noise  int     // amplitude of uniform gray noise
	Seed   uint64  // of the noise
	// Margin is the light border round the raster, in modules; 10 when 0.
	Margin float64
	// Dark and Light are the gray levels of ink and paper; 40 and 210
	// when both are 0.
	Dark, Light uint8
}

// Render draws the raster as sc says into a new image just large enough
// for it, and returns the image and the raster's corners in it (top-left,
// top-right, bottom-right, bottom-left of the raster).
func (r *Raster) Render(sc Scene) (*image.Gray, [4][2]float64) {
	if sc.Margin == 0 {
		sc.Margin = 10
	}
	if sc.Dark == 0 && sc.Light == 0 {
		sc.Dark, sc.Light = 40, 210
	}
	mw, mh := r.Modules()
	a := sc.Angle * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	// Half extents of the turned raster plus margin, in pixels.
	hw, hh := (mw/2+sc.Margin)*sc.Module, (mh/2+sc.Margin)*sc.Module
	w := int(math.Ceil(2 * (math.Abs(cos)*hw + math.Abs(sin)*hh)))
	h := int(math.Ceil(2 * (math.Abs(sin)*hw + math.Abs(cos)*hh)))
	cx, cy := float64(w)/2, float64(h)/2
	src := r.Gray
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	// sample returns the ink coverage (0 paper, 1 ink) at a point of the
	// raster, in its pixels, interpolated bilinearly.
	sample := func(x, y float64) float64 {
		x, y = x-0.5, y-0.5
		x0, y0 := int(math.Floor(x)), int(math.Floor(y))
		fx, fy := x-float64(x0), y-float64(y0)
		at := func(px, py int) float64 {
			if px < 0 || py < 0 || px >= sw || py >= sh {
				return 0
			}
			return 1 - float64(src.Pix[py*src.Stride+px])/255
		}
		return (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) + (at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
	}
	ink := make([]float64, w*h)
	scale := r.perModule() / sc.Module
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0.0
			for _, oy := range [2]float64{0.25, 0.75} {
				for _, ox := range [2]float64{0.25, 0.75} {
					dx, dy := float64(x)+ox-cx, float64(y)+oy-cy
					// Undo the turn, then scale into raster pixels.
					u := (cos*dx + sin*dy) * scale
					v := (-sin*dx + cos*dy) * scale
					s += sample(u+float64(sw)/2, v+float64(sh)/2)
				}
			}
			ink[y*w+x] = s / 4
		}
	}
	if sc.Blur > 0 {
		gaussian(ink, w, h, sc.Blur)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(sc.Seed, uint64(sc.Angle*1000)))
	for i, c := range ink {
		v := float64(sc.Light) - c*float64(int(sc.Light)-int(sc.Dark))
		if sc.Noise > 0 {
			v += float64(rng.IntN(2*sc.Noise+1) - sc.Noise)
		}
		img.Pix[i] = uint8(max(0, min(255, math.Round(v))))
	}
	var corners [4][2]float64
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		u, v := c[0]*mw/2*sc.Module, c[1]*mh/2*sc.Module
		corners[i] = [2]float64{cx + cos*u - sin*v, cy + sin*u + cos*v}
	}
	return img, corners
}

// gaussian blurs a w×h plane in place, rows then columns.
func gaussian(p []float64, w, h int, sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	line := make([]float64, max(w, h))
	pass := func(n, count, step, stride int) {
		for c := 0; c < count; c++ {
			base := c * stride
			for i := 0; i < n; i++ {
				s := 0.0
				for j, kv := range k {
					t := min(n-1, max(0, i+j-rad))
					s += kv * p[base+t*step]
				}
				line[i] = s
			}
			for i := 0; i < n; i++ {
				p[base+i*step] = line[i]
			}
		}
	}
	pass(w, h, 1, w)
	pass(h, w, w, 1)
}
