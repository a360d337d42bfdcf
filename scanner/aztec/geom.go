package aztec

import "math"

// point is a position in image pixels (x right, y down) or in module
// coordinates relative to the centre of the bull's-eye.
type point struct{ x, y float64 }

func (p point) add(q point) point     { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point     { return point{p.x - q.x, p.y - q.y} }
func (p point) scale(f float64) point { return point{p.x * f, p.y * f} }
func (p point) norm() float64         { return math.Hypot(p.x, p.y) }

// line is the set of points p with n·p = c, n a unit normal.
type line struct {
	n point
	c float64
}

// intersect returns the crossing point of two lines, or false when they are
// (nearly) parallel.
func intersect(a, b line) (point, bool) {
	det := a.n.x*b.n.y - a.n.y*b.n.x
	if math.Abs(det) < 1e-9 {
		return point{}, false
	}
	return point{(a.c*b.n.y - b.c*a.n.y) / det, (a.n.x*b.c - b.n.x*a.c) / det}, true
}

// fitLine fits a line to pts by total least squares, or reports false for
// fewer than two distinct points.
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
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	n := point{-math.Sin(theta), math.Cos(theta)}
	return line{n: n, c: n.x*m.x + n.y*m.y}, true
}

// projective maps module coordinates to the image: (u, v) ↦
// ((a·u+b·v+c)/w, (d·u+e·v+f)/w), w = g·u+h·v+1.
type projective struct{ a, b, c, d, e, f, g, h float64 }

func (t *projective) apply(u, v float64) point {
	w := t.g*u + t.h*v + 1
	if w == 0 {
		w = 1e-12
	}
	return point{(t.a*u + t.b*v + t.c) / w, (t.d*u + t.e*v + t.f) / w}
}

// squareMap returns the projective map that takes the square of half-size
// s round the origin, corners (−s,−s), (s,−s), (s,s), (−s,s), onto q.
func squareMap(s float64, q [4]point) projective {
	// The unit square to q (Heckbert), then the square onto the unit one.
	p0, p1, p2, p3 := q[0], q[1], q[2], q[3]
	dx1, dx2, dx3 := p1.x-p2.x, p3.x-p2.x, p0.x-p1.x+p2.x-p3.x
	dy1, dy2, dy3 := p1.y-p2.y, p3.y-p2.y, p0.y-p1.y+p2.y-p3.y
	var t projective
	if dx3 == 0 && dy3 == 0 {
		t = projective{a: p1.x - p0.x, b: p2.x - p1.x, c: p0.x, d: p1.y - p0.y, e: p2.y - p1.y, f: p0.y}
	} else {
		den := dx1*dy2 - dx2*dy1
		if den == 0 {
			den = 1e-12
		}
		g := (dx3*dy2 - dx2*dy3) / den
		h := (dx1*dy3 - dx3*dy1) / den
		t = projective{a: p1.x - p0.x + g*p1.x, b: p3.x - p0.x + h*p3.x, c: p0.x,
			d: p1.y - p0.y + g*p1.y, e: p3.y - p0.y + h*p3.y, f: p0.y, g: g, h: h}
	}
	// Substitute u' = (u+s)/(2s), v' = (v+s)/(2s).
	k := 1 / (2 * s)
	return projective{
		a: t.a * k, b: t.b * k, c: t.c + (t.a+t.b)/2,
		d: t.d * k, e: t.e * k, f: t.f + (t.d+t.e)/2,
		g: t.g * k, h: t.h * k,
	}.normalized(1 + (t.g+t.h)/2)
}

// normalized divides every coefficient by w, the constant term of the
// denominator, so that it becomes 1 again.
func (t projective) normalized(w float64) projective {
	return projective{t.a / w, t.b / w, t.c / w, t.d / w, t.e / w, t.f / w, t.g / w, t.h / w}
}
