package aztec

import "math"

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
	// Boundary points per ring, with the ring's index.
	pts := d.ringPts[:0]
	for i := 0; i < rayCount; i++ {
		phi := 2 * math.Pi * float64(i) / rayCount
		dir := point{math.Cos(phi), math.Sin(phi)}
		prev := d.img.darkAt(c.p)
		if !prev {
			continue // the centre module is dark
		}
		b := 0
		last := 0.0
		for t := step; t < reach && b < nb; t += step {
			v := d.img.darkAt(c.p.add(dir.scale(t)))
			if v == prev {
				continue
			}
			at := t - step/2
			if at-last < 0.35*m {
				break // rings are a module apart: noise, give up on this ray
			}
			// Ring boundaries alternate dark→light and light→dark.
			if prev != (b%2 == 0) {
				break
			}
			pts = append(pts, ringPoint{c.p.add(dir.scale(at)), b + 1})
			b++
			last, prev = at, v
		}
	}
	d.ringPts = pts
	if len(pts) < rayCount {
		return projective{}, false
	}
	theta := ringAngle(pts, c.p)
	sin, cos := math.Sincos(theta)
	frame := func(p point) point { // image offset → frame turned by −θ
		q := p.sub(c.p)
		return point{q.x*cos + q.y*sin, -q.x*sin + q.y*cos}
	}
	// Fit the four sides of the outermost boundary; the inner ones must
	// agree with the map it gives.
	var sides [4][]point
	for k := range sides {
		sides[k] = d.sidePts[k][:0]
	}
	for _, p := range pts {
		if p.ring != nb {
			continue
		}
		f := frame(p.p)
		ax, ay := math.Abs(f.x), math.Abs(f.y)
		if math.Abs(ax-ay) < 0.2*math.Max(ax, ay) {
			continue // too close to a corner
		}
		switch {
		case f.y <= -ax:
			sides[0] = append(sides[0], p.p) // top
		case f.x >= ay:
			sides[1] = append(sides[1], p.p) // right
		case f.y >= ax:
			sides[2] = append(sides[2], p.p) // bottom
		default:
			sides[3] = append(sides[3], p.p) // left
		}
	}
	var lines [4]line
	for k := range sides {
		d.sidePts[k] = sides[k]
		l, ok := fitLine(sides[k])
		if !ok || len(sides[k]) < 3 {
			return projective{}, false
		}
		lines[k] = l
	}
	var q [4]point // top-left, top-right, bottom-right, bottom-left
	for k := range q {
		p, ok := intersect(lines[(k+3)%4], lines[k])
		if !ok {
			return projective{}, false
		}
		q[k] = p
	}
	h := squareMap(float64(nb)-0.5, q)
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
	return h, bad*10 <= total
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
	best, bestVar := 0.0, math.Inf(1)
	for deg := 0.0; deg < 90; deg += 1 {
		sin, cos := math.Sincos(deg * math.Pi / 180)
		var s, ss float64
		for _, p := range pts {
			q := p.p.sub(c)
			x, y := q.x*cos+q.y*sin, -q.x*sin+q.y*cos
			r := math.Max(math.Abs(x), math.Abs(y)) / (float64(p.ring) - 0.5)
			s += r
			ss += r * r
		}
		n := float64(len(pts))
		v := ss/n - (s/n)*(s/n)
		if v < bestVar {
			best, bestVar = deg, v
		}
	}
	return best * math.Pi / 180
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
