package datamatrix

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// grid maps module coordinates of one symbol size into the image.
type grid struct {
	size *symbolSize
	h    homography
}

func newGrid(o *outline, s *symbolSize) grid {
	return grid{size: s, h: squareToQuad(o.tl, o.tr, o.br, o.bl)}
}

// modulePixels is the mean size of a module in pixels.
func (g *grid) modulePixels() float64 {
	w := g.at(0, 0).sub(g.at(float64(g.size.cols), 0)).norm() + g.at(0, float64(g.size.rows)).sub(g.at(float64(g.size.cols), float64(g.size.rows))).norm()
	h := g.at(0, 0).sub(g.at(0, float64(g.size.rows))).norm() + g.at(float64(g.size.cols), 0).sub(g.at(float64(g.size.cols), float64(g.size.rows))).norm()
	return (w/float64(g.size.cols) + h/float64(g.size.rows)) / 4
}

// at returns the image position of module coordinates (u, v): u columns
// from the left edge, v rows from the top edge.
func (g *grid) at(u, v float64) point {
	return g.h.apply(u/float64(g.size.cols), v/float64(g.size.rows))
}

// fixedScore returns the share of the fixed pattern's modules (finders and
// timing patterns of every data region) that read as they must, sampled at
// their centres.
func (d *detector) fixedScore(g *grid) float64 {
	s := g.size
	match, total := 0, 0
	check := func(x, y int) {
		k := s.kind(x, y)
		if k == dataModule {
			return
		}
		total++
		if d.img.darkAt(g.at(float64(x)+0.5, float64(y)+0.5)) == (k == fixedDark) {
			match++
		}
	}
	for y := 0; y < s.rows; y++ {
		yr := y % (s.regionRows + 2)
		if yr == 0 || yr == s.regionRows+1 {
			for x := 0; x < s.cols; x++ {
				check(x, y)
			}
			continue
		}
		for x := 0; x < s.cols; x += s.regionCols + 2 {
			check(x, y)
			check(x+s.regionCols+1, y)
		}
	}
	if total == 0 {
		return 0
	}
	return float64(match) / float64(total)
}

// sizeCandidates returns the symbol sizes whose timing patterns agree
// roughly with the counted ones, best fixed-pattern score first, each
// with its score.
func (d *detector) sizeCandidates(o *outline) []scoredSize {
	out := d.sizes[:0]
	close := func(n, seen int) bool {
		return math.Abs(float64(n-seen)) <= max(4, 0.4*float64(seen))
	}
	width := math.Min(o.tr.sub(o.tl).norm(), o.br.sub(o.bl).norm())
	height := math.Min(o.bl.sub(o.tl).norm(), o.br.sub(o.tr).norm())
	for i := range symbolSizes {
		s := &symbolSizes[i]
		if !close(s.cols, o.colsSeen) || !close(s.rows, o.rowsSeen) {
			continue
		}
		// Modules smaller than a pixel cannot be read.
		if width/float64(s.cols) < 1 || height/float64(s.rows) < 1 {
			continue
		}
		g := newGrid(o, s)
		out = append(out, scoredSize{s, d.fixedScore(&g)})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].score > out[j-1].score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	d.sizes = out
	return out
}

type scoredSize struct {
	size  *symbolSize
	score float64
}

// sample reads every module of the grid: the majority of five samples
// around its centre, which rides out a grid that is a fraction of a pixel
// off on small modules.
func (d *detector) sample(g *grid, mirror bool) *gozxing.BitMatrix {
	s := g.size
	w, h := s.cols, s.rows
	if mirror {
		w, h = h, w
	}
	bits, _ := gozxing.NewBitMatrix(w, h)
	// Small modules have one pixel that lies wholly inside them, under
	// their centre; the pixels round it are shared with the neighbours.
	offsets := moduleSamples[:]
	if g.modulePixels() < 3 {
		offsets = offsets[:1]
	}
	for y := 0; y < s.rows; y++ {
		for x := 0; x < s.cols; x++ {
			u, v := float64(x)+0.5, float64(y)+0.5
			n := 0
			for _, o := range offsets {
				if d.img.darkAt(g.at(u+o.x, v+o.y)) {
					n++
				}
			}
			if 2*n > len(offsets) {
				if mirror {
					bits.Set(y, x)
				} else {
					bits.Set(x, y)
				}
			}
		}
	}
	return bits
}

