package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestDoubleSource checks the double-size view: each pixel interpolated
// from the source pixels round its centre, edges held, a cropped source
// doubled as cropped.
func TestDoubleSource(t *testing.T) {
	const w, h = 9, 7
	pool := NewPlanePool(0)
	f := pool.Get(w, h)
	defer f.Purge()
	ramp := func(x, y float64) float64 { return 10*x + 3*y + 20 }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f.Pix[y*f.Stride+x] = uint8(ramp(float64(x), float64(y)))
		}
	}
	d := newDecoder()
	defer d.scratch.wipe()
	check := func(name string, x0, y0, sw, sh int) {
		t.Helper()
		src, err := newPlaneSource(f, &d.scratch).Crop(x0, y0, sw, sh)
		if err != nil {
			t.Fatal(err)
		}
		ds := d.doubleSource(src, sw, sh)
		if ds.GetWidth() != 2*sw || ds.GetHeight() != 2*sh {
			t.Fatalf("%s: %d×%d, want %d×%d", name, ds.GetWidth(), ds.GetHeight(), 2*sw, 2*sh)
		}
		m := ds.GetMatrix()
		for v := 0; v < 2*sh; v++ {
			for u := 0; u < 2*sw; u++ {
				// The centre of (u, v) in source pixels, held inside.
				sx := min(max(float64(u)/2-0.25, 0), float64(sw-1))
				sy := min(max(float64(v)/2-0.25, 0), float64(sh-1))
				want := ramp(sx+float64(x0), sy+float64(y0))
				if got := float64(m[v*2*sw+u]); got < want-1 || got > want+1 {
					t.Errorf("%s: pixel (%d,%d) = %v, want %.2f", name, u, v, got, want)
				}
			}
		}
	}
	check("whole", 0, 0, w, h)
	check("cropped", 2, 1, 5, 4)
}

// TestDoubleRows checks each doubled pixel of both rows exactly against
// the 9:3:3:1 weights, the row's ends held, for rows of every short width
// and longer, with vector registers and without.
func TestDoubleRows(t *testing.T) {
	withAndWithoutVectors(t, doubleRowsExact)
}

func doubleRowsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for w := 1; w < 72; w++ {
		up, cur, down := make([]byte, w), make([]byte, w), make([]byte, w)
		for i := range cur {
			up[i], cur[i], down[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))
		}
		upper, lower := make([]byte, 2*w), make([]byte, 2*w)
		doubleRows(upper, lower, up, cur, down)
		for half, c := range [2]struct{ dst, other []byte }{{upper, up}, {lower, down}} {
			for x := 0; x < w; x++ {
				for k, n := range [2]int{max(0, x-1), min(w-1, x+1)} {
					want := (9*int(cur[x]) + 3*int(c.other[x]) + 3*int(cur[n]) + int(c.other[n]) + 8) / 16
					if got := int(c.dst[2*x+k]); got != want {
						t.Fatalf("width %d, row %d: pixel %d = %d, want %d", w, half, 2*x+k, got, want)
					}
				}
			}
		}
	}
}
