package microqr

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/qrfinder"

	"github.com/makiuchi-d/gozxing"
)

// Seen at an angle, a symbol's far corner drifts from the affine fit along
// its timing patterns. The drift is measured in patches of data modules
// near the far edges: the sampling offset at which each module's centre
// and four neighbouring samples agree is where the modules really are.
// A full homography through the timing points and these patches follows
// the perspective.
func (r *Reader) perspective(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	pts := append(r.perspPts[:0], r.pts...)
	defer func() { r.perspPts = pts }()
	n := size - 3
	mid := size/2 + 1
	for _, pc := range [][2]int{{n, n}, {n, mid}, {mid, n}, {mid, mid}, {n, 4}, {4, n}} {
		ox, oy, ok := patchOffset(bm, &h, pc[0], pc[1], size)
		if !ok {
			continue
		}
		x, y := float64(pc[1])+0.5, float64(pc[0])+0.5
		u, v := h.Apply(x+ox, y+oy)
		pts = append(pts, correspondence{X: x, Y: y, U: u, V: v})
	}
	return fitHomography(pts)
}

// patchOffset searches, within half a module, the sampling offset at
// which the 5x5 modules around (row, col) look most like whole modules.
func patchOffset(bm *gozxing.BitMatrix, h *homography, row, col, size int) (float64, float64, bool) {
	best, zero := -1, 0
	var bx, by float64
	for oy := -0.5; oy <= 0.501; oy += 0.125 {
		for ox := -0.5; ox <= 0.501; ox += 0.125 {
			score := 0
			for r := max(1, row-2); r <= min(size-1, row+2); r++ {
				for c := max(1, col-2); c <= min(size-1, col+2); c++ {
					x, y := float64(c)+0.5+ox, float64(r)+0.5+oy
					cu, cv := h.Apply(x, y)
					centre := dark(bm, cu, cv)
					for _, d := range [4][2]float64{{0.3, 0}, {-0.3, 0}, {0, 0.3}, {0, -0.3}} {
						u, v := h.Apply(x+d[0], y+d[1])
						if dark(bm, u, v) == centre {
							score++
						}
					}
				}
			}
			if ox == 0 && oy == 0 {
				zero = score
			}
			if score > best || (score == best && math.Hypot(ox, oy) < math.Hypot(bx, by)) {
				best, bx, by = score, ox, oy
			}
		}
	}
	return bx, by, best > zero || (bx == 0 && by == 0 && best > 0)
}

// traceEdges follows the symbol's far edges, its last row and column
// against the quiet zone, from the timing patterns' ends outward: each
// dark module there shows where the edge runs. A homography through
// the timing points and these follows a steep tilt to the far corner,
// which nothing near the finder shows.
// The points found join r.pts.
func (r *Reader) traceEdges(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	pts := r.pts
	found := 0
	for k := 1; k < size; k++ {
		for _, e := range [2]qrfinder.Edge{{Horizontal: true, Line: size - 1, Outward: 1}, {Line: size - 1, Outward: 1}} {
			x, y := float64(k)+0.5, float64(size)-0.5
			if !e.Horizontal {
				x, y = y, x
			}
			if u, v := h.Apply(x, y); !dark(bm, u, v) {
				continue
			}
			p, ok := qrfinder.LocateBoundary(bm, &h, e, k)
			if !ok {
				continue
			}
			pts = append(pts, p)
			found++
			if found >= 2 {
				if nh, ok := fitHomography(pts); ok {
					h = nh
				}
			}
		}
	}
	r.pts = pts
	return h, found >= 3
}