// moduleSamples are the offsets, in modules, at which a module is read.
var moduleSamples = [...]point{{0, 0}, {-0.2, -0.2}, {0.2, -0.2}, {-0.2, 0.2}, {0.2, 0.2}}

// calibrate corrects the outline's corners with the timing patterns. The
// edges found in the binarized image sit up to a pixel off the true ones,
// depending on how the binarizer split the pixels the edge crosses, which
// on small modules is too much for reading the middle of the symbol. The
// centre of a binarized module, though, stays where it is however thin or
// thick the module comes out, so the centres of the runs along the top and
// right timing patterns tell where the module grid really lies: the
// offset and stretch of the top row's centres against the grid fix the
// left and right edges, the right column's the top and bottom edges.
func (d *detector) calibrate(o outline, s *symbolSize) outline {
	cols, rows := float64(s.cols), float64(s.rows)
	for iter := 0; iter < 2; iter++ {
		g := newGrid(&o, s)
		a, b, ok1 := d.bestDrift(&g, true)
		c, e, ok2 := d.bestDrift(&g, false)
		if !ok1 && !ok2 {
			return o
		}
		left, right := a, cols+a+b*cols
		top, bottom := c, rows+c+e*rows
		o.tl = g.at(left, top)
		o.tr = g.at(right, top)
		o.br = g.at(right, bottom)
		o.bl = g.at(left, bottom)
	}
	return o
}

// bestDrift measures a timing pattern's drift across its module (the grid
// may be off by half a module there too) and keeps the reading that found
// the most module centres.
func (d *detector) bestDrift(g *grid, topRow bool) (off, stretch float64, ok bool) {
	best := 0
	for _, depth := range [...]float64{0.5, 0.3, 0.7, 0.15, 0.85} {
		o, st, n := d.timingDrift(g, topRow, depth)
		if n > best {
			off, stretch, best = o, st, n
		}
	}
	return off, stretch, best >= 4
}

// timingDrift reads the top timing row (or the right timing column) along
// its middle and fits the offset of its module centres from where the grid
// puts them as off + stretch·u (u the module coordinate along it).
func (d *detector) timingDrift(g *grid, topRow bool, depth float64) (off, stretch float64, found int) {
	s := g.size
	n := s.cols
	if !topRow {
		n = s.rows
	}
	at := func(u float64) point {
		if topRow {
			return g.at(u, depth)
		}
		return g.at(float64(s.cols)-depth, u)
	}
	// Step a quarter pixel or less.
	length := at(0).sub(at(float64(n))).norm()
	du := float64(n) / (length * 4)
	if du <= 0 || math.IsInf(du, 0) || math.IsNaN(du) {
		return 0, 0, 0
	}
	// The dark modules are the even ones along the top row counted from
	// the left, the odd ones down the right column counted from the top.
	darkParity := 0
	if !topRow {
		darkParity = 1
	}
	var su, sr, suu, sur, cnt float64
	start := 0.0
	prev := d.img.darkAt(at(0))
	for u := du; u <= float64(n); u += du {
		v := d.img.darkAt(at(u))
		if v == prev {
			continue
		}
		// A run of colour prev from start to u.
		if start > 0 {
			centre := (start + u) / 2
			k := int(math.Floor(centre))
			want := (k%2 == darkParity) == prev
			if want && u-start < 1.6 && u-start > 0.3 {
				r := centre - (float64(k) + 0.5)
				su += centre
				sr += r
				suu += centre * centre
				sur += centre * r
				cnt++
			}
		}
		start, prev = u, v
	}
	if cnt < 4 {
		return 0, 0, 0
	}
	den := cnt*suu - su*su
	if den == 0 {
		return sr / cnt, 0, int(cnt)
	}
	stretch = (cnt*sur - su*sr) / den
	off = (sr - stretch*su) / cnt
	if math.Abs(off) > 0.5 || math.Abs(stretch*float64(n)) > 1 {
		return 0, 0, 0
	}
	return off, stretch, int(cnt)
}
