package datamatrix

import (
	"math"
	"unsafe"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

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
	// len and unit are the length of a→b and its direction, worked out
	// once by ends: the corner search asks for them many times a side.
	len  float64
	unit point
}

// ends sets the segment's end points, its length and its direction.
func (s *segment) ends(a, b point) {
	d := b.sub(a)
	s.a, s.b, s.len = a, b, d.norm()
	s.unit = d.scale(1 / s.len)
}

func (s segment) length() float64 { return s.len }
func (s segment) dir() point      { return s.unit }

func pixelPoint(p pixel) point { return point{float64(p.x) + 0.5, float64(p.y) + 0.5} }

// simplifyEps is how far, in pixels, the polygon simplify makes may pass
// from the contour: 3/2.
const (
	simplifyEpsNum = 3
	simplifyEpsDen = 2
	simplifyEps    = float64(simplifyEpsNum) / simplifyEpsDen
)

// polygonScratch is the scratch space of simplify, kept for reuse.
type polygonScratch struct {
	stack [][2]int
	verts []int   // the polygon's vertices, as ring indices
	ring  []pixel // the contour, from the first split point round
	// flat is ring's coordinates, x and y in turn, for farthestAreaWide;
	// maxX and maxY bound them.
	flat       []int32
	maxX, maxY int
	ties       []int32 // farthestFromChord's farthest pixels
	// The most entries of stack, ring and ties written since the last
	// wipe (flat is ring's own memory). verts needs no count of its own:
	// it holds as many entries as the vertices simplify returns, which
	// its caller counts for wipe. The ring does: the caller's longest
	// contour reaches past it, holes, open contours and small ones being
	// traced but never simplified.
	stackHeld, ringHeld, tiesHeld int
}

// wipe clears the contour and the polygon's vertices and chords, and the
// bounds of the contour, as far as the searches since the last wipe wrote
// them: verts is the most vertices simplify returned since.
func (sc *polygonScratch) wipe(verts int) {
	clear(scrub.UpTo(sc.stack, sc.stackHeld))
	clear(scrub.UpTo(sc.verts, verts))
	clear(scrub.UpTo(sc.ring, sc.ringHeld))
	clear(scrub.UpTo(sc.ties, sc.tiesHeld))
	sc.stack, sc.verts, sc.ring, sc.flat, sc.ties = sc.stack[:0], sc.verts[:0], sc.ring[:0], nil, sc.ties[:0]
	sc.stackHeld, sc.ringHeld, sc.tiesHeld = 0, 0, 0
	sc.maxX, sc.maxY = 0, 0
}

// simplify returns the vertices (contour indices, ascending) of a polygon
// that follows the closed contour within simplifyEps pixels
// (Ramer-Douglas-Peucker), appended to out[:0]. The contour's coordinates
// lie between 0 and maxX, maxY. sc.verts holds the vertices as ring
// indices, as many as it returns: sc's wipe clears it as far as the
// caller counted them.
func simplify(c []pixel, maxX, maxY int, out []int, sc *polygonScratch) []int {
	out = out[:0]
	n := len(c)
	if n < 4 {
		return out
	}
	sc.maxX, sc.maxY = maxX, maxY
	// Split the closed contour at two points far apart (the ends of a
	// diameter, nearly), which are corners rather than the middle of a
	// side: a vertex is never dropped, whatever the sides next to it.
	farthest := func(from int) int {
		x0, y0 := c[from].x, c[from].y
		far, farD := from, int64(-1)
		done := 0
		if areaVectors {
			done, far, farD = farthestWide(coords(c), int(x0), int(y0), maxX, maxY)
		}
		for i := done; i < len(c); i++ {
			q := c[i]
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
		return out
	}
	// Indices run from a round to a again (n stands for a): ring holds
	// the contour in that order.
	ring := append(append(scrub.Room(sc.ring, n+1), c[a:]...), c[:a]...)
	ring = append(ring, c[a])
	sc.ring = ring
	sc.ringHeld = max(sc.ringHeld, len(ring))
	sc.flat = coords(ring)
	// The chords are split in order, the left part of a chord before its
	// split point and the right part after it, so that the vertices come
	// out in ring order, with no pass over every pixel of the contour to
	// gather them: a stack entry {r, -1} stands for the vertex at ring
	// index r.
	far := (b - a + n) % n
	// The vertices and chords grow as they come: only the contour's
	// length bounds them, a room many times a polygon's.
	verts := append(scrub.Grow(sc.verts[:0], 1), 0)
	stack := append(scrub.Grow(sc.stack[:0], 3), [2]int{far, n}, [2]int{far, -1}, [2]int{0, far})
	sc.stackHeld = max(sc.stackHeld, len(stack))
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s[1] < 0 {
			verts = append(scrub.Grow(verts, 1), s[0])
			continue
		}
		if s[1]-s[0] < 2 {
			continue
		}
		best := farthestFromChord(sc, s[0], s[1])
		if best < 0 {
			continue
		}
		stack = append(scrub.Grow(stack, 3), [2]int{best, s[1]}, [2]int{best, -1}, [2]int{s[0], best})
		sc.stackHeld = max(sc.stackHeld, len(stack))
	}
	sc.stack, sc.verts = stack, verts
	out = scrub.Room(out, len(verts))
	// Ascending contour indices: those past the wrap first.
	for _, r := range verts {
		if r >= n-a {
			out = append(out, r+a-n)
		}
	}
	for _, r := range verts {
		if r < n-a {
			out = append(out, r+a)
		}
	}
	return out
}