// outline fits the symbol's four edges as lines and maps the grid's
// corners to where they meet. Seen at an angle, the two axes are
// foreshortened differently and the far corner lies where nothing near
// the finder can tell; the far edges show it, for a Micro QR's data masks
// are chosen to darken the last row and column most (ISO/IEC 18004:2015
// §7.8.3.2). Across each edge, at every half module along it, the last
// dark sample before the quiet zone is a point of the symbol's outline
// where the module on the edge is dark, and of some line inside it where
// that one is light: the edge is the line through the most such points
// with none beyond it. The near edges run along the finder and the
// timing patterns and are found alike. Where along an edge a point lies
// does not matter, so h need only be near enough to show where to look.
func (r *Reader) outline(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	n := float64(size)
	var lines [4][3]float64
	cx, cy := h.Apply(n/2, n/2)
	for e := 0; e < 4; e++ {
		// at maps a point given along the edge and outward across it,
		// in modules, into the image.
		at := func(along, out float64) (float64, float64) {
			switch e {
			case 0:
				return h.Apply(along, -out)
			case 1:
				return h.Apply(n+out, along)
			case 2:
				return h.Apply(along, n+out)
			}
			return h.Apply(-out, along)
		}
		side := r.side[:0]
		for t := 0.25; t < n; t += 0.5 {
			x0, y0 := at(t, -1.5)
			x1, y1 := at(t, 2)
			steps := int(2 * math.Hypot(x1-x0, y1-y0))
			if steps < 4 {
				return h, false
			}
			last := -1
			for i := 0; i <= steps; i++ {
				f := float64(i) / float64(steps)
				if dark(bm, x0+(x1-x0)*f, y0+(y1-y0)*f) {
					last = i
				}
			}
			if last < 0 || last == steps {
				continue // nothing dark, or no quiet zone
			}
			f := (float64(last) + 0.5) / float64(steps)
			side = append(side, [2]float64{x0 + (x1-x0)*f, y0 + (y1-y0)*f})
		}
		r.side = side
		x0, y0 := at(0, 0)
		x1, y1 := at(n, 0)
		l, ok := outerLine(side, math.Hypot(x1-x0, y1-y0)/n, cx, cy)
		if !ok {
			return h, false
		}
		lines[e] = l
	}
	var pts [4]correspondence
	for i, c := range [4][2]float64{{0, 0}, {n, 0}, {n, n}, {0, n}} {
		p, ok := qrfinder.Intersect(lines[(i+3)%4], lines[i])
		if !ok {
			return h, false
		}
		pts[i] = correspondence{X: c[0], Y: c[1], U: p[0], V: p[1]}
	}
	return fitHomography(pts[:])
}

// outerLine finds, among the lines through two of the points, the one
// that the most points lie on, within a quarter module, less twice those
// lying beyond it, away from (cx, cy) inside the symbol; and refits it to
// the points on it. A line of modules inside the edge has the edge's
// points beyond it; the quiet zone's specks are few.
func outerLine(p [][2]float64, module, cx, cy float64) ([3]float64, bool) {
	tol := max(0.35, 0.25*module)
	best, bestScore := [3]float64{}, 0
	for i := range p {
		for j := i + 1; j < len(p); j++ {
			dx, dy := p[j][0]-p[i][0], p[j][1]-p[i][1]
			d := math.Hypot(dx, dy)
			if d < 2*module {
				continue
			}
			// a x + b y = c with the normal pointing outward.
			a, b := dy/d, -dx/d
			c := a*p[i][0] + b*p[i][1]
			if a*cx+b*cy > c {
				a, b, c = -a, -b, -c
			}
			score := 0
			for _, q := range p {
				switch off := a*q[0] + b*q[1] - c; {
				case off > tol:
					score -= 2
				case off >= -tol:
					score++
				}
			}
			if score > bestScore {
				best, bestScore = [3]float64{a, b, c}, score
			}
		}
	}
	if bestScore < 3 {
		return best, false
	}
	kept := p[:0]
	for _, q := range p {
		if math.Abs(best[0]*q[0]+best[1]*q[1]-best[2]) <= tol {
			kept = append(kept, q)
		}
	}
	return qrfinder.FitLine(kept, tol), true
}
