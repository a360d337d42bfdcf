package datamatrix

import "math"

// A Data Matrix symbol's finder pattern is an L of two solid bars along the
// symbol's left and bottom edges. On the outer boundary of the dark region
// that holds it, the L shows as two long straight stretches meeting at a
// convex corner, whatever else the boundary does: the timing pattern's
// modules and the data modules may or may not touch it. The boundary is
// simplified into a polygon (Ramer-Douglas-Peucker) and its corners
// between two long sides become finder candidates.

// segment is a straight stretch of a contour: indices from..to inclusive.
type segment struct {
	from, to int
	a, b     point // its end points
}

func (s segment) length() float64 { return s.b.sub(s.a).norm() }
func (s segment) dir() point {
	d := s.b.sub(s.a)
	return d.scale(1 / d.norm())
}

func pixelPoint(p pixel) point { return point{float64(p.x) + 0.5, float64(p.y) + 0.5} }

// simplify returns the vertices (contour indices, ascending) of a polygon
// that follows the closed contour within eps pixels. keep is scratch
// space, returned for reuse.
func simplify(c []pixel, eps float64, stack [][2]int, out []int, keep []bool) ([]int, [][2]int, []bool) {
	out = out[:0]
	n := len(c)
	if n < 4 {
		return out, stack, keep
	}
	// Split the closed contour at two points far apart (the ends of a
	// diameter, nearly), which are corners rather than the middle of a
	// side: a vertex is never dropped, whatever the sides next to it.
	farthest := func(from int) int {
		x0, y0 := c[from].x, c[from].y
		far, farD := from, int64(-1)
		for i, q := range c {
			dx, dy := int64(q.x-x0), int64(q.y-y0)
			if d := dx*dx + dy*dy; d > farD {
				far, farD = i, d
			}
		}
		return far
	}
	a := farthest(0)
	b := farthest(a)
	if a == b {
		return out, stack, keep
	}
	// Indices run from a round to a again (n stands for a).
	far := (b - a + n) % n
	if cap(keep) < n+1 {
		keep = make([]bool, n+1)
	}
	keep = keep[:n+1]
	clear(keep)
	keep[0], keep[far], keep[n] = true, true, true
	at := func(i int) point {
		if i += a; i >= n {
			i -= n
		}
		return pixelPoint(c[i])
	}
	stack = append(stack[:0], [2]int{0, far}, [2]int{far, n})
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s[1]-s[0] < 2 {
			continue
		}
		best := farthestFromChord(c, a, s[0], s[1], eps, at)
		if best < 0 {
			continue
		}
		keep[best] = true
		stack = append(stack, [2]int{s[0], best}, [2]int{best, s[1]})
	}
	// Ascending contour indices: those past the wrap first.
	for i := n - a; i < n; i++ {
		if keep[i] {
			out = append(out, i+a-n)
		}
	}
	for i := 0; i < n-a; i++ {
		if keep[i] {
			out = append(out, i+a)
		}
	}
	return out, stack, keep
}

