package qrlocate

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// A symbol printed on a curved surface (a bottle, a can) has no one
// projective map: round a cylinder its columns crowd together towards the
// edges, so the finders, at the squeezed edges, look smaller than the
// middle modules are (their spacing suggests a version too many), and a
// map fitted to their corners puts the middle columns a module or more
// off. Its modules still show where they lie: every boundary between
// columns 7 and dim-7 is an edge along the timing row (row 6, dark and
// light by turns between the finders, ISO/IEC 18004 §6.3.5), and each
// finder's middle row shows the boundaries of its own columns (dark,
// light, three dark, light, dark); the timing column and the finders'
// middle columns show the rows' alike.

// sampleStep is how far apart, in pixels, the samples along a traced line
// lie: a module squeezed to a pixel still shows in several.
const sampleStep = 0.25

// readWarped reads the symbol of frame f where its timing patterns and
// finders show its columns and rows (see above): the module count from
// the timing modules counted, each module sampled through the finders'
// affine map at its column's and row's measured place, a grid bent to
// follow the symbol rather than one map of the whole. An affine map
// leaves a bend along one axis the same on every line across it (round a
// cylinder, in any turn in the image), where a projective one fitted to
// squeezed finders would lean it. readWarped returns nil where the edges
// do not count out a symbol's or nothing decodes.
func (r *Reader) readWarped(bm *gozxing.BitMatrix, f *frame, hints map[gozxing.DecodeHintType]interface{}) *gozxing.Result {
	dim, ok := r.countModules(bm, f)
	if !ok {
		return nil
	}
	h, ok := r.finderMap(f, dim)
	if !ok {
		return nil
	}
	// The knots, dim+1 an axis, fit in the room made here: no knots
	// call outgrows the array it is given and lets go of one holding
	// knots.
	r.cols, r.rows = scrub.Room(r.cols, dim+1), scrub.Room(r.rows, dim+1)
	r.knotsHeld = max(r.knotsHeld, dim+1)
	// The columns along rows where the map puts them, then the rows
	// along the columns the knots put; where the map's rows are too far
	// off for that (rows crowded towards the top and bottom), the other
	// way round.
	cols, ok := r.knots(bm, &h, dim, true, nil, r.cols)
	var rows []float64
	if ok {
		rows, ok = r.knots(bm, &h, dim, false, cols, r.rows)
	} else if rows, ok = r.knots(bm, &h, dim, false, nil, r.rows); ok {
		cols, ok = r.knots(bm, &h, dim, true, rows, r.cols)
	}
	r.cols, r.rows = cols, rows
	if !ok {
		return nil
	}
	// The map may lean a little (the finders' corners at a squeezed edge
	// are the least sure): the columns at the bottom-left finder and the
	// rows at the top-right one, against those at the top-left one, show
	// by how much; the lean grows across the symbol.
	cskew := r.skew(bm, &h, dim, true, cols, rows)
	rskew := r.skew(bm, &h, dim, false, rows, cols)
	span := float64(dim) - 7
	at := func(x, y float64) (float64, float64) {
		return h.Apply(bend(cols, x)+cskew*(y-3.5)/span, bend(rows, y)+rskew*(x-3.5)/span)
	}
	return r.readWith(bm, dim, at, hints)
}

// countModules counts the symbol's modules along its timing patterns, on
// the line from the top-left finder's bottom ring row (row 6 of its own
// square's map) to the top-right one's: dim-13 edges, and as many down
// column 6 to the bottom-left one's. Each finder's own map holds at its
// own ring however the symbol bends between the finders.
func (r *Reader) countModules(bm *gozxing.BitMatrix, f *frame) (int, bool) {
	var own [3]geom.Homography
	for i, o := range [3]outline{f.tl, f.tr, f.bl} {
		var pts [4]geom.Correspondence
		for k, m := range qrfinder.Square {
			c := o.corners[(f.rot[i]+k)%4]
			pts[k] = geom.Correspondence{X: m[0], Y: m[1], U: c[0], V: c[1]}
		}
		var ok bool
		if own[i], ok = geom.FitHomography(pts[:]); !ok {
			return 0, false
		}
	}
	n := -1
	for _, p := range [2][2]float64{{3.5, 6.5}, {6.5, 3.5}} {
		x0, y0 := own[0].Apply(p[0], p[1])
		x1, y1 := own[1].Apply(p[0], p[1])
		if n >= 0 {
			x1, y1 = own[2].Apply(p[0], p[1])
		}
		line := geom.Homography{x1 - x0, 0, x0, y1 - y0, 0, y0, 0, 0}
		if !r.trace(bm, &line, 0, 0, 1, true) || !qrfinder.Dark(bm, x1, y1) || (n >= 0 && len(r.edges) != n) {
			return 0, false
		}
		n = len(r.edges)
	}
	dim := n + 13
	if dim < 21 || dim > 177 || (dim-17)%4 != 0 || math.Abs(float64(dim)-f.dim) > max(8, f.dim/4) {
		return 0, false
	}
	return dim, true
}

