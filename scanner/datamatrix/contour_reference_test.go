package datamatrix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix/decoder"
)

// traceContourReference is traceContour written plainly: each neighbour is
// read from the bit matrix on its own, clockwise from the last light one.
func traceContourReference(m *gozxing.BitMatrix, x, y, limit int) ([]pixel, int, bool) {
	sx, sy := x, y
	cx, cy := x, y
	dir := 4
	out := []pixel{{int32(cx), int32(cy)}}
	area2, returns := 0, 0
	for range limit {
		moved := false
		for k := 1; k <= 8; k++ {
			d := (dir + k) & 7
			nx, ny := cx+ring8[d][0], cy+ring8[d][1]
			if !m.Get(nx, ny) {
				continue
			}
			pd := (d + 7) & 7
			bx, by := cx+ring8[pd][0], cy+ring8[pd][1]
			area2 += cx*ny - nx*cy
			cx, cy = nx, ny
			dir = ringIndex[by-cy+1][bx-cx+1]
			moved = true
			break
		}
		if !moved {
			return out, 0, true
		}
		if cx == sx && cy == sy {
			returns++
			if dir == 4 || returns > 2 {
				return out, area2, true
			}
		}
		out = append(out, pixel{int32(cx), int32(cy)})
	}
	return out, area2, false
}

// randomMatrix draws blobs, noise and pixels on the image's edges, in a
// matrix whose width is or is not a whole number of words; flipped, the
// bits past the width are set as well.
func randomMatrix(rng *rand.Rand) *gozxing.BitMatrix {
	w, h := 1+rng.IntN(100), 1+rng.IntN(70)
	if rng.IntN(3) == 0 {
		w = 32 * (1 + rng.IntN(3))
	}
	m, _ := gozxing.NewBitMatrix(w, h)
	density := rng.Float64()
	for y := range h {
		for x := range w {
			if rng.Float64() < density {
				m.Set(x, y)
			}
		}
	}
	for range rng.IntN(4) {
		cx, cy, r := rng.Float64()*float64(w), rng.Float64()*float64(h), 2+rng.Float64()*20
		for y := range h {
			for x := range w {
				if math.Hypot(float64(x)-cx, float64(y)-cy) < r {
					m.Flip(x, y)
				}
			}
		}
	}
	if rng.IntN(4) == 0 {
		m.FlipAll()
	}
	return m
}

// The contours traced on the words copied from the bit matrix are those
// traced on the bit matrix pixel by pixel, and the image reads the same.
func TestTraceContourReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	var img bitImage
	var seen visited
	var c []pixel
	contours := 0
	for trial := range 150 {
		m := randomMatrix(rng)
		w, h := m.GetWidth(), m.GetHeight()
		img.load(m, nil)
		if img.w != w || img.h != h {
			t.Fatalf("trial %d: image %d×%d, want %d×%d", trial, img.w, img.h, w, h)
		}
		for range 200 {
			p := point{rng.Float64()*float64(w+8) - 4, rng.Float64()*float64(h+8) - 4}
			want := p.x >= 0 && p.y >= 0 && m.Get(int(p.x), int(p.y))
			if img.darkAt(p) != want {
				t.Fatalf("trial %d: darkAt(%v) = %v, want %v", trial, p, !want, want)
			}
		}
		seen.reset(&img)
		row := gozxing.NewBitArray(w)
		for y := range h {
			row = m.GetRow(y, row)
			var want []int
			for x := range w {
				if m.Get(x, y) && !m.Get(x-1, y) && !m.Get(x-2, y) {
					want = append(want, x)
				}
			}
			if got := rowSeeds(img.rowWords(y), w, nil); !slices.Equal(got, want) {
				t.Fatalf("trial %d, row %d: seeds %v, want %v", trial, y, got, want)
			}
			for _, x := range want {
				limit := 1 << 12
				if rng.IntN(4) == 0 {
					limit = rng.IntN(40)
				}
				var area int
				var closed bool
				c, area, closed = traceContour(&img, &seen, x, y, limit, c[:0])
				wantC, wantArea, wantClosed := traceContourReference(m, x, y, limit)
				if !slices.Equal(c, wantC) || area != wantArea || closed != wantClosed {
					t.Fatalf("trial %d, contour at (%d, %d): %d pixels, area %d, closed %v; want %d, %d, %v",
						trial, x, y, len(c), area, closed, len(wantC), wantArea, wantClosed)
				}
				for _, q := range c {
					if !seen.has(int(q.x), int(q.y)) {
						t.Fatalf("trial %d: contour pixel %v not marked", trial, q)
					}
				}
				contours++
			}
		}
	}
	if contours < 1000 {
		t.Fatalf("only %d contours compared", contours)
	}
}

