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

// TestSimplify: simplify keeps the same vertices as the plain form on the
// contours of random blobs, where pixels at equal distances from a chord
// abound, and of random rotated squares.
func TestSimplify(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var verts []int
	var sc polygonScratch
	contours := 0
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
		img.load(m)
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
				verts = simplify(c, verts, &sc)
				if !slices.Equal(verts, want) {
					t.Fatalf("trial %d, contour at (%d, %d) of %d pixels: vertices %v, want %v", trial, x, y, len(c), verts, want)
				}
				contours++
			}
		}
	}
	if contours < 100 {
		t.Fatalf("only %d contours compared", contours)
	}
}

// farthestArea gives the same pixels and area whether it starts
// where farthestAreaWide left off (in vector registers, where the build
// and processor have them) or does every pixel itself, and farthestWide
// finds the first of the pixels farthest from one of them: pixels on a
// small grid, so that many lie at the same distance, and chords of every
// direction.
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