// farthestFromChord returns the index in from+1..to-1 of the pixel of
// ring farthest from the line through pixels from and to, the first of
// equals, or -1 when none lies more than simplifyEps from it.
//
// The distances are compared as whole numbers, twice the area of the
// triangle each pixel makes with the chord's ends, which orders them as
// the distances, exactly, and the farthest is held against simplifyEps
// the same way. Only where pixels lie at the same distance, or exactly
// simplifyEps away, does the floating-point distance from the line
// decide, as it did before whole numbers took over the rest, so the
// polygon is the same.
func farthestFromChord(sc *polygonScratch, from, to int) int {
	ring := sc.ring
	p0, p1 := ring[from], ring[to]
	x0, y0 := int(p0.x), int(p0.y)
	dx, dy := int(p1.x)-x0, int(p1.y)-y0
	chord2 := dx*dx + dy*dy
	if chord2 == 0 || chord2 > maxExactChord2 {
		// A contour that comes back to a pixel (whose line is the
		// horizontal through it), or a long chord.
		return farthestFromLine(ring, from, to)
	}
	c := dx*y0 - dy*x0
	done, first, last, maxArea := 0, -1, -1, -1
	if areaVectors && to-from > minWideArea {
		done, first, last, maxArea = farthestAreaWide(sc.flat[2*(from+1):2*to], dx, dy, c, sc.maxX, sc.maxY)
	}
	first, last, maxArea = farthestArea(ring[from+1:to], done, dx, dy, c, first, last, maxArea)
	if first < 0 {
		return -1
	}
	first, last = first+from+1, last+from+1
	// The distance is area/√chord2: against simplifyEps, compare squares.
	switch over := simplifyEpsDen*simplifyEpsDen*maxArea*maxArea - simplifyEpsNum*simplifyEpsNum*chord2; {
	case over < 0:
		return -1
	case over > 0 && first == last:
		return first
	}
	// The floating-point distances of the farthest pixels decide.
	l := lineThrough(pixelPoint(p0), pixelPoint(p1))
	best, bestD := -1, simplifyEps
	j := first
	if areaVectors && last-first > minWideArea {
		var done int
		done, sc.ties = tiesWide(sc.flat[2*first:2*(last+1)], dx, dy, c, maxArea, sc.maxX, sc.maxY, sc.ties[:0])
		sc.tiesHeld = max(sc.tiesHeld, len(sc.ties))
		for _, k := range sc.ties {
			if d := math.Abs(l.dist(pixelPoint(ring[first+int(k)]))); d > bestD {
				best, bestD = first+int(k), d
			}
		}
		j += done
	}
	for ; j <= last; j++ {
		q := ring[j]
		if area := dx*(int(q.y)-y0) - dy*(int(q.x)-x0); area != maxArea && area != -maxArea {
			continue
		}
		if d := math.Abs(l.dist(pixelPoint(q))); d > bestD {
			best, bestD = j, d
		}
	}
	return best
}

// minWideArea is the fewest pixels farthestFromChord hands to
// farthestAreaWide: for fewer the call and the lanes' reduction cost
// about what the vector steps save.
const minWideArea = 24

// contourBounds returns the least and greatest x and y of the pixels of
// c, which is not empty: in vector registers where it can (boundsWide),
// as every contour long enough to be tried asks.
func contourBounds(c []pixel) (minX, maxX, minY, maxY int32) {
	minX, maxX, minY, maxY = c[0].x, c[0].x, c[0].y, c[0].y
	done := 0
	if areaVectors {
		done, minX, maxX, minY, maxY = boundsWide(coords(c), minX, maxX, minY, maxY)
	}
	for _, q := range c[done:] {
		minX, maxX = min(minX, q.x), max(maxX, q.x)
		minY, maxY = min(minY, q.y), max(maxY, q.y)
	}
	return minX, maxX, minY, maxY
}

// coords returns the coordinates of the pixels of c, x and y in turn, as
// the vector loops read them: c itself, whose pixels are two int32s each,
// laid out so in memory, rather than a copy of every contour tried.
func coords(c []pixel) []int32 {
	if len(c) == 0 {
		return nil
	}
	return unsafe.Slice(&c[0].x, 2*len(c))
}

