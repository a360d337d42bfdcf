package pdf417

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestMiddle: middle picks what sorting puts at len/2, repeated values,
// sorted and reversed input included.
func TestMiddle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 60; n++ {
		for trial := range 20 {
			xs := make([]float64, n)
			for i := range xs {
				switch trial % 4 {
				case 0:
					xs[i] = rng.Float64()
				case 1:
					xs[i] = float64(rng.IntN(3)) // many ties
				case 2:
					xs[i] = float64(i)
				default:
					xs[i] = float64(n - i)
				}
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			if got := middle(xs); got != want[n/2] {
				t.Fatalf("%d values, trial %d: middle %v, want %v", n, trial, got, want[n/2])
			}
		}
	}
}

// TestFromNearest: the runs of a turned line read a sample at a time are
// those of the pixel reads they stand for, lines leaving and entering the
// matrix included; and between weighs the four pixels round a point as
// bilinear interpolation does.
func TestFromNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, _ := gozxing.NewBitMatrix(70, 50)
	for y := range 50 {
		for x := range 70 {
			if rng.IntN(3) == 0 {
				m.Set(x, y)
			}
		}
	}
	var got, want runList
	for range 500 {
		a := rng.Float64() * 2 * math.Pi
		x0, y0 := rng.Float64()*90-10, rng.Float64()*70-10
		ux, uy := math.Cos(a), math.Sin(a)
		n := rng.IntN(120)
		got.fromNearest(m, n, x0, y0, ux, uy)
		want.fromFunc(n, func(i int) bool {
			x, y := x0+float64(i)*ux, y0+float64(i)*uy
			return x >= 0 && y >= 0 && x < 70 && y < 50 && m.Get(int(x), int(y))
		})
		if !slices.Equal(got.edges, want.edges) || n > 0 && got.firstDark != want.firstDark {
			t.Fatalf("line from (%.2f, %.2f) at %.3f rad, %d samples: runs %v %v, want %v %v", x0, y0, a, n, got.firstDark, got.edges, want.firstDark, want.edges)
		}
		v := view{m: m}
		px, py := rng.Float64()*72-1, rng.Float64()*52-1
		fx, fy := px-0.5-math.Floor(px-0.5), py-0.5-math.Floor(py-0.5)
		ix, iy := int(math.Floor(px-0.5)), int(math.Floor(py-0.5))
		at := func(x, y int) float64 {
			if m.Get(x, y) {
				return 1
			}
			return 0
		}
		w := (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
		if v.between(px, py) != (w >= 0.5) {
			t.Fatalf("between(%.3f, %.3f) = %v, weighs %.3f", px, py, !(w >= 0.5), w)
		}
	}
}
