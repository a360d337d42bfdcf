package scanner

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// Slanted scan lines. The row passes read 1D symbols along the view's rows
// and its columns (the quarter-turned pass). A row crosses every bar of a
// symbol whose bars lean by δ from upright only where the bars are taller
// than the symbol is long times tan δ: a symbol four times as long as its
// bars are tall (a common print, and the robustness suite's) reads on no
// row once it leans by 14° or more. When a decode that tries harder has
// read nothing, slants measures the direction of the edges in the regions
// the first pass proposed (barAngle): where most of a region's edge
// energy runs one way, as a 1D symbol's bars do and text, texture and 2D
// symbols do not, and that way is minSlant or more off the rows and the
// columns, the region is resampled turned, its bars upright, and read
// along its rows.

// minSlant is the least angle off the rows and columns, in radians, worth a
// slanted view: under 7°, rows cross the bars of any symbol at least a
// quarter as tall as it is long on two rows, which the row passes have
// read.
const minSlant = 7 * math.Pi / 180

// minCoherence is the least coherence of a region's edges (barAngle) taken
// for bars. A region's 1D symbol on a plain ground shows 0.8 or more; at
// the robustness suite's lower contrasts (25 gray levels) and noise (16
// levels of sigma), 0.5 to 0.8; the development set's photos of text and
// texture mostly under 0.5.
const minCoherence = 0.5

// maxSlanted bounds the regions a decode reads turned.
const maxSlanted = 2

// barAngle returns the direction across the edges of region r of src, in
// radians from its rows, and their coherence: the main axis of the
// structure tensor of the region's gradients and how much of it the axis
// holds, from 0 (edges every way alike) to 1 (all one way) (Bigün and
// Granlund, "Optimal orientation detection of linear symmetry", 1987).
// Only the gradients above the mean energy count: a flat ground's
// noise, whose gradients point every way, would otherwise outweigh the
// bars' edges of a faint symbol.
func (d *decoder) barAngle(src gozxing.LuminanceSource, r image.Rectangle) (theta, coherence float64) {
	// The mean from every eighth row, then the tensor from every fourth:
	// a region's bars cross dozens of them.
	t := d.tensor(src, r, 8, math.MaxInt64)
	if t.n == 0 {
		return 0, 0
	}
	t = d.tensor(src, r, 4, t.energy/t.n)
	xx, yy, xy := float64(t.xx), float64(t.yy), float64(t.xy)
	if xx+yy == 0 {
		return 0, 0
	}
	return 0.5 * math.Atan2(2*xy, xx-yy), math.Hypot(xx-yy, 2*xy) / (xx + yy)
}

// gradientSums are the sums tensor returns.
type gradientSums struct {
	energy, n  int64 // the gradients' squared lengths, summed, and how many
	xx, yy, xy int64 // the tensor's terms over those above the gate
}

// tensor sums the gradients of region r of src at every other pixel of
// every step-th row: their energy and count, and the structure tensor's
// terms (gx², gy², gx·gy) of those whose energy is above gate. The
// gradients are Scharr's 3×3 differences (weights 3, 10, 3 across), whose
// direction holds to a fraction of a degree at every angle on sharp bars,
// where the 2×2 differences lean towards the axes by up to 5° and Sobel's
// (1, 2, 1) by 2° (H. Scharr, "Optimale Operatoren in der digitalen
// Bildverarbeitung", 2000).
func (d *decoder) tensor(src gozxing.LuminanceSource, r image.Rectangle, step int, gate int64) gradientSums {
	var t gradientSums
	w := r.Dx()
	if cap(d.slantA) < 2*w {
		d.slantA = make([]byte, 2*w)
	}
	for y := r.Min.Y + 1; y+1 < r.Max.Y; y += step {
		a, b := d.slantA[:w], d.slantA[w:2*w]
		row, _ := src.GetRow(y-1, d.slantRow)
		d.slantRow = row
		copy(a, row[r.Min.X:r.Max.X])
		row, _ = src.GetRow(y, d.slantRow)
		d.slantRow = row
		copy(b, row[r.Min.X:r.Max.X])
		row, _ = src.GetRow(y+1, d.slantRow)
		d.slantRow = row
		c := row[r.Min.X:r.Max.X]
		for x := 1; x+1 < w; x += 2 {
			a0, a1, a2 := int64(a[x-1]), int64(a[x]), int64(a[x+1])
			b0, b2 := int64(b[x-1]), int64(b[x+1])
			c0, c1, c2 := int64(c[x-1]), int64(c[x]), int64(c[x+1])
			gx := 3*(a2-a0) + 10*(b2-b0) + 3*(c2-c0)
			gy := 3*(c0-a0) + 10*(c1-a1) + 3*(c2-a2)
			e := gx*gx + gy*gy
			t.energy += e
			t.n++
			if e > gate {
				t.xx += gx * gx
				t.yy += gy * gy
				t.xy += gx * gy
			}
		}
	}
	clear(d.slantA[:2*w])
	clear(d.slantRow)
	return t
}

