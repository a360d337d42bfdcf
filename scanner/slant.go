package scanner

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// Slanted scan lines. The row passes read 1D symbols along the view's rows
// and its columns (the quarter-turned pass). A row crosses every bar of a
// symbol whose bars lean by δ from upright only where the bars are taller
// than the symbol is long times tan δ: a symbol four times as long as its
// bars are tall (a common print, and the robustness suite's) reads on no
// row once it leans by 14° or more. When a decode that tries harder has
// read nothing, slants looks in the regions the first pass proposed for
// bars leaning steadily (barLean), and each such region is resampled
// turned by its lean, bars upright, and read along its rows.

// leanSpan is how many pixels apart the two lines are across which the
// bars' lean is measured: a lean of one pixel in leanSpan is 3.6°.
const leanSpan = 16

// minLean is the least lean, in pixels over leanSpan, worth a slanted
// view: under 7°, rows cross the bars of any symbol at least a quarter as
// tall as it is long on two rows, which the row passes have read.
const minLean = 2

// maxSlanted bounds the regions a decode reads turned.
const maxSlanted = 2

// maxLean bounds the lean measured, in pixels over leanSpan: 56°, past
// the 45° where the region's changes run as much along the other axis.
const maxLean = 3 * leanSpan / 2

// leanEdges is the fewest colour changes a line needs to measure the
// bars' lean along it: a short symbol at 45° crosses the middle line of
// its region (a square) over its bars' height only, 24 modules or more.
const leanEdges = 12

// barLean tells by how many pixels the bars crossing line a move along it
// by the line leanSpan pixels further, b (the two the same length): the
// shift of b that matches a best, the lines each binarized at the mean of
// both, to a fraction of a pixel. ok is false unless the lines cross bars
// (leanEdges colour changes or more) and the best shift matches them
// with at most half the mismatches of the shifts' median, where text or
// a 2D symbol, whose rows leanSpan apart are not alike, matches as badly
// at every shift. (The best shift still mismatches the lines where they
// cross the ends of the bars, which lie at different bars on the two, and
// each edge by up to half a pixel on either, the lean not whole pixels.)
func barLean(a, b []byte) (lean float64, ok bool) {
	n := len(a)
	if n < 4*maxLean || len(b) != n {
		return 0, false
	}
	sum := 0
	for i := range a {
		sum += int(a[i]) + int(b[i])
	}
	mean := byte(sum / (2 * n))
	edges := 0
	for i := 1; i < n; i++ {
		if a[i] < mean != (a[i-1] < mean) {
			edges++
		}
	}
	if edges < leanEdges {
		return 0, false
	}
	// Mismatches per shift, over the pixels both lines cover at every
	// shift (the same count at each).
	var miss, sorted [2*maxLean + 1]int
	for s := -maxLean; s <= maxLean; s++ {
		m := 0
		for i := maxLean; i < n-maxLean; i++ {
			if a[i] < mean != (b[i+s] < mean) {
				m++
			}
		}
		miss[s+maxLean] = m
	}
	best := 0
	for i, m := range miss {
		if m < miss[best] {
			best = i
		}
	}
	sorted = miss
	slices.Sort(sorted[:])
	if 2*miss[best] > sorted[maxLean] {
		return 0, false
	}
	lean = float64(best - maxLean)
	if best > 0 && best < len(miss)-1 {
		// The parabola through the best and its neighbours.
		l, c, r := float64(miss[best-1]), float64(miss[best]), float64(miss[best+1])
		if d := l - 2*c + r; d > 0 {
			lean += (l - r) / (2 * d)
		}
	}
	return lean, true
}

// slant is a region of a view whose bars lean, and the direction across
// them.
type slant struct {
	rect  image.Rectangle
	theta float64 // radians from the view's rows
}

// slants returns the regions of the view src whose bars lean steadily by
// minLean or more, at most maxSlanted, the largest first.
func (d *decoder) slants(src gozxing.LuminanceSource) []slant {
	var out []slant
	for _, rg := range d.regions {
		if len(out) == maxSlanted {
			break
		}
		r := rg.rect.Intersect(image.Rect(0, 0, src.GetWidth(), src.GetHeight()))
		w, h := r.Dx(), r.Dy()
		if w < 4*maxLean || h < 4*maxLean {
			continue
		}
		// The two lines across the region's middle, leanSpan apart: rows
		// where its changes run along rows (bars near upright), else
		// columns.
		var a, b []byte
		if rg.horizontal {
			mid := r.Min.Y + h/2
			d.slantA, _ = src.GetRow(mid-leanSpan/2, d.slantA)
			d.slantB, _ = src.GetRow(mid+leanSpan/2, d.slantB)
			a, b = d.slantA[r.Min.X:r.Max.X], d.slantB[r.Min.X:r.Max.X]
		} else {
			mid := r.Min.X + w/2
			a, b = d.leanColumns(src, r, mid-leanSpan/2, mid+leanSpan/2)
		}
		lean, ok := barLean(a, b)
		clear(a)
		clear(b)
		if !ok || math.Abs(lean) < minLean {
			continue
		}
		// The scan direction, across the bars: for upright bars leaning
		// by lean pixels down leanSpan, (leanSpan, -lean); for bars near
		// level, leaning by lean pixels across leanSpan, (-lean, leanSpan).
		theta := math.Atan2(-lean, leanSpan)
		if !rg.horizontal {
			theta = math.Atan2(leanSpan, -lean)
		}
		out = append(out, slant{rect: r, theta: theta})
	}
	return out
}

// leanColumns returns columns x0 and x1 of src over the rows of r, in the
// decoder's buffers.
func (d *decoder) leanColumns(src gozxing.LuminanceSource, r image.Rectangle, x0, x1 int) ([]byte, []byte) {
	h := r.Dy()
	if cap(d.slantA) < h {
		d.slantA = make([]byte, h)
	}
	if cap(d.slantB) < h {
		d.slantB = make([]byte, h)
	}
	a, b := d.slantA[:h], d.slantB[:h]
	var row []byte
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row, _ = src.GetRow(y, d.slantRow)
		d.slantRow = row
		a[y-r.Min.Y], b[y-r.Min.Y] = row[x0], row[x1]
	}
	clear(d.slantRow)
	return a, b
}

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
