package symbols

import (
	"math"

	"github.com/scannerd/scannerd/scanner"
)

// projective is a plane projective map: (u, v) ↦ ((a·u+b·v+c)/w,
// (d·u+e·v+f)/w) with w = g·u+h·v+1.
type projective struct{ a, b, c, d, e, f, g, h float64 }

func (t projective) apply(u, v float64) (float64, float64) {
	w := t.g*u + t.h*v + 1
	return (t.a*u + t.b*v + t.c) / w, (t.d*u + t.e*v + t.f) / w
}

// unitSquareTo maps (0,0), (1,0), (1,1), (0,1) onto q's corners in order.
func unitSquareTo(q [4]scanner.Point) projective {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0].X, q[0].Y, q[1].X, q[1].Y, q[2].X, q[2].Y, q[3].X, q[3].Y
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	if dx3 == 0 && dy3 == 0 {
		return projective{a: x1 - x0, b: x2 - x1, c: x0, d: y1 - y0, e: y2 - y1, f: y0}
	}
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return projective{a: x1 - x0 + g*x1, b: x3 - x0 + h*x3, c: x0, d: y1 - y0 + g*y1, e: y3 - y0 + h*y3, f: y0, g: g, h: h}
}

// inverse returns the map that undoes t (the adjugate of its matrix,
// scaled so that its last entry is 1).
func (t projective) inverse() projective {
	a, b, c, d, e, f, g, h, i := t.a, t.b, t.c, t.d, t.e, t.f, t.g, t.h, 1.0
	A, B, C := e*i-f*h, c*h-b*i, b*f-c*e
	D, E, F := f*g-d*i, a*i-c*g, c*d-a*f
	G, H, I := d*h-e*g, b*g-a*h, a*e-b*d
	return projective{a: A / I, b: B / I, c: C / I, d: D / I, e: E / I, f: F / I, g: G / I, h: H / I}
}

// DrawQuad paints s, with its quiet zone, in perspective: the symbol's
// corners (top-left, top-right, bottom-right, bottom-left, without the
// quiet zone) land on q, as a camera sees a label that is not square to
// it. Pixels are anti-aliased like Draw's.
func (c *Canvas) DrawQuad(s *Symbol, q [4]scanner.Point, dark, light uint8) {
	toImage := unitSquareTo(q)
	toUnit := toImage.inverse()
	qz := float64(s.Quiet())
	w, h := float64(s.Width), float64(s.Height)
	// The quiet zone's corners bound the pixels to visit.
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, uv := range [][2]float64{{-qz, -qz}, {w + qz, -qz}, {w + qz, h + qz}, {-qz, h + qz}} {
		x, y := toImage.apply(uv[0]/w, uv[1]/h)
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	const n = 4
	for y := max(0, int(y0)); y <= min(c.Height-1, int(y1)+1); y++ {
		for x := max(0, int(x0)); x <= min(c.Width-1, int(x1)+1); x++ {
			inside, darkN := 0, 0
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					u, v := toUnit.apply(float64(x)+(float64(sx)+0.5)/n, float64(y)+(float64(sy)+0.5)/n)
					u, v = u*w, v*h
					if u < -qz || v < -qz || u >= w+qz || v >= h+qz {
						continue
					}
					inside++
					if s.Dark(int(math.Floor(u)), int(math.Floor(v))) {
						darkN++
					}
				}
			}
			if inside == 0 {
				continue
			}
			old := float64(c.Pix[y*c.Width+x])
			val := (float64(darkN)*float64(dark) + float64(inside-darkN)*float64(light)) / float64(inside)
			a := float64(inside) / (n * n)
			c.Pix[y*c.Width+x] = uint8(math.Round(val*a + old*(1-a)))
		}
	}
}

// Blur smooths the canvas with a box filter of the given radius, run
// twice (close to a Gaussian), as an out-of-focus lens would.
func (c *Canvas) Blur(radius int) {
	if radius <= 0 {
		return
	}
	tmp := make([]byte, len(c.Pix))
	for pass := 0; pass < 2; pass++ {
		boxRows(c.Pix, tmp, c.Width, c.Height, radius)
		boxCols(tmp, c.Pix, c.Width, c.Height, radius)
	}
}

func boxRows(src, dst []byte, w, h, r int) {
	for y := 0; y < h; y++ {
		row := src[y*w : (y+1)*w]
		sum, n := 0, 0
		for x := 0; x <= r && x < w; x++ {
			sum += int(row[x])
			n++
		}
		for x := 0; x < w; x++ {
			dst[y*w+x] = uint8((sum + n/2) / n)
			if x+r+1 < w {
				sum += int(row[x+r+1])
				n++
			}
			if x-r >= 0 {
				sum -= int(row[x-r])
				n--
			}
		}
	}
}

func boxCols(src, dst []byte, w, h, r int) {
	for x := 0; x < w; x++ {
		sum, n := 0, 0
		for y := 0; y <= r && y < h; y++ {
			sum += int(src[y*w+x])
			n++
		}
		for y := 0; y < h; y++ {
			dst[y*w+x] = uint8((sum + n/2) / n)
			if y+r+1 < h {
				sum += int(src[(y+r+1)*w+x])
				n++
			}
			if y-r >= 0 {
				sum -= int(src[(y-r)*w+x])
				n--
			}
		}
	}
}
