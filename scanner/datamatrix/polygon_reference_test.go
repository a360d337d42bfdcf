package datamatrix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// simplifyReference is simplify written plainly: every split measures
// each pixel's distance from the chord in floating point.
func simplifyReference(c []pixel, eps float64) []int {
	var out []int
	n := len(c)
	if n < 4 {
		return out
	}
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
		return out
	}
	far := (b - a + n) % n
	keep := make([]bool, n+1)
	keep[0], keep[far], keep[n] = true, true, true
	at := func(i int) point { return pixelPoint(c[(i+a)%n]) }
	stack := [][2]int{{0, far}, {far, n}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s[1]-s[0] < 2 {
			continue
		}
		l := lineThrough(at(s[0]), at(s[1]))
		best, bestD := -1, eps
		for i := s[0] + 1; i < s[1]; i++ {
			if d := math.Abs(l.dist(at(i))); d > bestD {
				best, bestD = i, d
			}
		}
		if best < 0 {
			continue
		}
		keep[best] = true
		stack = append(stack, [2]int{s[0], best}, [2]int{best, s[1]})
	}
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
	return out
}

// plainSegment is a segment as segmentsOfReference gives it: its ends
// only, its length and direction worked out from them where needed.
type plainSegment struct {
	from, to int
	a, b     point
}

func (s plainSegment) length() float64 { return s.b.sub(s.a).norm() }
func (s plainSegment) dir() point {
	d := s.b.sub(s.a)
	return d.scale(1 / d.norm())
}

func plainSegments(segs []segment) []plainSegment {
	out := make([]plainSegment, len(segs))
	for i, s := range segs {
		out[i] = plainSegment{s.from, s.to, s.a, s.b}
	}
	return out
}

// segmentsOfReference is segmentsOf with every length and direction
// worked out from the ends each time it is asked for.
func segmentsOfReference(c []pixel, verts []int) []plainSegment {
	var out []plainSegment
	n := len(c)
	continues := func(a, b plainSegment) bool {
		cos := a.dir().dot(b.dir())
		if cos > math.Cos(12*math.Pi/180) {
			return true
		}
		if cos < math.Cos(35*math.Pi/180) {
			return false
		}
		return math.Abs(lineThrough(a.a, b.b).dist(a.b)) <= 1.5
	}
	for i, v := range verts {
		w := verts[(i+1)%len(verts)]
		to := w
		if to <= v {
			to += n
		}
		s := plainSegment{from: v, to: to, a: pixelPoint(c[v]), b: pixelPoint(c[w%n])}
		if s.length() == 0 {
			continue
		}
		if k := len(out); k > 0 && continues(out[k-1], s) {
			out[k-1].to, out[k-1].b = s.to, s.b
			continue
		}
		out = append(out, s)
	}
	if k := len(out); k > 2 && continues(out[k-1], out[0]) {
		out[0].from, out[0].a = out[k-1].from-n, out[k-1].a
		out = out[:k-1]
	}
	return out
}

// finderCornersReference is finderCorners on plain segments.
func finderCornersReference(segs []plainSegment, minLen float64) [][2]plainSegment {
	var out [][2]plainSegment
	k := len(segs)
	if k < 2 {
		return out
	}
	for i, in := range segs {
		if in.length() < minLen {
			continue
		}
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
			if max(in.length(), o.length()) >= 1.5*minLen && gap <= max(4, 0.3*max(in.length(), o.length())) &&
				din.cross(dout) > 0 && math.Abs(din.dot(dout)) <= math.Cos(50*math.Pi/180) {
				out = append(out, [2]plainSegment{in, o})
			}
			break
		}
	}
	legs := func(f [2]plainSegment) float64 { return math.Min(f[0].length(), f[1].length()) }
	slices.SortStableFunc(out, func(a, b [2]plainSegment) int {
		switch la, lb := legs(a), legs(b); {
		case la > lb:
			return -1
		case la < lb:
			return 1
		}
		return 0
	})
	return out
}

