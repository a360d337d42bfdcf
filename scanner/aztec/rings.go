package aztec

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The rings of the bull's-eye locate the symbol: rays from the centre meet
// the ring boundaries, the boundaries at half-sizes ½, 1½, … modules form
// concentric quadrilaterals, and the outermost one that is sure to be there
// fixes the projective map from module coordinates to the image (the other
// boundaries check it).

// rayCount is the number of rays cast from a candidate centre.
const rayCount = 48

// ringMap traces the ring boundaries 1…nb (half-sizes ½ … nb−½ modules)
// round centre c and returns the map from module coordinates, in a frame
// turned by the rings' angle, to the image. The frame is the symbol's up
// to a quarter turn or a mirror image, which the orientation marks settle.
func (d *detector) ringMap(c centre, nb int) (projective, bool) {
	m := c.module
	reach := (float64(nb) + 1.5) * m * 1.8
	step := 0.25
	// Boundary points per ring, with the ring's index, nb a ray at most:
	// room for them all first, as an array the appends outgrew would be
	// dropped with the points in it, which nothing clears.
	pts := scrub.Room(d.ringPts, rayCount*nb)
	for i := 0; i < rayCount; i++ {
		phi := 2 * math.Pi * float64(i) / rayCount
		dir := point{math.Cos(phi), math.Sin(phi)}
		prev := d.img.darkAt(c.p)
		if !prev {
			continue // the centre module is dark
		}
		var at [8]float64
		b := 0
		last := 0.0
		for t := step; t < reach && b < nb; t += step {
			v := d.img.darkAt(c.p.add(dir.scale(t)))
			if v == prev {
				continue
			}
			a := t - step/2
			if b > 0 && a-last < 0.35*m {
				break // rings are a module apart: noise, give up on this ray
			}
			at[b] = a
			b++
			last, prev = a, v
		}
		if b < nb {
			continue
		}
		// Along a ray the rings are equally wide, and the first boundary
		// half as far out: a ray that slipped past a boundary (through a
		// corner where rings meet) has a gap twice as wide.
		w := (at[nb-1] - at[0]) / float64(nb-1)
		regular := at[0] < w
		for k := 1; k < nb && regular; k++ {
			g := at[k] - at[k-1]
			regular = g > 0.3*w && g < 1.7*w
		}
		if !regular {
			continue
		}
		for k := 0; k < nb; k++ {
			pts = append(pts, ringPoint{c.p.add(dir.scale(at[k])), k + 1})
		}
	}
	d.ringPts = pts
	d.ringHeld = max(d.ringHeld, len(pts))
	if len(pts) < rayCount {
		return projective{}, false
	}
	theta := ringAngle(pts, c.p)
	sin, cos := math.Sincos(theta)
	frame := func(p point) point { // image offset → frame turned by −θ
		q := p.sub(c.p)
		return point{q.x*cos + q.y*sin, -q.x*sin + q.y*cos}
	}
	// Each boundary point lies on a side of its square: on the top and
	// bottom sides v = ∓(ring−½), on the left and right u = ∓(ring−½).
	// Fitting u and v as affine functions of the image position to all
	// points, of every ring, gives the map; a bull's-eye is too small for
	// perspective to show, and the layers round it are sampled through a
	// map refined on the whole symbol later.
	// Fit, drop the points that miss the fit by more than a third of a
	// module (a ray that took a wrong boundary), fit again.
	var u, v [3]float64
	for pass := 0; pass < 2; pass++ {
		var fu, fv lsq3
		for _, p := range pts {
			f := frame(p.p)
			ax, ay := math.Abs(f.x), math.Abs(f.y)
			if math.Abs(ax-ay) < 0.2*math.Max(ax, ay) {
				continue // too close to a corner to tell the side
			}
			half := float64(p.ring) - 0.5
			x, y := p.p.x-c.p.x, p.p.y-c.p.y
			fit, want := &fu, half
			switch {
			case f.y <= -ax:
				fit, want = &fv, -half
			case f.y >= ax:
				fit = &fv
			case f.x < -ay:
				want = -half
			}
			if pass > 0 {
				coef := u
				if fit == &fv {
					coef = v
				}
				if math.Abs(coef[0]*x+coef[1]*y+coef[2]-want) > 0.35 {
					continue
				}
			}
			fit.add(x, y, want)
		}
		var ok1, ok2 bool
		u, ok1 = fu.solve()
		v, ok2 = fv.solve()
		if !ok1 || !ok2 {
			return projective{}, false
		}
	}
	h, ok := affineInverse(u, v, c.p)
	if !ok {
		return projective{}, false
	}
	// The rings inside must read as rings.
	bad, total := 0, 0
	for r := 0; r < nb; r++ {
		for _, p := range ringModules(r) {
			total++
			if d.img.darkAt(h.apply(p.x, p.y)) != (r%2 == 0) {
				bad++
			}
		}
	}
	if bad*10 > total {
		return projective{}, false
	}
	d.persp, d.perspOK = d.ringPerspective(c, u, v)
	return h, true
}

