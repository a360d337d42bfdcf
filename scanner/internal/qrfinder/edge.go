package qrfinder

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// Edge is a line of modules along a symbol's boundary with the quiet
// zone, in symbol coordinates (x = column, y = row, in modules).
type Edge struct {
	Horizontal bool    // along a row (else along a column)
	Line       int     // the row or column
	Outward    float64 // +1 or -1: towards the quiet zone across the line
}

// LocateEdgeModule finds the centre of the dark module k along an edge:
// along the edge, the middle of its dark run; across, half a module inside
// the boundary with the quiet zone.
func LocateEdgeModule(bm *gozxing.BitMatrix, h *geom.Homography, e Edge, k int) (geom.Correspondence, bool) {
	pt := func(along, across float64) (float64, float64) { return e.apply(h, along, across) }
	ck, cl := float64(k)+0.5, float64(e.Line)+0.5
	x0, y0 := pt(ck-1, cl)
	x1, y1 := pt(ck+1, cl)
	length := math.Hypot(x1-x0, y1-y0)
	if length < 2 {
		return geom.Correspondence{}, false
	}
	steps := int(length * 2)
	at := func(i int) bool {
		t := float64(i) / float64(steps)
		return Dark(bm, x0+(x1-x0)*t, y0+(y1-y0)*t)
	}
	// The dark sample nearest the prediction, within 0.8 module, then the
	// whole dark run around it, which must end on both sides.
	seed := -1
	for d := 0; d <= steps*2/5 && seed < 0; d++ {
		for _, i := range [2]int{steps/2 - d, steps/2 + d} {
			if i >= 0 && i <= steps && at(i) {
				seed = i
				break
			}
		}
	}
	if seed < 0 {
		return geom.Correspondence{}, false
	}
	start, end := seed, seed
	for start > 0 && at(start-1) {
		start--
	}
	for end < steps && at(end+1) {
		end++
	}
	if start == 0 || end == steps {
		return geom.Correspondence{}, false
	}
	along := ck - 1 + 2*(float64(start+end)/2)/float64(steps)
	// Across: from the centre line outward to the quiet zone, and inward
	// to the next module. Where that one is light too, the module's
	// centre lies midway between its two edges, whatever blur and the
	// binarizer's threshold took off both; else half a module inside the
	// outer edge.
	outer, ok := firstLight(bm, pt, along, cl, e.Outward, 1.4)
	if !ok || outer > 1.1 {
		return geom.Correspondence{}, false
	}
	centre := outer - 0.5
	if inner, ok := firstLight(bm, pt, along, cl, -e.Outward, 0.9); ok {
		centre = (outer - inner) / 2
	}
	if math.Abs(centre) > 0.6 {
		return geom.Correspondence{}, false
	}
	cx, cy := pt(along, cl+centre*e.Outward)
	if e.Horizontal {
		return geom.Correspondence{X: ck, Y: cl, U: cx, V: cy}, true
	}
	return geom.Correspondence{X: cl, Y: ck, U: cx, V: cy}, true
}

// firstLight walks from the centre line at along in direction dir (+1 or
// -1 across the edge) up to limit modules and returns how far the first
// light sample lies.
func firstLight(bm *gozxing.BitMatrix, pt func(along, across float64) (float64, float64), along, cl, dir, limit float64) (float64, bool) {
	x0, y0 := pt(along, cl)
	x1, y1 := pt(along, cl+limit*dir)
	steps := int(math.Hypot(x1-x0, y1-y0) * 2)
	if steps < 2 {
		return 0, false
	}
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		if !Dark(bm, x0+(x1-x0)*t, y0+(y1-y0)*t) {
			return limit * t, true
		}
	}
	return 0, false
}

// LocateBoundary finds where the quiet zone begins beyond module k of an
// edge, dark through h, walking out across the edge from the module's
// centre: a point of the symbol's outline, with its place along the edge
// as h has it. Where the modules along an edge are not lone dark ones (a
// row of data), it shows where the edge runs, if not where its modules
// are.
func LocateBoundary(bm *gozxing.BitMatrix, h *geom.Homography, e Edge, k int) (geom.Correspondence, bool) {
	pt := func(along, across float64) (float64, float64) { return e.apply(h, along, across) }
	ck, cl := float64(k)+0.5, float64(e.Line)+0.5
	outer, ok := firstLight(bm, pt, ck, cl, e.Outward, 1.4)
	if !ok || outer < 0.1 || outer > 1.1 {
		return geom.Correspondence{}, false
	}
	u, v := pt(ck, cl+outer*e.Outward)
	edge := cl + 0.5*e.Outward
	if e.Horizontal {
		return geom.Correspondence{X: ck, Y: edge, U: u, V: v}, true
	}
	return geom.Correspondence{X: edge, Y: ck, U: u, V: v}, true
}

// apply maps a point given along and across the edge, in modules, through h.
func (e Edge) apply(h *geom.Homography, along, across float64) (float64, float64) {
	if e.Horizontal {
		return h.Apply(along, across)
	}
	return h.Apply(across, along)
}
