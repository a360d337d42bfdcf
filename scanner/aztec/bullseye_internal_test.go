package aztec

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// The bull's-eye search's integer tests and word-at-a-time sampling stand
// for the plain float comparisons and pixel-by-pixel reads they replaced,
// kept here as the reference: the two must agree on every input.

// ringPatternRef is ringPattern as the float comparisons it multiplies out.
func ringPatternRef(runs []int, i int) (float64, bool) {
	if i < 2 || i+2 >= len(runs) {
		return 0, false
	}
	l1, l2, r1, r2 := float64(runs[i-1]), float64(runs[i-2]), float64(runs[i+1]), float64(runs[i+2])
	m := (l1 + l2 + r1 + r2) / 4
	if m < 1.5 {
		return 0, false
	}
	for _, w := range [...]float64{l1, l2, r1, r2} {
		if w < 0.5*m || w > 1.5*m {
			return 0, false
		}
	}
	c := float64(runs[i])
	if c < 0.25*m || c > 5.5*m || math.Abs((l1+l2)-(r1+r2)) > 0.5*m+1 {
		return 0, false
	}
	return m, true
}

// symmetricExtentRef is symmetricExtent on the module size m.
func symmetricExtentRef(runs []int, i int, m float64) int {
	k := 0
	for ; k < 16 && i-k-1 >= 0 && i+k+1 < len(runs); k++ {
		l, r := float64(runs[i-k-1]), float64(runs[i+k+1])
		if math.Abs(l-r) > 0.5*m+1 || min(l, r) < 0.5*m || max(l, r) > 1.5*m {
			break
		}
	}
	return k
}

// axisRunsRef is axisRuns read a pixel at a time through bitImage.get.
func axisRunsRef(b *bitImage, x, y int, alongRow bool, reach int) (runs, starts []int) {
	sx, sy := 0, 1
	if alongRow {
		sx, sy = 1, 0
	}
	px, py := x-sx*reach, y-sy*reach
	prev := b.get(px, py)
	if prev {
		runs, starts = append(runs, 0), append(starts, -reach)
	}
	runStart := -reach
	for t := -reach + 1; t <= reach; t++ {
		px, py = px+sx, py+sy
		if v := b.get(px, py); v != prev {
			runs, starts = append(runs, t-runStart), append(starts, runStart)
			runStart, prev = t, v
		}
	}
	return append(runs, reach+1-runStart), append(starts, runStart)
}

// TestRingPatternMatchesFloat checks the integer bounds against the float
// comparisons on runs round module sizes from 1 to 40 pixels.
func TestRingPatternMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	runs := make([]int, 40)
	for n := 0; n < 5000; n++ {
		// Runs round a module size, small and large, so that every bound
		// is met on both sides of it.
		m := 1 + rng.IntN(40)
		for i := range runs {
			runs[i] = max(0, m+rng.IntN(m+2)-(m+2)/2)
			if rng.IntN(8) == 0 {
				runs[i] = rng.IntN(6*m + 2)
			}
		}
		for i := range runs {
			s, ok := ringPattern(runs, i)
			want, wantOK := ringPatternRef(runs, i)
			if ok && !mayRing(runs, i) {
				t.Fatalf("mayRing(%v, %d) refuses what ringPattern accepts", runs, i)
			}
			if ok != wantOK || ok && float64(s)/4 != want {
				t.Fatalf("ringPattern(%v, %d) = %d, %v; the float comparisons give %v, %v", runs, i, s, ok, want, wantOK)
			}
			if !ok {
				continue
			}
			if k, want := symmetricExtent(runs, i, s), symmetricExtentRef(runs, i, want); k != want {
				t.Fatalf("symmetricExtent(%v, %d, %d) = %d, the float comparisons %d", runs, i, s, k, want)
			}
		}
	}
}

// TestAxisRunsMatchPixels checks axisRuns, and the window markDark fills,
// against the image read pixel by pixel.
func TestAxisRunsMatchPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// One detector for all, as a Reader keeps it from image to image;
	// at 1100×600, blocks share slots (block (28, 0) and (0, 12)).
	d := &detector{}
	for _, size := range [][2]int{{70, 45}, {1, 1}, {31, 7}, {32, 33}, {1100, 600}, {70, 45}} {
		w, h := size[0], size[1]
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := 0; x < w; {
				n := 1 + rng.IntN(6) // runs of a few pixels, either colour
				if rng.IntN(2) == 0 {
					for ; n > 0 && x < w; n, x = n-1, x+1 {
						m.Set(x, y)
					}
				}
				x += n
			}
		}
		d.img.load(m, nil)
		for n := 0; n < 300; n++ {
			ww := 1 + rng.IntN(80)
			x0, y0 := rng.IntN(w+2*ww)-ww, rng.IntN(h+2*ww)-ww
			win := make([]byte, ww*ww)
			d.img.markDark(win, x0, y0, ww)
			for k, dark := range win {
				if want := d.img.get(x0+k%ww, y0+k/ww); (dark == 1) != want || dark > 1 {
					t.Fatalf("%dx%d image, %d-pixel window at (%d, %d): pixel %d marked %v, is %v", w, h, ww, x0, y0, k, dark, want)
				}
			}
		}
		for n := 0; n < 2000; n++ {
			x, y := rng.IntN(w+20)-10, rng.IntN(h+20)-10
			reach, alongRow := rng.IntN(40+h/2), rng.IntN(2) == 0
			runs, starts := d.axisRuns(x, y, alongRow, reach)
			wantRuns, wantStarts := axisRunsRef(&d.img, x, y, alongRow, reach)
			if !slices.Equal(runs, wantRuns) || !slices.Equal(starts, wantStarts) {
				t.Fatalf("%dx%d image, axisRuns(%d, %d, %v, %d) = %v from %v; pixel by pixel %v from %v",
					w, h, x, y, alongRow, reach, runs, starts, wantRuns, wantStarts)
			}
		}
	}
}