// ringPerspective fits the boundary points once more, now as a projective
// map, which a symbol seen at a slant needs already at the mode message
// ring. u and v are the affine fit, which tells each point's side.
func (d *detector) ringPerspective(c centre, u, v [3]float64) (projective, bool) {
	const n = 9 // g11 g12 g13 g21 g22 g23 g31 g32 δ
	var ata [n][n]float64
	var atb [n]float64
	count := 0
	scale := 1 / c.module
	for _, p := range d.ringPts {
		x, y := p.p.x-c.p.x, p.p.y-c.p.y
		U, V := u[0]*x+u[1]*y+u[2], v[0]*x+v[1]*y+v[2]
		aU, aV := math.Abs(U), math.Abs(V)
		if math.Abs(aU-aV) < 0.2*math.Max(aU, aV) {
			continue
		}
		half := float64(p.ring) - 0.5
		// Going out, odd boundaries turn dark to light, even ones light
		// to dark; δ is how far the binarizer moved them outwards.
		s := 1.0
		if p.ring%2 == 0 {
			s = -1
		}
		x, y = x*scale, y*scale
		var row [n]float64
		var b float64
		if aU > aV {
			b = math.Copysign(half, U)
			if math.Abs(U-b) > 0.35 {
				continue
			}
			row = [n]float64{x, y, 1, 0, 0, 0, -b * x, -b * y, -math.Copysign(s, U)}
		} else {
			b = math.Copysign(half, V)
			if math.Abs(V-b) > 0.35 {
				continue
			}
			row = [n]float64{0, 0, 0, x, y, 1, -b * x, -b * y, -math.Copysign(s, V)}
		}
		for i := range row {
			for j := range row {
				ata[i][j] += row[i] * row[j]
			}
			atb[i] += row[i] * b
		}
		count++
	}
	if count < 32 {
		return projective{}, false
	}
	if !geom.Solve(ata[:], atb[:], 1e-9) {
		return projective{}, false
	}
	sol := atb
	g := projective{a: sol[0], b: sol[1], c: sol[2], d: sol[3], e: sol[4], f: sol[5], g: sol[6], h: sol[7]}
	h, ok := g.inverse()
	if !ok {
		return projective{}, false
	}
	origin := c.p
	return projective{
		a: h.a/scale + origin.x*h.g, b: h.b/scale + origin.x*h.h, c: h.c/scale + origin.x,
		d: h.d/scale + origin.y*h.g, e: h.e/scale + origin.y*h.h, f: h.f/scale + origin.y,
		g: h.g, h: h.h,
	}, true
}

// ringPoint is where a ray crossed ring boundary ring (1 the innermost).
type ringPoint struct {
	p    point
	ring int
}

