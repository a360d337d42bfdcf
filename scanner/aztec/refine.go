package aztec

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// refineMap fits the map from the symbol's module coordinates to the image
// to the module boundaries seen in the symbol, growing outwards from the
// bull's-eye. The rings alone fix an affine map good near the centre; far
// out, perspective and the small errors of a map fitted to a few modules
// add up. Every change of colour along a row of modules marks a boundary
// between two columns, u = k+½ for the nearest k, and down a column one
// between two rows: each is a linear equation in the inverse map (image to
// modules), with a term δ·s for how much the binarizer thinned or
// thickened the dark modules (s +1 where light turns dark along the line,
// −1 where dark turns light).
func (d *detector) refineMap(sm symbolMap, dim int, m float64) (symbolMap, bool) {
	half := float64(dim / 2)
	origin := sm.at(0, 0)
	scale := 1 / math.Max(m, 1)
	cur := sm
	ok := false
	full := 0
	for radius := 8.0; full < 3; radius *= 1.6 {
		r := math.Min(radius, half+0.5)
		g, fit := d.fitInverse(&cur, r, origin, scale)
		if !fit {
			break
		}
		h, inv := g.inverse()
		if !inv {
			break
		}
		// Back to image coordinates: the fit worked in (p−origin)·scale.
		h = projective{
			a: h.a/scale + origin.x*h.g, b: h.b/scale + origin.x*h.h, c: h.c/scale + origin.x,
			d: h.d/scale + origin.y*h.g, e: h.e/scale + origin.y*h.h, f: h.f/scale + origin.y,
			g: h.g, h: h.h,
		}
		cur = symbolMap{h: h}
		ok = true
		if r >= half+0.5 {
			full++ // a few more rounds over the whole symbol
		}
	}
	return cur, ok
}

// fitInverse measures the boundaries within radius modules of the centre
// through the current map and fits the inverse map, in image coordinates
// (p−origin)·scale, by least squares.
func (d *detector) fitInverse(sm *symbolMap, radius float64, origin point, scale float64) (projective, bool) {
	// Unknowns: g11 g12 g13 g21 g22 g23 g31 g32 δu δv.
	const n = 10
	var ata [n][n]float64
	var atb [n]float64
	count := 0
	// An equation's row has six unknowns that are not zero: g11 g12 g13
	// g31 g32 δu along rows, g21 g22 g23 g31 g32 δv down columns. Only
	// those enter the normal equations; the others would add zeros.
	unknowns := [2][6]int{{0, 1, 2, 6, 7, 8}, {3, 4, 5, 6, 7, 9}}
	// The normal matrix is symmetric: each row adds its products to the
	// upper triangle only (k is ascending), which is mirrored once at the
	// end; both halves would have received the same sums. A pass adds
	// them up in the six unknowns' own equations (eq), which take the
	// sums of before, of the unknowns the passes share, and give them
	// back after: the same additions to the same sums.
	var eq normal6
	add := func(row [6]float64, rhs float64) {
		eq.add(&row, rhs)
		count++
	}
	// The orientation takes (x, y) to (±x or ±y, ±y or ±x): where each
	// comes from, in the map's symbol coordinates.
	axes := sm.o.apply(point{1, 2})
	h := &sm.h
	lines := int(radius)
	for pass := 0; pass < 2; pass++ {
		alongRows := pass == 0
		k := &unknowns[pass]
		eq = normal6{}
		for a, i := range k {
			for b := a; b < len(k); b++ {
				eq.m[a][b] = ata[i][k[b]]
			}
			eq.r[a] = atb[i]
		}
		// Along the line, u and v are each ±t (the position along it) or
		// ±across (the line's own), as pick would have them: uT says u
		// is ±t, uSign its sign.
		uT := (math.Abs(axes.x) == 1) == alongRows
		vT := (math.Abs(axes.y) == 1) == alongRows
		uSign, vSign := math.Copysign(1, axes.x), math.Copysign(1, axes.y)
		for j := -lines; j <= lines; j++ {
			across := float64(j)
			uA, vA := pickAxis(axes.x, across), pickAxis(axes.y, across)
			// pos is the image position at t along the line: sm.h
			// applied to (u, v) as symbolMap.at does, in its very
			// operations, so that every sample lands where it did.
			pos := func(t float64) point {
				u, v := uA, vA
				if uT {
					u = pickAxis(axes.x, t)
				}
				if vT {
					v = pickAxis(axes.y, t)
				}
				return h.apply(u, v)
			}
			length := pos(-radius).sub(pos(radius)).norm()
			if length == 0 {
				continue
			}
			step := 2 * radius / (length * 4) // a quarter pixel
			prev := d.img.darkAt(pos(-radius))
			line := newLineMap(h, vT, uSign, vSign, uA, vA)
			for t := -radius + step; ; t += step {
				// The next sample whose pixel is not as the one before:
				// finding it is most of the refinement's time.
				var dark, changed bool
				if t, dark, changed = line.firstChange(&d.img, t, step, radius, prev); !changed {
					break
				}
				prev = dark
				at := t - step/2
				b := math.Round(at+0.5) - 0.5 // nearest boundary between modules
				if math.Abs(at-b) > 0.4 || math.Abs(b) > radius-0.5 {
					continue
				}
				p := pos(at).sub(origin).scale(scale)
				sign := -1.0
				if dark {
					sign = 1
				}
				// u(p) = b + δu·s along rows, v(p) = b + δv·s down columns.
				add([6]float64{p.x, p.y, 1, -b * p.x, -b * p.y, -sign}, b)
			}
		}
		for a, i := range k {
			for b := a; b < len(k); b++ {
				ata[i][k[b]] = eq.m[a][b]
			}
			atb[i] = eq.r[a]
		}
	}
	if count < 24 {
		return projective{}, false
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			ata[j][i] = ata[i][j]
		}
	}
	if !geom.Solve(ata[:], atb[:], 1e-9) {
		return projective{}, false
	}
	x := atb
	return projective{a: x[0], b: x[1], c: x[2], d: x[3], e: x[4], f: x[5], g: x[6], h: x[7]}, true
}