// farthestFromChord returns the index in from+1..to-1 (counted from a
// round the closed contour c) of the pixel farthest from the line through
// pixels from and to, the first of equals, or -1 when none lies more than
// eps from it. at gives a pixel's centre by such an index.
//
// The distances are compared as whole numbers, twice the area of the
// triangle each pixel makes with the chord's ends, which order them as
// the distances do, exactly; only the farthest pixels' distances are then
// computed in floating point, as the line's, which is what decides
// between pixels at the same distance and against eps.
func farthestFromChord(c []pixel, a, from, to int, eps float64, at func(int) point) int {
	n := len(c)
	wrap := func(i int) int {
		if i += a; i >= n {
			i -= n
		}
		return i
	}
	p0, p1 := c[wrap(from)], c[wrap(to)]
	x0, y0 := int(p0.x), int(p0.y)
	dx, dy := int(p1.x)-x0, int(p1.y)-y0
	if dx == 0 && dy == 0 {
		// A contour that comes back to a pixel: the line is the
		// horizontal through it.
		l := lineThrough(at(from), at(to))
		best, bestD := -1, eps
		for i := from + 1; i < to; i++ {
			if d := math.Abs(l.dist(at(i))); d > bestD {
				best, bestD = i, d
			}
		}
		return best
	}
	// The contour indices of from+1..to-1: a run up to the end of c and
	// one from its start.
	first, ties, maxArea := -1, false, -1
	scan := func(lo, hi, base int) {
		for j := lo; j < hi; j++ {
			q := c[j]
			area := dx*(int(q.y)-y0) - dy*(int(q.x)-x0)
			if area < 0 {
				area = -area
			}
			if area > maxArea {
				first, ties, maxArea = j-base, false, area
			} else if area == maxArea {
				ties = true
			}
		}
	}
	lo, hi := from+1+a, to+a
	scan(lo, min(hi, n), a)
	if hi > n {
		scan(max(lo, n)-n, hi-n, a-n)
	}
	if first < 0 {
		return -1
	}
	l := lineThrough(at(from), at(to))
	if !ties {
		if math.Abs(l.dist(at(first))) > eps {
			return first
		}
		return -1
	}
	best, bestD := -1, eps
	for i := first; i < to; i++ {
		q := c[wrap(i)]
		area := dx*(int(q.y)-y0) - dy*(int(q.x)-x0)
		if area != maxArea && area != -maxArea {
			continue
		}
		if d := math.Abs(l.dist(at(i))); d > bestD {
			best, bestD = i, d
		}
	}
	return best
}

// segmentsOf turns polygon vertices into segments, merging neighbours that
// continue in nearly the same direction (a slightly bowed or nicked edge).
func segmentsOf(c []pixel, verts []int, out []segment) []segment {
	out = out[:0]
	n := len(c)
	for i, v := range verts {
		w := verts[(i+1)%len(verts)]
		to := w
		if to <= v {
			to += n
		}
		s := segment{from: v, to: to, a: pixelPoint(c[v]), b: pixelPoint(c[w%n])}
		if s.length() == 0 {
			continue
		}
		if k := len(out); k > 0 && continues(out[k-1], s) {
			out[k-1].to, out[k-1].b = s.to, s.b
			continue
		}
		out = append(out, s)
	}
	// The last segment may continue the first.
	if k := len(out); k > 2 && continues(out[k-1], out[0]) {
		out[0].from, out[0].a = out[k-1].from-n, out[k-1].a
		out = out[:k-1]
	}
	return out
}

// continues reports whether segment b carries on along segment a: nearly
// the same direction, or a joint that lies close to the line from a's
// start to b's end (pixel steps along a slightly tilted edge).
func continues(a, b segment) bool {
	if a.dir().dot(b.dir()) > math.Cos(12*math.Pi/180) {
		return true
	}
	if a.dir().dot(b.dir()) < math.Cos(35*math.Pi/180) {
		return false
	}
	return math.Abs(lineThrough(a.a, b.b).dist(a.b)) <= 1.5
}

// finderCorner is a candidate for the corner of the finder pattern: two
// long contour stretches meeting at a convex corner.
type finderCorner struct {
	in, out segment // the stretch before the corner and the one after it
}

// finderCorners returns the candidates among segs, longest legs first.
// Outer contours run clockwise on screen, so a convex corner turns right:
// (in × out) > 0 with y pointing down.
func finderCorners(segs []segment, minLen float64, out []finderCorner) []finderCorner {
	out = out[:0]
	k := len(segs)
	if k < 2 {
		return out
	}
	cosMax := math.Cos(50 * math.Pi / 180)
	for i := range segs {
		in := segs[i]
		if in.length() < minLen {
			continue
		}
		// The next long stretch, past a few short ones that round the
		// corner off.
		gap := 0.0
		for j := 1; j < k; j++ {
			o := segs[(i+j)%k]
			if o.length() < minLen {
				gap += o.length()
				if gap > max(4, 0.3*in.length()) {
					break
				}
				continue
			}
			din, dout := in.dir(), o.dir()
			if max(in.length(), o.length()) >= 1.5*minLen && gap <= max(4, 0.3*max(in.length(), o.length())) && din.cross(dout) > 0 && math.Abs(din.dot(dout)) <= cosMax {
				out = append(out, finderCorner{in: in, out: o})
			}
			break
		}
	}
	legs := func(f finderCorner) float64 { return math.Min(f.in.length(), f.out.length()) }
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && legs(out[j]) > legs(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
