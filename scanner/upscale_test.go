package scanner

import "testing"

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
