package datamatrix

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// moduleKind tells what a module of the fixed pattern must be.
type moduleKind uint8

const (
	dataModule   moduleKind = iota // carries data
	finderModule                   // part of a finder bar: dark
	timingDark                     // dark module of a timing pattern
	timingLight                    // light module of a timing pattern
)

// dark reports whether a module of the fixed pattern is dark.
func (k moduleKind) dark() bool { return k == finderModule || k == timingDark }

// kind returns what module (x, y) is, x from the left, y from the top.
// Each data region has its own finder (left column, bottom row, solid) and
// timing pattern (top row and right column, alternating, dark at the
// finder's ends), ISO/IEC 16022:2006 §5.3.4.
func (s *symbolSize) kind(x, y int) moduleKind {
	xr := x % (s.regionCols + 2)
	yr := y % (s.regionRows + 2)
	switch {
	case xr == 0 || yr == s.regionRows+1:
		return finderModule
	case yr == 0:
		if xr%2 == 0 {
			return timingDark
		}
		return timingLight
	case xr == s.regionCols+1:
		if yr%2 == 1 {
			return timingDark
		}
		return timingLight
	}
	return dataModule
}

// eachFixed calls f with every module of the fixed pattern: the rows and
// columns that border the data regions, row by row, until f returns
// false; it reports whether f never did.
func (s *symbolSize) eachFixed(f func(x, y int) bool) bool {
	for y := 0; y < s.rows; y++ {
		yr := y % (s.regionRows + 2)
		if yr == 0 || yr == s.regionRows+1 {
			for x := 0; x < s.cols; x++ {
				if !f(x, y) {
					return false
				}
			}
			continue
		}
		for x := 0; x < s.cols; x += s.regionCols + 2 {
			if !f(x, y) || !f(x+s.regionCols+1, y) {
				return false
			}
		}
	}
	return true
}

// fixedCountReference is fixedCount written plainly: every module that
// eachFixed visits, its kind asked of kind.
func fixedCountReference(d *detector, g *grid) (match, tMatch, tTotal int) {
	s := g.size
	s.eachFixed(func(x, y int) bool {
		k := s.kind(x, y)
		right := d.img.darkAt(g.at(float64(x)+0.5, float64(y)+0.5)) == k.dark()
		if right {
			match++
		}
		if k != finderModule {
			tTotal++
			if right {
				tMatch++
			}
		}
		return true
	})
	return match, tMatch, tTotal
}

// TestFixedCount: fixedCount counts as the plain form does, for every size
// and every size turned on its side, on grids laid over random modules
// that mostly follow the fixed pattern, inside the image or crossing its
// edge, and gives up exactly when the matches fall short of what it needs.
func TestFixedCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var d detector
	for _, s := range symbolSizes {
		for _, sz := range []symbolSize{s, {rows: s.cols, cols: s.rows, regionRows: s.regionCols, regionCols: s.regionRows}} {
			const module = 2
			w, h := module*sz.cols+8, module*sz.rows+8
			m, _ := gozxing.NewBitMatrix(w, h)
			for y := range h {
				for x := range w {
					u, v := (x-4)/module, (y-4)/module
					dark := rng.IntN(2) == 0
					if x >= 4 && y >= 4 && u < sz.cols && v < sz.rows && sz.kind(u, v) != dataModule && rng.IntN(10) > 0 {
						dark = sz.kind(u, v).dark()
					}
					if dark {
						m.Set(x, y)
					}
				}
			}
			d.img.load(m, nil)
			// Corners a little off the modules' own, so that some centres
			// fall on their neighbours.
			jitter := func(x, y float64) point { return point{x + rng.Float64() - 0.5, y + rng.Float64() - 0.5} }
			o := outline{tl: jitter(4, 4), tr: jitter(float64(w-4), 4), br: jitter(float64(w-4), float64(h-4)), bl: jitter(4, float64(h-4))}
			if rng.IntN(3) == 0 {
				// A grid that crosses the image's edge.
				for i := range 4 {
					*o.corner(i) = o.corner(i).add(point{float64(w) / 3, -float64(h) / 4})
				}
			}
			g := newGrid(&o, &sz, &d.img)
			match, tMatch, tTotal := fixedCountReference(&d, &g)
			if m, tm, tt, ok := d.fixedCount(&g, 0); !ok || m != match || tm != tMatch || tt != tTotal {
				t.Fatalf("%dx%d: fixedCount %d, %d of %d, %v; want %d, %d of %d", sz.rows, sz.cols, m, tm, tt, ok, match, tMatch, tTotal)
			}
			for _, need := range []int{match - 1, match, match + 1} {
				if _, _, _, ok := d.fixedCount(&g, need); ok != (match >= need) {
					t.Errorf("%dx%d: fixedCount needing %d of %d matches reports %v", sz.rows, sz.cols, need, match, ok)
				}
			}
		}
	}
}