// finderMap fits the affine map of a dim-module grid to the finders'
// corners.
func (r *Reader) finderMap(f *frame, dim int) (geom.Homography, bool) {
	r.setFinderPoints(f, dim)
	return geom.FitAffine(r.pts)
}

// knots returns where, in h's module coordinates, the boundaries 0 to dim
// of the symbol's columns (across true) or rows lie: measured along the
// top-left finder's and the other end's middle row and the timing row
// (middle columns and timing column), on the lines where the other
// axis' knots put them (where h puts them when other is nil); those
// inside a finder's dark middle spaced evenly between its edges. It
// reports false where a trace does not show the edges it should. The knots
// are written over dst's space, which it returns either way.
func (r *Reader) knots(bm *gozxing.BitMatrix, h *geom.Homography, dim int, across bool, other, dst []float64) ([]float64, bool) {
	d := float64(dim)
	mid, timing := 3.5, 6.5
	if other != nil {
		mid, timing = bend(other, mid), bend(other, timing)
	}
	k := slices.Grow(dst[:0], dim+1)[:dim+1]
	var dark bool
	// Each finder's middle row from its dark middle outwards: three
	// edges to the quiet zone, and two towards the other finder (the
	// third, at the separator, the timing row shows).
	for _, t := range [4]struct {
		from, to float64
		at       [3]int
		n        int
	}{
		{3.5, -4, [3]int{2, 1, 0}, 3},
		{3.5, 9, [3]int{5, 6}, 2},
		{d - 3.5, d + 4, [3]int{dim - 2, dim - 1, dim}, 3},
		{d - 3.5, d - 9, [3]int{dim - 5, dim - 6}, 2},
	} {
		dark = r.trace(bm, h, mid, t.from, t.to, across)
		if !dark || len(r.edges) < t.n {
			return k, false
		}
		for i := range t.n {
			k[t.at[i]] = r.edges[i]
		}
	}
	dark = r.trace(bm, h, timing, 3.5, d-3.5, across)
	if !dark || len(r.edges) != dim-13 {
		return k, false
	}
	copy(k[7:], r.edges)
	for _, i := range [4]int{3, 4, dim - 4, dim - 3} {
		lo := 2
		if i > 7 {
			lo = dim - 5
		}
		k[i] = k[lo] + (k[lo+3]-k[lo])*float64(i-lo)/3
	}
	for i := 1; i <= dim; i++ {
		if !(k[i] > k[i-1]) {
			return k, false
		}
	}
	return k, true
}

// skew returns how far, along the columns (across true) or rows, the
// bottom-left (top-right) finder's boundaries lie from the knots k the
// top-left one showed, on average: traced along its middle row (column)
// where the other axis' knots put it.
func (r *Reader) skew(bm *gozxing.BitMatrix, h *geom.Homography, dim int, across bool, k, other []float64) float64 {
	mid := bend(other, float64(dim)-3.5)
	sum, n := 0.0, 0
	for _, t := range [2]struct {
		to float64
		at []int
	}{{-4, []int{2, 1, 0}}, {9, []int{5, 6}}} {
		if !r.trace(bm, h, mid, 3.5, t.to, across) || len(r.edges) < len(t.at) {
			continue
		}
		for i, j := range t.at {
			sum += r.edges[i] - k[j]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// bend maps a module coordinate c (a module's centre at i+0.5) to the
// finders' map's coordinates, between the knots k of the boundaries.
func bend(k []float64, c float64) float64 {
	i := min(max(int(c), 0), len(k)-2)
	return k[i] + (k[i+1]-k[i])*(c-float64(i))
}

// trace is traceEdges into r.edges, counting the most edges they held
// (see edgesHeld).
func (r *Reader) trace(bm *gozxing.BitMatrix, h *geom.Homography, fixed, from, to float64, along bool) (dark bool) {
	r.edges, dark = traceEdges(bm, h, fixed, from, to, along, r.edges[:0])
	r.edgesHeld = max(r.edgesHeld, len(r.edges))
	return dark
}

// traceEdges samples bm along the line at fixed (a row at y = fixed when
// along is true, else a column at x = fixed) from module coordinate from
// to to, through h, every sampleStep pixels, and appends to dst where the
// samples change between dark and light, in module coordinates. It
// reports whether the first sample is dark.
func traceEdges(bm *gozxing.BitMatrix, h *geom.Homography, fixed, from, to float64, along bool, dst []float64) ([]float64, bool) {
	pt := func(c float64) (float64, float64) {
		if along {
			return h.Apply(c, fixed)
		}
		return h.Apply(fixed, c)
	}
	x0, y0 := pt(from)
	x1, y1 := pt(to)
	n := int(math.Ceil(math.Hypot(x1-x0, y1-y0) / sampleStep))
	if n < 2 || n > 1<<16 {
		return dst, false
	}
	step := (to - from) / float64(n)
	first := qrfinder.Dark(bm, x0, y0)
	prev := first
	for i := 1; i <= n; i++ {
		c := from + step*float64(i)
		x, y := pt(c)
		if d := qrfinder.Dark(bm, x, y); d != prev {
			dst = append(scrub.Grow(dst, 1), c-step/2)
			prev = d
		}
	}
	return dst, first
}