// normal6 holds the normal equations of six unknowns as least squares
// add them up, equation by equation: m[a][b] for b ≥ a the sum of
// row[a]·row[b] (the entries below, and the columns past 5, are
// scratch), r[a] the sum of row[a]·rhs.
type normal6 struct {
	m [6][8]float64
	r [8]float64 // past 5: scratch
}

// add adds the equation row·x = rhs.
func (n *normal6) add(row *[6]float64, rhs float64) {
	if n.addWide(row, rhs) {
		return
	}
	for a := range 6 {
		for b := a; b < 6; b++ {
			n.m[a][b] += row[a] * row[b]
		}
		n.r[a] += row[a] * rhs
	}
}

// lineMap is h.apply(u, v) along a line of modules where one of u and v
// is ±t and the other fixed, as the same operations on the same values
// with those fixed along the line worked out once: each of the map's
// three sums, a product with the moving coordinate plus one with the
// fixed one, is the same sum in either order, and k·(±t) is (±k)·t
// exactly.
type lineMap struct {
	mw, mx, my float64 // the products with t: g, a and d by its sign
	cw, cx, cy float64 // the products with the fixed coordinate
	c, f       float64
}

// newLineMap is the lineMap of h where v moves (vMoves: v = vSign·t, u =
// uA) or u does (u = uSign·t, v = vA).
func newLineMap(h *projective, vMoves bool, uSign, vSign, uA, vA float64) lineMap {
	if vMoves {
		return lineMap{h.h * vSign, h.b * vSign, h.e * vSign, h.g * uA, h.a * uA, h.d * uA, h.c, h.f}
	}
	return lineMap{h.g * uSign, h.a * uSign, h.d * uSign, h.h * vA, h.b * vA, h.e * vA, h.c, h.f}
}

// at is the image position at t along the line.
func (l *lineMap) at(t float64) (float64, float64) {
	w := l.mw*t + l.cw + 1
	if w == 0 {
		w = 1e-12
	}
	return (l.mx*t + l.cx + l.c) / w, (l.my*t + l.cy + l.f) / w
}

// firstChange returns the first of t, t+step, (t+step)+step, … up to end
// at which the line's pixel, pos(t) read as darkAt reads it, is not dark
// as prev says, and that pixel's darkness; false when there is none.
func (l *lineMap) firstChange(img *bitImage, t, step, end float64, prev bool) (float64, bool, bool) {
	t = l.skipWide(img, t, step, end, prev)
	for ; t <= end; t += step {
		px, py := l.at(t)
		if dark := px >= 0 && py >= 0 && img.get(int(px), int(py)); dark != prev {
			return t, dark, true
		}
	}
	return t, prev, false
}

// pickAxis is the symbol coordinate that axis (±1 or ±2, as
// orientation.apply turns (1, 2)) takes from the one value that moves: its
// value c, or -c.
func pickAxis(axis, c float64) float64 {
	if axis < 0 {
		return -c
	}
	return c
}

// inverse returns the map that undoes t.
func (t projective) inverse() (projective, bool) {
	a, b, c, d, e, f, g, h := t.a, t.b, t.c, t.d, t.e, t.f, t.g, t.h
	A, B, C := e-f*h, c*h-b, b*f-c*e
	D, E, F := f*g-d, a-c*g, c*d-a*f
	G, H, I := d*h-e*g, b*g-a*h, a*e-b*d
	if math.Abs(I) < 1e-12 {
		return projective{}, false
	}
	return projective{A / I, B / I, C / I, D / I, E / I, F / I, G / I, H / I}, true
}
