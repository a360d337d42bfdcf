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
	pt := func(along, across float64) (float64, float64) {
		if e.Horizontal {
			return h.Apply(along, across)
		}
		return h.Apply(across, along)
	}
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
	// Across: from inside the module outward to the quiet zone.
	xa, ya := pt(along, cl-0.4*e.Outward)
	xb, yb := pt(along, cl+1.4*e.Outward)
	length = math.Hypot(xb-xa, yb-ya)
	steps = int(length * 2)
	if steps < 2 {
		return geom.Correspondence{}, false
	}
	edgeAt := math.NaN()
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		if !Dark(bm, xa+(xb-xa)*t, ya+(yb-ya)*t) {
			edgeAt = -0.4 + 1.8*t // across offset from the centre line, outward positive
			break
		}
	}
	if math.IsNaN(edgeAt) || math.Abs(edgeAt-0.5) > 0.6 {
		return geom.Correspondence{}, false
	}
	cx, cy := pt(along, cl+(edgeAt-0.5)*e.Outward)
	if e.Horizontal {
		return geom.Correspondence{X: ck, Y: cl, U: cx, V: cy}, true
	}
	return geom.Correspondence{X: cl, Y: ck, U: cx, V: cy}, true
}