// slant is a region of a view whose bars lean, and the direction across
// them.
type slant struct {
	rect  image.Rectangle
	theta float64 // radians from the view's rows
}

// slants returns the regions of the view src whose bars lean by minSlant
// or more, at most maxSlanted, the largest first. Where the first pass
// proposed none (its busy cells, if any, one cluster over most of the
// view: texture, or a noisy sensor's speckle), the whole view is the
// region.
func (d *decoder) slants(src gozxing.LuminanceSource) []slant {
	var out []slant
	view := image.Rect(0, 0, src.GetWidth(), src.GetHeight())
	regions := d.regions
	if len(regions) == 0 {
		regions = []region{{rect: view}}
	}
	for _, rg := range regions {
		if len(out) == maxSlanted {
			break
		}
		r := rg.rect.Intersect(view)
		if r.Dx() < minSlantSide || r.Dy() < minSlantSide {
			continue
		}
		theta, coherence := d.barAngle(src, r)
		if coherence < minCoherence || math.Abs(math.Remainder(theta, math.Pi/2)) < minSlant {
			continue
		}
		out = append(out, slant{rect: r, theta: theta})
	}
	return out
}

// minSlantSide is the shortest side of a region worth measuring.
const minSlantSide = 96

// turnedBox returns the size of the bounding box of a w×h rectangle turned
// by theta.
func turnedBox(w, h int, theta float64) (int, int) {
	sin, cos := math.Abs(math.Sin(theta)), math.Abs(math.Cos(theta))
	return int(math.Ceil(float64(w)*cos + float64(h)*sin)), int(math.Ceil(float64(w)*sin + float64(h)*cos))
}

// turned resamples region r of src so that the view's rows run along
// direction theta, bilinearly, in the decoder's scratch memory, and
// returns it and the map from its points to those of src.
func (d *decoder) turned(src gozxing.LuminanceSource, sl slant) (gozxing.LuminanceSource, func(Point) Point) {
	r, theta := sl.rect, sl.theta
	w, h := r.Dx(), r.Dy()
	tw, th := turnedBox(w, h, theta)
	buf := d.scratch.slantPlane(tw*th + w*h)
	// The region's pixels: rows of src, in the tail of buf.
	pix := buf[tw*th:]
	var row []byte
	for y := 0; y < h; y++ {
		row, _ = src.GetRow(r.Min.Y+y, d.slantRow)
		d.slantRow = row
		copy(pix[y*w:(y+1)*w], row[r.Min.X:r.Max.X])
	}
	clear(d.slantRow)
	sin, cos := math.Sincos(theta)
	cx, cy := float64(r.Min.X)+float64(w)/2, float64(r.Min.Y)+float64(h)/2
	hw, hh := float64(tw)/2, float64(th)/2
	// at maps a point of the view to the view src.
	at := func(p Point) Point {
		u, v := p.X-hw, p.Y-hh
		return Point{cx + u*cos - v*sin, cy + u*sin + v*cos}
	}
	out := buf[:tw*th]
	for y := 0; y < th; y++ {
		// Pixel centres: the source point of (x+½, y+½), in the region's
		// pixels with their centres on integers.
		p := at(Point{0.5, float64(y) + 0.5})
		px, py := p.X-float64(r.Min.X)-0.5, p.Y-float64(r.Min.Y)-0.5
		dst := out[y*tw : (y+1)*tw]
		for x := range dst {
			dst[x] = bilinear(pix, w, h, px+float64(x)*cos, py+float64(x)*sin)
		}
	}
	clear(pix[:w*h])
	return &planeSource{pix: out, stride: tw, width: tw, height: th, scratch: &d.scratch}, at
}

// bilinear returns the gray level of the w×h plane pix at (x, y), pixel
// centres on integers, the plane's edge extended beyond it.
func bilinear(pix []byte, w, h int, x, y float64) byte {
	x = min(max(x, 0), float64(w-1))
	y = min(max(y, 0), float64(h-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	top := float64(pix[y0*w+x0])*(1-fx) + float64(pix[y0*w+x1])*fx
	bottom := float64(pix[y1*w+x0])*(1-fx) + float64(pix[y1*w+x1])*fx
	return byte(top*(1-fy) + bottom*fy + 0.5)
}
