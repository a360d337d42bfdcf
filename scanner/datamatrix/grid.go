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
		return math.Abs(float64(n-seen)) <= max(4, 0.3*float64(seen))
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

// sample reads every module of the grid at its centre.
func (d *detector) sample(g *grid, mirror bool) *gozxing.BitMatrix {
	s := g.size
	w, h := s.cols, s.rows
	if mirror {
		w, h = h, w
	}
	bits, _ := gozxing.NewBitMatrix(w, h)
	for y := 0; y < s.rows; y++ {
		for x := 0; x < s.cols; x++ {
			if d.img.darkAt(g.at(float64(x)+0.5, float64(y)+0.5)) {
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
