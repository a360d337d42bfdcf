package datamatrix

import "math"

// point is a position in image pixels (x right, y down) or in module
// coordinates, depending on context.
type point struct{ x, y float64 }

func (p point) add(q point) point     { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point     { return point{p.x - q.x, p.y - q.y} }
func (p point) scale(f float64) point { return point{p.x * f, p.y * f} }
func (p point) dot(q point) float64   { return p.x*q.x + p.y*q.y }
func (p point) cross(q point) float64 { return p.x*q.y - p.y*q.x }
func (p point) norm() float64         { return math.Hypot(p.x, p.y) }
func (p point) lerp(q point, t float64) point {
	return point{p.x + (q.x-p.x)*t, p.y + (q.y-p.y)*t}
}

// line is the set of points p with n·p = c, n a unit normal.
type line struct {
	n point
	c float64
}

// lineThrough returns the line through a and b.
func lineThrough(a, b point) line {
	d := b.sub(a)
	l := d.norm()
	if l == 0 {
		return line{n: point{0, 1}, c: a.y}
	}
	n := point{-d.y / l, d.x / l}
	return line{n: n, c: n.dot(a)}
}

// dist is the signed distance of p from l, positive on the side n points to.
func (l line) dist(p point) float64 { return l.n.dot(p) - l.c }

// shift moves l by d along its normal.
func (l line) shift(d float64) line { return line{n: l.n, c: l.c + d} }

// intersect returns the crossing point of two lines, or false when they are
// (nearly) parallel.
func intersect(a, b line) (point, bool) {
	det := a.n.x*b.n.y - a.n.y*b.n.x
	if math.Abs(det) < 1e-9 {
		return point{}, false
	}
	return point{(a.c*b.n.y - b.c*a.n.y) / det, (a.n.x*b.c - b.n.x*a.c) / det}, true
}

// fitLine fits a line to pts by total least squares (the principal axis of
// the points), or reports false for fewer than two distinct points.
func fitLine(pts []point) (line, bool) {
	if len(pts) < 2 {
		return line{}, false
	}
	var m point
	for _, p := range pts {
		m = m.add(p)
	}
	m = m.scale(1 / float64(len(pts)))
	var sxx, sxy, syy float64
	for _, p := range pts {
		d := p.sub(m)
		sxx += d.x * d.x
		sxy += d.x * d.y
		syy += d.y * d.y
	}
	if sxx+syy == 0 {
		return line{}, false
	}
	// The direction of largest spread; the normal is perpendicular to it.
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	dir := point{math.Cos(theta), math.Sin(theta)}
	n := point{-dir.y, dir.x}
	return line{n: n, c: n.dot(m)}, true
}

// homography maps the unit square onto a quadrilateral: (0,0), (1,0),
// (1,1), (0,1) go to the quadrilateral's corners in that order.
type homography struct{ a, b, c, d, e, f, g, h float64 }

// squareToQuad returns the projective map of the unit square onto the
// quadrilateral p0 p1 p2 p3 (Heckbert's closed form).
func squareToQuad(p0, p1, p2, p3 point) homography {
	dx1, dx2, dx3 := p1.x-p2.x, p3.x-p2.x, p0.x-p1.x+p2.x-p3.x
	dy1, dy2, dy3 := p1.y-p2.y, p3.y-p2.y, p0.y-p1.y+p2.y-p3.y
	if dx3 == 0 && dy3 == 0 {
		return homography{a: p1.x - p0.x, b: p2.x - p1.x, c: p0.x, d: p1.y - p0.y, e: p2.y - p1.y, f: p0.y}
	}
	den := dx1*dy2 - dx2*dy1
	if den == 0 {
		den = 1e-12
	}
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{
		a: p1.x - p0.x + g*p1.x, b: p3.x - p0.x + h*p3.x, c: p0.x,
		d: p1.y - p0.y + g*p1.y, e: p3.y - p0.y + h*p3.y, f: p0.y,
		g: g, h: h,
	}
}

// apply maps (u, v) of the unit square into the image.
func (t *homography) apply(u, v float64) point {
	w := t.g*u + t.h*v + 1
	if w == 0 {
		w = 1e-12
	}
	return point{(t.a*u + t.b*v + t.c) / w, (t.d*u + t.e*v + t.f) / w}
}

// convex reports whether the quadrilateral q is convex and not degenerate.
func convex(q [4]point) bool {
	sign := 0.0
	for i := range q {
		a, b, c := q[i], q[(i+1)%4], q[(i+2)%4]
		cr := b.sub(a).cross(c.sub(b))
		if cr == 0 {
			return false
		}
		if sign == 0 {
			sign = cr
		} else if (cr > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// insideQuad reports whether p lies in the convex quadrilateral q.
func insideQuad(q [4]point, p point) bool {
	sign := 0.0
	for i := range q {
		cr := q[(i+1)%4].sub(q[i]).cross(p.sub(q[i]))
		if cr == 0 {
			continue
		}
		if sign == 0 {
			sign = cr
		} else if (cr > 0) != (sign > 0) {
			return false
		}
	}
	return true
}