// fillBlobRef is fillBlob as the neighbour loop and float sums it unrolled.
func fillBlobRef(open []byte, x0, y0, w, i, j, maxArea int) (point, int, bool) {
	neighbours := [8]int{-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1}
	stack := []int{j*w + i}
	open[j*w+i] = 0
	var sx, sy float64
	area := 0
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ci, cj := k%w, k/w
		area++
		sx += float64(x0+ci) + 0.5
		sy += float64(y0+cj) + 0.5
		if ci == 0 || cj == 0 || ci == w-1 || cj == w-1 || area > maxArea {
			return point{}, area, false
		}
		for _, o := range neighbours {
			if n := k + o; open[n] != 0 {
				open[n] = 0
				stack = append(stack, n)
			}
		}
	}
	return point{sx / float64(area), sy / float64(area)}, area, true
}

// TestFillBlobMatchesReference floods random windows as crossCheck does,
// every open pixel in turn, and checks each flood's outcome and what it
// leaves open against the reference. The windows' edges are mostly light,
// as round a bull's-eye, so that floods grow inside before they stop.
func TestFillBlobMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	d := &detector{}
	for n := 0; n < 200; n++ {
		w := 3 + rng.IntN(40)
		x0, y0 := rng.IntN(200)-100, rng.IntN(200)-100
		maxArea := 1 + rng.IntN(80)
		open := make([]byte, w*w)
		density := 0.3 + 0.5*rng.Float64()
		for k := range open {
			edge := k%w == 0 || k/w == 0 || k%w == w-1 || k/w == w-1
			if rng.Float64() < density && (!edge || rng.IntN(8) == 0) {
				open[k] = 1
			}
		}
		ref := slices.Clone(open)
		for k := range open {
			if open[k] == 0 {
				continue
			}
			c, area, ok := d.fillBlob(open, x0, y0, w, k%w, k/w, maxArea)
			wantC, wantArea, wantOK := fillBlobRef(ref, x0, y0, w, k%w, k/w, maxArea)
			if area != wantArea || ok != wantOK || ok && c != wantC {
				t.Fatalf("window %d, flood from %d: %v, %d, %v; the reference %v, %d, %v", n, k, c, area, ok, wantC, wantArea, wantOK)
			}
			if !slices.Equal(open, ref) {
				t.Fatalf("window %d, flood from %d: left open %v, the reference %v", n, k, open, ref)
			}
		}
	}
}

// TestFindCentresReadsSharedLengths checks that the bull's-eye search
// takes its rows' run lengths from the rows the engine shares, measured
// there once for every reader of them, and finds the same centres as
// from its own copy of the image.
func TestFindCentresReadsSharedLengths(t *testing.T) {
	const scale, size = 3, 15 // a compact bull's-eye, 3 px a module
	w := size*scale + 10
	m, _ := gozxing.NewBitMatrix(w, w)
	for y := range w {
		for x := range w {
			dx, dy := (x-5)/scale-size/2, (y-5)/scale-size/2
			if d := max(dx, -dx, dy, -dy); x >= 5 && y >= 5 && d <= 4 && d%2 == 0 {
				m.Set(x, y)
			}
		}
	}
	var own detector
	own.img.load(m, nil)
	want := slices.Clone(own.findCentres(2, 100))
	own.img.wipe()
	if len(want) == 0 {
		t.Fatal("no centre found in the bull's-eye")
	}
	var s bitrow.SharedRows
	s.Bind(m)
	var shared detector
	shared.img.load(m, &s)
	got := shared.findCentres(2, 100)
	if !slices.Equal(got, want) {
		t.Errorf("centres from the shared rows %v, from the copy %v", got, want)
	}
	shared.img.wipe()
	if rows := w / 2; s.Measured != rows {
		t.Errorf("%d rows' lengths measured in the shared rows, want the %d rows searched", s.Measured, rows)
	}
}

// TestNextOpenMatchesScan checks the window's scan by nextOpen, eight
// cells at a time, against the scan cell by cell, with floods that close
// cells ahead of the scan as crossCheck's do: the same floods started.
func TestNextOpenMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	// flood closes, from k on, the cells its pattern picks.
	flood := func(open []byte, k int) {
		for c := k; c < min(len(open), k+1+k*7%23); c++ {
			if c == k || (c*c+k)%3 == 0 {
				open[c] = 0
			}
		}
	}
	for n := 0; n < 500; n++ {
		open := make([]byte, rng.IntN(200))
		for k := range open {
			if rng.IntN(1+n%20) == 0 {
				open[k] = 1
			}
		}
		ref := slices.Clone(open)
		var got, want []int
		for k := nextOpen(open, 0); k < len(open); k = nextOpen(open, k+1) {
			got = append(got, k)
			flood(open, k)
		}
		for k := range ref {
			if ref[k] != 0 {
				want = append(want, k)
				flood(ref, k)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("window %d: floods from %v, scanning cell by cell %v", n, got, want)
		}
	}
}
