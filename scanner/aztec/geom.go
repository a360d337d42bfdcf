package aztec

import "math"

// point is a position in image pixels (x right, y down) or in module
// coordinates relative to the centre of the bull's-eye.
type point struct{ x, y float64 }

func (p point) add(q point) point     { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point     { return point{p.x - q.x, p.y - q.y} }
func (p point) scale(f float64) point { return point{p.x * f, p.y * f} }
func (p point) norm() float64         { return math.Hypot(p.x, p.y) }

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
