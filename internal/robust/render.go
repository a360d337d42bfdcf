package robust

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Scene says how a symbol is put in an image: geometry, optics, light and
// sensor. The zero value of each distortion is none.
type Scene struct {
	Module float64 // pixels per module at the symbol's centre
	Angle  float64 // rotation in the image plane, degrees counter-clockwise
	// Tilt turns the symbol's plane about its horizontal axis, away from
	// the camera, by this many degrees; the camera is as far away as
	// three times the symbol's larger side, so the far edge looks smaller.
	Tilt float64
	// Curve wraps the symbol round a vertical cylinder (a bottle, a can)
	// on which its half-width spans this many radians.
	Curve float64
	Blur  float64 // Gaussian blur, sigma in modules
	// Motion smears the image along its rows (across the bars of an
	// upright 1D code) over this many modules.
	Motion      float64
	Noise       float64 // Gaussian sensor noise, sigma in gray levels
	Dark, Light float64 // gray levels of ink and paper
	// Uneven light: the light falls off across the image by up to this
	// share, and a glare spot adds this many gray levels at its centre.
	Falloff, Glare float64
	JPEG           int  // JPEG quality the image goes through; 0 none
	Inverted       bool // light symbol on a dark ground
}

// PlainScene returns the scene every axis starts from: a symbol upright
// and flat, three pixels a module, good contrast and a little sensor
// noise.
func PlainScene() Scene { return Scene{Module: 3, Dark: 40, Light: 215, Noise: 3} }

// quiet is the quiet zone drawn round every symbol, in modules.
const quiet = 10

// Render draws s in a scene, and returns the image.
func Render(s *Symbol, sc Scene, rng *rand.Rand) *image.Gray {
	r := s.Raster
	mw, mh := r.Modules()
	// The image holds the symbol and its quiet zone turned any way, and a
	// margin for the blur.
	ext := math.Hypot(mw+2*quiet, mh+2*quiet) * sc.Module
	side := int(math.Ceil(ext)) + 16
	img := image.NewGray(image.Rect(0, 0, side, side))
	cx, cy := float64(side)/2+rng.Float64()-0.5, float64(side)/2+rng.Float64()-0.5
	sin, cos := math.Sincos(sc.Angle * math.Pi / 180)
	tilt := sc.Tilt * math.Pi / 180
	tsin, tcos := math.Sincos(tilt)
	dist := 3 * math.Max(mw, mh) * sc.Module // camera distance, pixels
	radius := math.Inf(1)
	if sc.Curve > 0 {
		radius = mw / 2 * sc.Module / sc.Curve
	}
	// dark reports whether the symbol is dark under image point (x, y).
	dark := func(x, y float64) bool {
		dx, dy := x-cx, y-cy
		// Undo the rotation (counter-clockwise on screen, y down).
		u := cos*dx - sin*dy
		v := sin*dx + cos*dy
		// Undo the tilt: the plane point (X, Y) seen at (u, v) by a
		// camera at dist, focal length dist.
		if tilt != 0 {
			den := tcos - v*tsin/dist
			if den <= 0 {
				return false
			}
			Y := v / den
			u, v = u*(1+Y*tsin/dist), Y
		}
		// Undo the cylinder: u is the projection of an arc.
		if !math.IsInf(radius, 1) {
			if math.Abs(u) >= radius {
				return false
			}
			u = radius * math.Asin(u/radius)
		}
		mx := u/sc.Module + mw/2
		my := v/sc.Module + mh/2
		return r.Dark(int(math.Floor(mx*r.PerModule)), int(math.Floor(my*r.PerModule)))
	}
	// Each pixel the share of it that ink covers, three by three samples.
	buf := make([]float64, side*side)
	const n = 3
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			c := 0
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					if dark(float64(x)+(float64(sx)+0.5)/n, float64(y)+(float64(sy)+0.5)/n) {
						c++
					}
				}
			}
			cover := float64(c) / (n * n)
			buf[y*side+x] = sc.Light - cover*(sc.Light-sc.Dark)
		}
	}
	// Uneven light: a falloff from one side to the other in a random
	// direction, and a glare spot somewhere on the symbol.
	if sc.Falloff > 0 || sc.Glare > 0 {
		fs, fc := math.Sincos(rng.Float64() * 2 * math.Pi)
		gx := cx + (rng.Float64()-0.5)*mw*sc.Module/2
		gy := cy + (rng.Float64()-0.5)*mh*sc.Module/2
		gr := math.Max(mw, mh) * sc.Module / 4
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				t := ((float64(x)-cx)*fc + (float64(y)-cy)*fs) / float64(side) // -0.7 … 0.7
				v := buf[y*side+x] * (1 - sc.Falloff*(t+0.7)/1.4)
				d2 := ((float64(x)-gx)*(float64(x)-gx) + (float64(y)-gy)*(float64(y)-gy)) / (gr * gr)
				buf[y*side+x] = v + sc.Glare*math.Exp(-d2)
			}
		}
	}
	if sc.Blur > 0 {
		gaussian(buf, side, sc.Blur*sc.Module)
	}
	if sc.Motion > 0 {
		motion(buf, side, sc.Motion*sc.Module)
	}
	for i, v := range buf {
		if sc.Noise > 0 {
			v += rng.NormFloat64() * sc.Noise
		}
		if sc.Inverted {
			v = 255 - v
		}
		img.Pix[i] = uint8(math.Round(math.Max(0, math.Min(255, v))))
	}
	if sc.JPEG > 0 {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: sc.JPEG}); err == nil {
			if j, err := jpeg.Decode(&b); err == nil {
				// The decoder's rows may be longer than the image's.
				for y := 0; y < side; y++ {
					for x := 0; x < side; x++ {
						img.Pix[y*img.Stride+x] = color.GrayModel.Convert(j.At(j.Bounds().Min.X+x, j.Bounds().Min.Y+y)).(color.Gray).Y
					}
				}
			}
		}
	}
	return img
}

// gaussian blurs the side×side image buf in place, sigma in pixels.
func gaussian(buf []float64, side int, sigma float64) {
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
	convolve(buf, side, k, 1)
	convolve(buf, side, k, side)
}

// motion smears the image along its rows over length pixels.
func motion(buf []float64, side int, length float64) {
	n := max(1, int(math.Round(length)))
	k := make([]float64, n)
	for i := range k {
		k[i] = 1 / float64(n)
	}
	convolve(buf, side, k, 1)
}

// convolve applies kernel k (centred) along rows (step 1) or columns (step
// side), the edges extended.
func convolve(buf []float64, side int, k []float64, step int) {
	tmp := make([]float64, side)
	c := len(k) / 2
	for line := 0; line < side; line++ {
		base := line * side
		if step != 1 {
			base = line
		}
		for i := 0; i < side; i++ {
			s := 0.0
			for j, w := range k {
				p := min(side-1, max(0, i+j-c))
				s += w * buf[base+p*step]
			}
			tmp[i] = s
		}
		for i := 0; i < side; i++ {
			buf[base+i*step] = tmp[i]
		}
	}
}