// farthestArea returns the largest of |dx*q.y - dy*q.x - c| over the
// pixels q of qs, twice the area of the triangle q makes with a chord
// along (dx, dy), and the indices of the first and the last pixel where
// it is reached; first and last are -1 when qs is empty. It goes on from
// pixel from, first, last and maxArea being the results for the pixels
// before it (-1, -1 and -1 when from is 0). It is farthestFromChord's
// loop, on its own so that its few values stay in registers (inlined,
// they would not).
//
//go:noinline
func farthestArea(qs []pixel, from, dx, dy, c, first, last, maxArea int) (int, int, int) {
	for k := from; k < len(qs); k++ {
		a := dx*int(qs[k].y) - dy*int(qs[k].x) - c
		a = max(a, -a)
		if a < maxArea {
			continue
		}
		if a == maxArea {
			last = k
			continue
		}
		first, last, maxArea = k, k, a
	}
	return first, last, maxArea
}

// maxExactChord2 bounds the squared chord length for which
// farthestFromChord's whole-number comparisons stand for the
// floating-point ones: below it, two different distances, or a distance
// and simplifyEps, differ by far more than the rounding of the
// floating-point distance.
const maxExactChord2 = 1 << 26

// farthestFromLine is farthestFromChord in floating point.
func farthestFromLine(ring []pixel, from, to int) int {
	l := lineThrough(pixelPoint(ring[from]), pixelPoint(ring[to]))
	best, bestD := -1, simplifyEps
	for i := from + 1; i < to; i++ {
		if d := math.Abs(l.dist(pixelPoint(ring[i]))); d > bestD {
			best, bestD = i, d
		}
	}
	return best
}

// segmentsOf turns polygon vertices into segments, merging neighbours that
// continue in nearly the same direction (a slightly bowed or nicked edge).
func segmentsOf(c []pixel, verts []int, out []segment) []segment {
	out = scrub.Room(out, len(verts)) // a segment a vertex at most
	n := len(c)
	for i, v := range verts {
		w := verts[(i+1)%len(verts)]
		to := w
		if to <= v {
			to += n
		}
		s := segment{from: v, to: to}
		s.ends(pixelPoint(c[v]), pixelPoint(c[w%n]))
		if s.length() == 0 {
			continue
		}
		if k := len(out); k > 0 && continues(out[k-1], s) {
			out[k-1].to = s.to
			out[k-1].ends(out[k-1].a, s.b)
			continue
		}
		out = append(out, s)
	}
	// The last segment may continue the first.
	if k := len(out); k > 2 && continues(out[k-1], out[0]) {
		out[0].from = out[k-1].from - n
		out[0].ends(out[k-1].a, out[0].b)
		out = out[:k-1]
	}
	return out
}

// continues reports whether segment b carries on along segment a: nearly
// the same direction, or a joint that lies close to the line from a's
// start to b's end (pixel steps along a slightly tilted edge).
func continues(a, b segment) bool {
	cos := a.dir().dot(b.dir())
	if cos > cos12 {
		return true
	}
	if cos < cos35 {
		return false
	}
	return math.Abs(lineThrough(a.a, b.b).dist(a.b)) <= 1.5
}

// The cosines continues compares with, worked out once: it runs for
// every side of every contour's polygon.
var (
	cos12 = math.Cos(12 * math.Pi / 180)
	cos35 = math.Cos(35 * math.Pi / 180)
)

// finderCorner is a candidate for the corner of the finder pattern: two
// long contour stretches meeting at a convex corner.
type finderCorner struct {
	in, out segment // the stretch before the corner and the one after it
}

// finderCorners returns the best candidates among segs, at most most of
// them, longest legs first, the first found first among equal legs.
// Outer contours run clockwise on screen, so a convex corner turns right:
// (in × out) > 0 with y pointing down. A contour of textured print has
// hundreds of candidates, of which the detector tries a few: only those
// are kept in order.
func finderCorners(segs []segment, minLen float64, most int, out []finderCorner) []finderCorner {
	out = scrub.Room(out, most)
	k := len(segs)
	if k < 2 || most <= 0 {
		return out
	}
	cosMax := math.Cos(50 * math.Pi / 180)
	legs := func(f *finderCorner) float64 { return math.Min(f.in.length(), f.out.length()) }
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
				f := finderCorner{in: in, out: o}
				// It goes in after every kept one whose legs are
				// as long, so that the order is the stable sort's.
				if len(out) == most {
					if legs(&f) <= legs(&out[most-1]) {
						break
					}
					out = out[:most-1]
				}
				out = append(out, f)
				for q := len(out) - 1; q > 0 && legs(&out[q]) > legs(&out[q-1]); q-- {
					out[q], out[q-1] = out[q-1], out[q]
				}
			}
			break
		}
	}
	return out
}
