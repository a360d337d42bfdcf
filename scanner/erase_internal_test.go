package scanner

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestEraseQuad: the quadrilateral is cleared exactly, pixel by pixel as
// a reference clears it, whatever its spans' lengths and word boundaries,
// and nothing outside it is touched.
func TestEraseQuad(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	for n := range 300 {
		w, h := 20+rng.IntN(300), 20+rng.IntN(200)
		got, _ := gozxing.NewBitMatrix(w, h)
		want, _ := gozxing.NewBitMatrix(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if rng.IntN(3) > 0 {
					got.Set(x, y)
					want.Set(x, y)
				}
			}
		}
		// A rotated rectangle, partly outside the image at times.
		cx, cy := rng.Float64()*float64(w), rng.Float64()*float64(h)
		hw, hh, a := 2+rng.Float64()*float64(w)/2, 2+rng.Float64()*float64(h)/2, rng.Float64()*math.Pi
		var q [4]Point
		for i, s := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
			dx, dy := s[0]*hw, s[1]*hh
			q[i] = Point{cx + dx*math.Cos(a) - dy*math.Sin(a), cy + dx*math.Sin(a) + dy*math.Cos(a)}
		}
		eraseQuad(got, q, 0.1)
		erasePixels(want, q, 0.1)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if got.Get(x, y) != want.Get(x, y) {
					t.Fatalf("case %d (%d×%d, quad %v): pixel (%d,%d) is %v, want %v", n, w, h, q, x, y, got.Get(x, y), want.Get(x, y))
				}
			}
		}
	}
}

// erasePixels is eraseQuad one pixel at a time.
func erasePixels(m *gozxing.BitMatrix, q [4]Point, grow float64) {
	var c Point
	for _, p := range q {
		c.X += p.X / 4
		c.Y += p.Y / 4
	}
	for i := range q {
		q[i].X = c.X + (q[i].X-c.X)*(1+grow) + math.Copysign(2, q[i].X-c.X)
		q[i].Y = c.Y + (q[i].Y-c.Y)*(1+grow) + math.Copysign(2, q[i].Y-c.Y)
	}
	for y := 0; y < m.GetHeight(); y++ {
		fy := float64(y) + 0.5
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range q {
			a, b := q[i], q[(i+1)%4]
			if (a.Y <= fy) == (b.Y <= fy) {
				continue
			}
			x := a.X + (fy-a.Y)*(b.X-a.X)/(b.Y-a.Y)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		for x := max(0, int(lo)); x <= min(m.GetWidth()-1, int(hi)); x++ {
			m.Unset(x, y)
		}
	}
}