// TestSimplify: simplify keeps the same vertices as the plain form on the
// contours of random blobs, where pixels at equal distances from a chord
// abound, and of random rotated squares; the segments and finder corners
// made of them are those worked out plainly.
func TestSimplify(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var verts []int
	var sc polygonScratch
	var segs []segment
	var corners []finderCorner
	contours, cornersSeen, crowded := 0, 0, 0
	for trial := range 60 {
		w, h := 40+rng.IntN(60), 40+rng.IntN(60)
		m, _ := gozxing.NewBitMatrix(w, h)
		if trial%2 == 0 {
			// Random blobs.
			for range 4 + rng.IntN(20) {
				cx, cy, r := rng.IntN(w), rng.IntN(h), 1+rng.IntN(12)
				for y := max(0, cy-r); y < min(h, cy+r); y++ {
					for x := max(0, cx-r); x < min(w, cx+r); x++ {
						if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && rng.IntN(8) > 0 {
							m.Set(x, y)
						}
					}
				}
			}
		} else {
			// A square turned by a random angle.
			th := rng.Float64() * math.Pi / 2
			side := 10 + rng.Float64()*25
			cx, cy := float64(w)/2, float64(h)/2
			for y := range h {
				for x := range w {
					dx, dy := float64(x)-cx, float64(y)-cy
					u, v := dx*math.Cos(th)+dy*math.Sin(th), -dx*math.Sin(th)+dy*math.Cos(th)
					if math.Abs(u) < side/2 && math.Abs(v) < side/2 {
						m.Set(x, y)
					}
				}
			}
		}
		var img bitImage
		img.load(m, nil)
		var seen visited
		seen.reset(&img)
		var c []pixel
		for y := range h {
			for _, x := range rowSeeds(img.rowWords(y), w, nil) {
				if seen.has(x, y) {
					continue
				}
				c, _, _ = traceContour(&img, &seen, x, y, 1<<16, c[:0])
				want := simplifyReference(c, simplifyEps)
				verts = simplify(c, w, h, verts, &sc)
				if !slices.Equal(verts, want) {
					t.Fatalf("trial %d, contour at (%d, %d) of %d pixels: vertices %v, want %v", trial, x, y, len(c), verts, want)
				}
				segs = segmentsOf(c, verts, segs)
				wantSegs := segmentsOfReference(c, verts)
				if got := plainSegments(segs); !slices.Equal(got, wantSegs) {
					t.Fatalf("trial %d, contour at (%d, %d): segments %v, want %v", trial, x, y, got, wantSegs)
				}
				allCorners := finderCornersReference(wantSegs, minSide*2/3)
				// Every candidate, and the first maxFinders, as the
				// detector asks for them.
				for _, most := range [...]int{len(segs), maxFinders} {
					corners = finderCorners(segs, minSide*2/3, most, corners)
					wantCorners := allCorners[:min(len(allCorners), most)]
					if len(corners) != len(wantCorners) {
						t.Fatalf("trial %d, contour at (%d, %d): %d finder corners of at most %d, want %d", trial, x, y, len(corners), most, len(wantCorners))
					}
					for i, f := range corners {
						if got := plainSegments([]segment{f.in, f.out}); !slices.Equal(got, wantCorners[i][:]) {
							t.Fatalf("trial %d, contour at (%d, %d): corner %d of at most %d %v, want %v", trial, x, y, i, most, got, wantCorners[i])
						}
					}
				}
				cornersSeen += len(allCorners)
				if len(allCorners) > maxFinders {
					crowded++
				}
				contours++
			}
		}
	}
	if contours < 100 || cornersSeen < 30 || crowded == 0 {
		t.Fatalf("only %d contours and %d finder corners compared, %d contours with more than %d", contours, cornersSeen, crowded, maxFinders)
	}
}

