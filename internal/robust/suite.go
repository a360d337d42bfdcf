// Package robust is scannerd's synthetic robustness suite: every
// symbology it reads, drawn by the test encoders (gozxing's writers,
// scannerd's own Aztec and DataBar) or by zint, then distorted along one
// axis at a time — rotation over the full circle, perspective tilt, Gaussian
// and motion blur, JPEG quality, noise, low contrast, uneven light and
// glare, module size, cylinder curvature, inversion — and read back. The
// rate read at each level of each axis is a family's curve. Everything is
// generated from seeds: no image is stored.
//
// make bench prints the full curves for scannerd beside ZXingReader's
// (robustcurves); the package's test reads one sample per level and keeps
// a floor per family and axis. A reader's thresholds and filters are
// justified by these curves, not by single photos.
package robust

import (
	"fmt"
	"hash/fnv"
	"image"
	"math/rand/v2"

	"github.com/scannerd/scannerd/scanner"
)

// Axis is one kind of distortion and the levels it is measured at, the
// first the mildest.
type Axis struct {
	Name   string
	Unit   string
	Levels []float64
	set    func(*Scene, float64)
}

// Axes returns the suite's distortions, each applied alone to the plain
// scene.
func Axes() []Axis {
	return []Axis{
		{"rotation", "degrees", steps(0, 345, 15), func(s *Scene, v float64) { s.Angle = v }},
		{"tilt", "degrees", []float64{0, 15, 30, 45, 55, 60}, func(s *Scene, v float64) { s.Tilt = v }},
		{"blur", "sigma, modules", []float64{0, 0.2, 0.35, 0.5, 0.65, 0.8}, func(s *Scene, v float64) { s.Blur = v }},
		{"motion", "modules", []float64{0, 0.5, 1, 1.5, 2, 3}, func(s *Scene, v float64) { s.Motion = v }},
		{"jpeg", "quality", []float64{95, 75, 50, 30, 15, 8}, func(s *Scene, v float64) { s.JPEG = int(v) }},
		{"noise", "sigma, gray levels", []float64{0, 8, 16, 24, 32, 48}, func(s *Scene, v float64) { s.Noise = v }},
		{"contrast", "gray levels", []float64{175, 100, 60, 40, 25, 15}, func(s *Scene, v float64) {
			s.Dark, s.Light = 140-v/2, 140+v/2
		}},
		{"light", "falloff share (glare ×120 levels)", []float64{0, 0.2, 0.4, 0.6, 0.8}, func(s *Scene, v float64) {
			s.Falloff, s.Glare = v, 120*v
		}},
		{"module", "pixels", []float64{4, 3, 2.5, 2, 1.75, 1.5}, func(s *Scene, v float64) { s.Module = v }},
		{"curve", "radians of half-width", []float64{0, 0.3, 0.6, 0.9, 1.2}, func(s *Scene, v float64) { s.Curve = v }},
		{"inversion", "inverted", []float64{0, 1}, func(s *Scene, v float64) { s.Inverted = v != 0 }},
	}
}

func steps(from, to, step float64) []float64 {
	var out []float64
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// AxisNamed returns the axis of that name.
func AxisNamed(name string) (Axis, bool) {
	for _, a := range Axes() {
		if a.Name == name {
			return a, true
		}
	}
	return Axis{}, false
}

// Families are the symbologies of the suite: every one scannerd reads by
// default.
func Families() []scanner.Symbology {
	return []scanner.Symbology{
		scanner.QRCode, scanner.DataMatrix, scanner.Aztec, scanner.EAN13, scanner.EAN8, scanner.UPCA,
		scanner.UPCE, scanner.Code39, scanner.Code93, scanner.Code128, scanner.Codabar, scanner.ITF,
		scanner.DataBar, scanner.DataBarExpanded, scanner.PDF417, scanner.MicroQR, scanner.MaxiCode,
	}
}

// Case is one image of the suite.
type Case struct {
	Sym   scanner.Symbology
	Axis  string
	Level float64
	Index int // sample number at this level
	Scene Scene
	seed  uint64
}

// Cases returns n samples of family sym at each level of axis a (every
// every-th level).
func Cases(sym scanner.Symbology, a Axis, n, every int) []Case {
	var out []Case
	for li, lv := range a.Levels {
		if li%every != 0 {
			continue
		}
		for i := 0; i < n; i++ {
			sc := PlainScene()
			a.set(&sc, lv)
			h := fnv.New64a()
			fmt.Fprintf(h, "%v/%s/%v/%d", sym, a.Name, lv, i)
			out = append(out, Case{Sym: sym, Axis: a.Name, Level: lv, Index: i, Scene: sc, seed: h.Sum64()})
		}
	}
	return out
}

// Image makes the case's symbol and draws it. The same case always gives
// the same symbol and image.
func (c Case) Image() (*Symbol, *image.Gray, error) {
	rng := rand.New(rand.NewPCG(c.seed, 1))
	s, err := NewSymbol(c.Sym, rng)
	if err != nil {
		return nil, nil, err
	}
	return s, Render(s, c.Scene, rng), nil
}

// Rate is how many of the samples at one level were read.
type Rate struct{ OK, N int }

// Curve is a family's rates along an axis, by level.
type Curve []Rate

// Total returns the samples read and taken over the whole curve.
func (c Curve) Total() (ok, n int) {
	for _, r := range c {
		ok, n = ok+r.OK, n+r.N
	}
	return ok, n
}

// Add counts a case's outcome into the curve of its axis, levels indexed
// as in the axis.
func (c Curve) Add(a Axis, level float64, ok bool) {
	for i, lv := range a.Levels {
		if lv == level {
			c[i].N++
			if ok {
				c[i].OK++
			}
		}
	}
}

// ReadScannerd reads img with d as scanctl decode --try-harder does (with
// s's symbology asked for, where it is off by default) and reports
// whether s was among what it read.
func ReadScannerd(d *scanner.Decoder, s *Symbol, img *image.Gray) bool {
	f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	// The default symbologies, and the symbol's own where it is off by
	// default (MicroPDF417, Han Xin, DotCode): the others' readers search
	// as they do for a user who asks for it.
	syms := scanner.DefaultSymbologies() | scanner.NewSymbologySet(s.Sym)
	res, _ := d.Decode(f, scanner.Options{Symbologies: syms, TryHarder: true, TryInverted: true, TryRotated: true})
	for _, r := range res {
		if r.Symbology == s.Sym && s.Matches(r.Text) {
			return true
		}
	}
	return false
}