// The copy of the image that the contours are traced on is cleared when
// the search ends, and the image let go: image data does not stay behind
// in the detector.
func TestFindWipesImageCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	d := detector{dec: decoder.NewDecoder()}
	for range 5 {
		m := randomMatrix(rng)
		d.find(m, scanParams{rowStep: 1, harder: true})
		if len(d.img.words) == 0 {
			t.Fatal("no copy of the image was made")
		}
		if d.img.m != nil {
			t.Fatal("the image searched is held after the search")
		}
		for i, w := range d.img.words {
			if w != 0 {
				t.Fatalf("word %d of the image copy is %#x after the search", i, w)
			}
		}
		// The row the copy was read through is bitrow.Rows's, which
		// Done clears (bitrow's TestRowsDoneClears).
	}
}

// A probe finds the first dark point that darkAt finds along it, whether
// it lies inside the image or crosses its edges, in vector registers
// (where the build and processor have them) and without.
func TestProbeReference(t *testing.T) {
	have := probeVectors
	defer func() { probeVectors = have }()
	for _, vectors := range []bool{false, true} {
		if vectors && !have {
			continue
		}
		probeVectors = vectors
		testProbeReference(t)
	}
}

func testProbeReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 4))
	var img bitImage
	probes := 0
	for trial := range 100 {
		m := randomMatrix(rng)
		img.load(m, nil)
		w, h := float64(img.w), float64(img.h)
		for range 100 {
			base := point{rng.Float64()*(w+10) - 5, rng.Float64()*(h+10) - 5}
			a := rng.Float64() * 2 * math.Pi
			dir := point{math.Cos(a), math.Sin(a)}
			band := 2 + rng.Float64()*8
			if rng.IntN(2) == 0 {
				// The probe's far end next to a pixel: the points just
				// past it are not the probe's.
				px := point{float64(rng.IntN(img.w)) + 0.5, float64(rng.IntN(img.h)) + 0.5}
				base = px.add(dir.scale(band + rng.Float64()*1.5))
			}
			want, wantOK := point{}, false
			for s := band; s > -band; s -= 0.5 {
				if p := base.add(dir.scale(s)); img.darkAt(p) {
					want, wantOK = p, true
					break
				}
			}
			if got, ok := img.probe(base, dir, band); got != want || ok != wantOK {
				t.Fatalf("trial %d: probe from %v along %v, band %.2f: %v, %v; want %v, %v", trial, base, dir, band, got, ok, want, wantOK)
			}
			probes++
		}
	}
	if probes < 1000 {
		t.Fatalf("only %d probes", probes)
	}
}

// firstRead finds the first point that a loop adding step to s finds,
// read by darkAt, with and without the vectors: along rays inside the
// image and crossing its edges, for both colours; and stepsBelow counts
// that loop's points.
func TestFirstRead(t *testing.T) {
	have := probeVectors
	defer func() { probeVectors = have }()
	for _, vectors := range []bool{false, have} {
		probeVectors = vectors
		rng := rand.New(rand.NewPCG(21, 8))
		var img bitImage
		found := 0
		for trial := range 100 {
			img.load(randomMatrix(rng), nil)
			w, h := float64(img.w), float64(img.h)
			for range 30 {
				p := point{rng.Float64()*(w+10) - 5, rng.Float64()*(h+10) - 5}
				a := rng.Float64() * 2 * math.Pi
				dir := point{math.Cos(a), math.Sin(a)}
				from := float64(rng.IntN(13)-4) * 0.25
				step := float64(1+rng.IntN(2)) * 0.25
				bound := from + rng.Float64()*30
				n := stepsBelow(from, step, bound)
				count := 0
				for s := from; s < bound; s += step {
					count++
				}
				if n != count {
					t.Fatalf("trial %d: %d steps of %v from %v below %v, want %d", trial, n, step, from, bound, count)
				}
				in := img.holds(p, p.add(dir.scale(bound)), 0) && img.holds(p, p.add(dir.scale(from)), 0)
				for _, want := range []bool{true, false} {
					k, s := 0, from
					for ; s < bound; s += step {
						if img.darkAt(p.add(dir.scale(s))) == want {
							break
						}
						k++
					}
					if got := img.firstRead(p, dir, from, step, n, in, want); got != k {
						t.Fatalf("vectors %v, trial %d: first read %v from %v along %v, %v to %v by %v: %d, want %d", vectors, trial, want, p, dir, from, bound, step, got, k)
					}
					if k < n {
						found++
					}
				}
			}
		}
		if found < 3000 {
			t.Fatalf("%d rays found their colour", found)
		}
	}
	for _, c := range []struct {
		from, step, bound float64
		want              int
	}{{0, 0.25, 0, 0}, {0, 0.25, 0.25, 1}, {-1, 0.25, 1.5, 10}, {1, 0.5, math.NaN(), 0}, {1, 0.5, -3, 0}} {
		if got := stepsBelow(c.from, c.step, c.bound); got != c.want {
			t.Errorf("stepsBelow(%v, %v, %v) = %d, want %d", c.from, c.step, c.bound, got, c.want)
		}
	}
}