// farthestArea gives the same pixels and area whether it starts
// where farthestAreaWide left off (in vector registers, where the build
// and processor have them) or does every pixel itself, tiesWide lists the
// pixels at that area, and farthestWide finds the first of the pixels
// farthest from one of them: pixels on a small grid, so that many lie at
// the same distance, and chords of every direction.
func TestFarthestAreaWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	var qs []pixel
	var flat []int32
	wide := 0
	for trial := range 3000 {
		n := rng.IntN(70)
		span := 2 + rng.IntN(40)
		if trial%10 == 0 {
			span = 1 << (10 + rng.IntN(8))
		}
		qs, flat = qs[:0], flat[:0]
		maxX, maxY := 0, 0
		for range n {
			q := pixel{int32(rng.IntN(span)), int32(rng.IntN(span))}
			qs = append(qs, q)
			flat = append(flat, q.x, q.y)
			maxX, maxY = max(maxX, int(q.x)), max(maxY, int(q.y))
		}
		x0, y0 := rng.IntN(span), rng.IntN(span)
		dx, dy := rng.IntN(2*span+1)-span, rng.IntN(2*span+1)-span
		c := dx*y0 - dy*x0
		// Plainly: the largest area, then where it comes first and last.
		wantFirst, wantLast, wantArea := -1, -1, -1
		for _, q := range qs {
			wantArea = max(wantArea, abs(dx*int(q.y)-dy*int(q.x)-c))
		}
		for k, q := range qs {
			if abs(dx*int(q.y)-dy*int(q.x)-c) == wantArea {
				wantLast = k
				if wantFirst < 0 {
					wantFirst = k
				}
			}
		}
		// The pixels at the largest area, in vector registers as far
		// as they go.
		var wantTies []int32
		for k, q := range qs {
			if abs(dx*int(q.y)-dy*int(q.x)-c) == wantArea {
				wantTies = append(wantTies, int32(k))
			}
		}
		doneTies, ties := tiesWide(flat, dx, dy, c, wantArea, maxX, maxY, nil)
		for k := doneTies; k < n; k++ {
			if abs(dx*int(qs[k].y)-dy*int(qs[k].x)-c) == wantArea {
				ties = append(ties, int32(k))
			}
		}
		if !slices.Equal(ties, wantTies) {
			t.Fatalf("trial %d: %d pixels, chord (%d, %d): farthest pixels %v, want %v", trial, n, dx, dy, ties, wantTies)
		}
		done, first, last, area := farthestAreaWide(flat, dx, dy, c, maxX, maxY)
		if done > 0 {
			wide++
		}
		first, last, area = farthestArea(qs, done, dx, dy, c, first, last, area)
		if first != wantFirst || last != wantLast || area != wantArea {
			t.Fatalf("trial %d: %d pixels, chord (%d, %d): pixels %d to %d, area %d; want %d to %d, %d",
				trial, n, dx, dy, first, last, area, wantFirst, wantLast, wantArea)
		}
		if n == 0 {
			continue
		}
		from := qs[rng.IntN(n)]
		want, wantD := -1, int64(-1)
		for i, q := range qs {
			if d := int64(q.x-from.x)*int64(q.x-from.x) + int64(q.y-from.y)*int64(q.y-from.y); d > wantD {
				want, wantD = i, d
			}
		}
		done, far, farD := farthestWide(flat, int(from.x), int(from.y), maxX, maxY)
		for i := done; i < n; i++ {
			q := qs[i]
			if d := int64(q.x-from.x)*int64(q.x-from.x) + int64(q.y-from.y)*int64(q.y-from.y); d > farD {
				far, farD = i, d
			}
		}
		if far != want || farD != wantD {
			t.Fatalf("trial %d: %d pixels, farthest from %v: %d at %d, want %d at %d", trial, n, from, far, farD, want, wantD)
		}
	}
	if areaVectors && wide < 1000 {
		t.Fatalf("only %d cases in vector registers", wide)
	}
}

func abs(a int) int { return max(a, -a) }

// contourBounds finds the plain least and greatest coordinates, in vector
// registers (where the build and processor have them) and without, for
// contours of every length up to a few vectors'.
func TestContourBounds(t *testing.T) {
	have := areaVectors
	defer func() { areaVectors = have }()
	rng := rand.New(rand.NewPCG(21, 8))
	for _, vectors := range []bool{false, true} {
		if vectors && !have {
			continue
		}
		areaVectors = vectors
		for trial := range 500 {
			c := make([]pixel, 1+rng.IntN(40))
			for i := range c {
				c[i] = pixel{int32(rng.IntN(3000)), int32(rng.IntN(2000))}
			}
			want := [4]int32{c[0].x, c[0].x, c[0].y, c[0].y}
			for _, q := range c {
				want = [4]int32{min(want[0], q.x), max(want[1], q.x), min(want[2], q.y), max(want[3], q.y)}
			}
			minX, maxX, minY, maxY := contourBounds(c)
			if got := [4]int32{minX, maxX, minY, maxY}; got != want {
				t.Fatalf("vectors %v, trial %d, %d pixels: bounds %v, want %v", vectors, trial, len(c), got, want)
			}
		}
	}
}