// ringAngle finds the turn of the rings (modulo a quarter turn) as the one
// that makes the boundary points most nearly squares: each point's
// Chebyshev radius divided by its boundary's half-size is the module
// size, the same for every point when the angle is right.
func ringAngle(pts []ringPoint, c point) float64 {
	// Each point's offset from the centre and its boundary's half-size,
	// worked out once for the 90 angles.
	var buf [rayCount * 8]ringOffset
	qs := buf[:0]
	for _, p := range pts {
		q := p.p.sub(c)
		qs = append(qs, ringOffset{q.x, q.y, float64(p.ring) - 0.5})
	}
	var a angleSums
	for deg := range 90 {
		a.sin[deg], a.cos[deg] = math.Sincos(float64(deg) * math.Pi / 180)
	}
	if !a.addWide(qs) {
		a.add(qs)
	}
	best, bestVar := 0.0, math.Inf(1)
	n := float64(len(pts))
	for deg := range 90 {
		s, ss := a.s[deg], a.ss[deg]
		if v := ss/n - (s/n)*(s/n); v < bestVar {
			best, bestVar = float64(deg), v
		}
	}
	return best * math.Pi / 180
}

// ringOffset is a boundary point's offset from the centre and its
// boundary's half-size.
type ringOffset struct{ x, y, half float64 }

// angleSlots is how many angles angleSums holds: the 90 whole degrees
// ringAngle tries and two more, unused, that make up a last group of
// four.
const angleSlots = 92

// angleSums holds, for each angle tried, the sum s and the sum of squares
// ss over the boundary points of their Chebyshev radius in the frame
// turned by the angle, divided by their boundary's half-size.
type angleSums struct {
	sin, cos [angleSlots]float64 // the angles'
	s, ss    [angleSlots]float64
}

// add adds the points qs to the sums of every angle, one angle at a time.
func (a *angleSums) add(qs []ringOffset) {
	for i := range 90 {
		sin, cos := a.sin[i], a.cos[i]
		s, ss := a.s[i], a.ss[i]
		for _, q := range qs {
			x, y := q.x*cos+q.y*sin, -q.x*sin+q.y*cos
			r := math.Max(math.Abs(x), math.Abs(y)) / q.half
			s += r
			ss += r * r
		}
		a.s[i], a.ss[i] = s, ss
	}
}

// ringModules returns the module coordinates of ring r round the centre.
func ringModules(r int) []point {
	if r == 0 {
		return []point{{0, 0}}
	}
	out := make([]point, 0, 8*r)
	f := float64(r)
	for i := -r; i < r; i++ {
		g := float64(i)
		out = append(out, point{g, -f}, point{f, g}, point{-g, f}, point{-f, -g})
	}
	return out
}

// lsq3 accumulates a least-squares fit of z = a·x + b·y + e.
type lsq3 struct {
	m [3][3]float64
	r [3]float64
	n int
}

func (l *lsq3) add(x, y, z float64) {
	row := [3]float64{x, y, 1}
	for i := range row {
		for j := range row {
			l.m[i][j] += row[i] * row[j]
		}
		l.r[i] += row[i] * z
	}
	l.n++
}

// solve returns (a, b, e), or false with too few or degenerate points.
func (l *lsq3) solve() ([3]float64, bool) {
	if l.n < 6 {
		return [3]float64{}, false
	}
	m, r := l.m, l.r
	if !geom.Solve(m[:], r[:], 1e-9) {
		return [3]float64{}, false
	}
	return r, true
}

// affineInverse turns u = a·x+b·y+e, v = … (x, y relative to origin) into
// the map from module coordinates to the image.
func affineInverse(u, v [3]float64, origin point) (projective, bool) {
	det := u[0]*v[1] - u[1]*v[0]
	if math.Abs(det) < 1e-12 {
		return projective{}, false
	}
	// [x y] = M⁻¹ ([u v] − [e_u e_v]).
	ia, ib := v[1]/det, -u[1]/det
	ic, id := -v[0]/det, u[0]/det
	return projective{
		a: ia, b: ib, c: origin.x - ia*u[2] - ib*v[2],
		d: ic, e: id, f: origin.y - ic*u[2] - id*v[2],
	}, true
}
