package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// stripes returns a w×h plane of paper with a patch of dark and light
// stripes from x0 to x1 and y0 to y1, each stripe period pixels thick,
// lying across the columns (across) or down them, contrast levels apart.
func stripes(w, h, x0, x1, y0, y1, period, contrast int, across bool) []byte {
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = 200
	}
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			t := x
			if across {
				t = y
			}
			if t/period%2 == 0 {
				pix[y*w+x] = byte(200 - contrast)
			}
		}
	}
	return pix
}

// noisy adds Gaussian noise of sigma gray levels to pix.
func noisy(pix []byte, sigma float64) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, v := range pix {
		pix[i] = byte(max(0, min(255, float64(v)+rng.NormFloat64()*sigma)))
	}
	return pix
}

// speckles returns a w×h plane of blobs of 3×3 pixels of random gray, as
// of texture.
func speckles(w, h int) []byte {
	pix := make([]byte, w*h)
	rng := rand.New(rand.NewPCG(3, 4))
	for by := 0; by < h; by += 3 {
		for bx := 0; bx < w; bx += 3 {
			v := byte(rng.IntN(256))
			for y := by; y < min(h, by+3); y++ {
				for x := bx; x < min(w, bx+3); x++ {
					pix[y*w+x] = v
				}
			}
		}
	}
	return pix
}

func TestBarLook(t *testing.T) {
	const w, h = 128, 96 // 4 bands of columns, 3 of rows
	var s scratch
	none := []bool{false, false, false}
	for _, tc := range []struct {
		name       string
		pix        []byte
		cols, rows []bool
	}{
		// (The ends of the bars are edges across the rows: not checked.)
		{"turned bars in the second band", stripes(w, h, 32, 64, 16, 80, 3, 160, true), []bool{false, true, false, false}, nil},
		{"turned bars of 15 gray levels", stripes(w, h, 32, 64, 16, 80, 3, 15, true), []bool{false, true, false, false}, nil},
		{"turned bars of 2 pixels in noise of 48 levels", noisy(stripes(w, h, 64, 128, 0, 96, 2, 160, true), 48), []bool{false, false, true, true}, none},
		{"upright bars in the last band of rows", stripes(w, h, 0, 128, 64, 96, 3, 160, false), []bool{false, false, false, false}, []bool{false, false, true}},
		{"paper and noise", noisy(stripes(w, h, 0, 0, 0, 0, 1, 0, true), 8), []bool{false, false, false, false}, none},
		{"speckles", speckles(w, h), []bool{false, false, false, false}, none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b barLook
			b.look(newPlaneSource(NewFrame(tc.pix, w, h, w), &s))
			if !slices.Equal(b.cols, tc.cols) || tc.rows != nil && !slices.Equal(b.rows, tc.rows) {
				t.Errorf("bars across the columns %v, across the rows %v; want %v, %v", b.cols, b.rows, tc.cols, tc.rows)
			}
		})
	}
}

func TestInBands(t *testing.T) {
	bands := []bool{false, false, true, false, false, false} // 192 lines
	in := inBands(bands, 192, false)
	for y, want := range map[int]bool{0: false, 31: false, 32: true, 64: true, 127: true, 128: false, 191: false} {
		if in(y) != want {
			t.Errorf("line %d: %v, want %v", y, in(y), want)
		}
	}
	// Counted from the end: line 191-y.
	rev := inBands(bands, 192, true)
	for y, want := range map[int]bool{0: false, 63: false, 64: true, 159: true, 160: false} {
		if rev(y) != want {
			t.Errorf("reversed line %d: %v, want %v", y, rev(y), want)
		}
	}
}

// referenceBarSums is barLook's sums as first written, pixel by pixel: for
// each cell, the changes along the rows between the column sums of
// neighbouring pixels (over the barSpan rows up to the row), and those down
// the columns between the sums of barSpan pixels of a row and of the row
// above.
func referenceBarSums(pix []byte, w, h int) (along, down []int) {
	cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
	along, down = make([]int, cw*ch), make([]int, cw*ch)
	at := func(x, y int) int { return int(pix[y*w+x]) }
	for y := 0; y < h; y++ {
		c := y / cellSize * cw
		if y >= barSpan-1 {
			for x := 0; x+1 < w; x++ {
				a := 0
				for k := 0; k < barSpan; k++ {
					a += at(x+1, y-k) - at(x, y-k)
				}
				along[c+x/cellSize] += max(a, -a)
			}
		}
		if y >= 1 {
			for x := 0; x+barSpan <= w; x++ {
				d := 0
				for k := 0; k < barSpan; k++ {
					d += at(x+k, y) - at(x+k, y-1)
				}
				down[c+x/cellSize] += max(d, -d)
			}
		}
	}
	return along, down
}

// TestBarLookSums checks barLook's sums against the pixel-by-pixel
// reference on random planes of many shapes, the same barLook reused;
// with vector registers, where the build and the processor have them,
// and without.
func TestBarLookSums(t *testing.T) {
	withAndWithoutVectors(t, barLookSums)
}

func barLookSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var s scratch
	var b barLook
	for _, size := range [][2]int{{1, 1}, {3, 7}, {4, 4}, {5, 3}, {31, 33}, {32, 32}, {33, 65}, {64, 5}, {100, 71}, {97, 130}, {35, 3}, {200, 97}, {48, 64}, {96, 33}} {
		w, h := size[0], size[1]
		pix := make([]byte, w*h)
		for i := range pix {
			pix[i] = byte(rng.IntN(256))
		}
		b.look(newPlaneSource(NewFrame(pix, w, h, w), &s))
		along, down := referenceBarSums(pix, w, h)
		if !slices.Equal(b.along, along) || !slices.Equal(b.down, down) {
			t.Errorf("%d×%d: sums along %v down %v, want %v %v", w, h, b.along, b.down, along, down)
		}
	}
	// The largest changes there are, every pixel and every row from black
	// to white: the most a cell's sums take.
	const w, h = 96, 70
	for name, at := range map[string]func(x, y int) bool{
		"columns": func(x, y int) bool { return x%2 == 0 },
		"rows":    func(x, y int) bool { return y%2 == 0 },
	} {
		pix := make([]byte, w*h)
		for i := range pix {
			if at(i%w, i/w) {
				pix[i] = 255
			}
		}
		b.look(newPlaneSource(NewFrame(pix, w, h, w), &s))
		along, down := referenceBarSums(pix, w, h)
		if !slices.Equal(b.along, along) || !slices.Equal(b.down, down) {
			t.Errorf("alternating %s: sums along %v down %v, want %v %v", name, b.along, b.down, along, down)
		}
	}
}
