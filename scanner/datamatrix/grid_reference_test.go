package datamatrix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// randomGridOutline returns the corners of a quadrilateral over an image
// of w×h pixels: mostly inside it, in perspective, now and then crossing
// its edges or lying wholly outside, now and then nearly degenerate.
func randomGridOutline(rng *rand.Rand, w, h int) outline {
	span := 0.2 + 0.8*rng.Float64()
	cx, cy := float64(w)*(0.4+0.2*rng.Float64()), float64(h)*(0.4+0.2*rng.Float64())
	if rng.IntN(3) == 0 {
		cx, cy = float64(w)*(rng.Float64()*1.4-0.2), float64(h)*(rng.Float64()*1.4-0.2)
	}
	r := span * float64(min(w, h)) / 2
	a := rng.Float64() * 2 * math.Pi
	var q [4]point
	for i := range q {
		// Each corner pulled in or pushed out on its own: perspective.
		ri := r * (0.6 + 0.8*rng.Float64())
		ai := a + float64(i)*math.Pi/2 + (rng.Float64()-0.5)*0.3
		q[i] = point{cx + ri*math.Cos(ai), cy + ri*math.Sin(ai)}
	}
	if rng.IntN(20) == 0 {
		q[2] = q[1].lerp(q[3], 0.5) // a triangle
	}
	return outline{tl: q[0], tr: q[1], br: q[2], bl: q[3]}
}

// A grid's rows and columns map their points exactly as grid.at does, and
// inside vouches only for grids whose every point darkIn reads as darkAt
// does.
func TestGridLineAndInside(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var img bitImage
	in, out := 0, 0
	for trial := range 300 {
		m := randomMatrix(rng)
		img.load(m, nil)
		s := symbolSizes[rng.IntN(len(symbolSizes))]
		o := randomGridOutline(rng, img.w, img.h)
		g := newGrid(&o, &s, &img)
		if g.in {
			in++
		} else {
			out++
		}
		cols, rows := float64(s.cols), float64(s.rows)
		for range 50 {
			u, v := rng.Float64()*cols, rng.Float64()*rows
			if rng.IntN(4) == 0 {
				u = float64(rng.IntN(s.cols + 1)) // the corners and edges too
			}
			if rng.IntN(4) == 0 {
				v = float64(rng.IntN(s.rows + 1))
			}
			want := g.at(u, v)
			row, col := g.row(v), g.column(u)
			if got := row.at(u); got != want {
				t.Fatalf("trial %d: row %v at %v maps to %v, want %v", trial, v, u, got, want)
			}
			if got := col.at(v); got != want {
				t.Fatalf("trial %d: column %v at %v maps to %v, want %v", trial, u, v, got, want)
			}
			if !g.in {
				continue
			}
			if want.x < 0 || want.y < 0 || want.x >= float64(img.w) || want.y >= float64(img.h) {
				t.Fatalf("trial %d: grid %v in %dx%d said inside, but (%v, %v) maps to %v", trial, o.corners(), img.w, img.h, u, v, want)
			}
			if img.darkWhere(want, true) != img.darkAt(want) {
				t.Fatalf("trial %d: (%v, %v) at %v reads unlike darkAt", trial, u, v, want)
			}
		}
	}
	if in < 50 || out < 50 {
		t.Fatalf("%d grids inside the image, %d not", in, out)
	}
}

// boundaryChangesReference is boundaryChanges written plainly: every point
// mapped by grid.at and read by darkAt.
func boundaryChangesReference(d *detector, g *grid, alongRows bool, step float64) []observation {
	s := g.size
	lines, n := s.rows, s.cols
	if !alongRows {
		lines, n = s.cols, s.rows
	}
	pos := func(along, across float64) point {
		if alongRows {
			return g.at(along, across)
		}
		return g.at(across, along)
	}
	var obs []observation
	for i := 0; i < lines; i++ {
		across := float64(i) + 0.5
		prev := d.img.darkAt(pos(0, across))
		for t := step; t <= float64(n); t += step {
			v := d.img.darkAt(pos(t, across))
			if v == prev {
				continue
			}
			prev = v
			if at := t - step/2; at >= 0.5 && at <= float64(n)-0.5 {
				sign := -1.0
				if v {
					sign = 1
				}
				obs = append(obs, observation{along: at, across: across, sign: sign})
			}
		}
	}
	return obs
}

// boundaryChanges sees the changes the plain form sees, along rows and
// down columns, on grids inside the image and crossing its edges, with
// and without the vectors.
func TestBoundaryChanges(t *testing.T) {
	have := lineVectors
	defer func() { lineVectors = have }()
	rng := rand.New(rand.NewPCG(9, 2))
	var d detector
	in, changes := 0, 0
	for trial := range 60 {
		m := randomMatrix(rng)
		d.img.load(m, nil)
		s := symbolSizes[rng.IntN(len(symbolSizes))]
		o := randomGridOutline(rng, d.img.w, d.img.h)
		g := newGrid(&o, &s, &d.img)
		if g.in {
			in++
		}
		step := 0.05 + 0.2*rng.Float64()
		for _, alongRows := range []bool{true, false} {
			want := boundaryChangesReference(&d, &g, alongRows, step)
			for _, vectors := range []bool{false, have} {
				lineVectors = vectors
				if got := d.boundaryChanges(&g, alongRows, step); !slices.Equal(got, want) {
					t.Fatalf("trial %d, along rows %v, vectors %v: %d changes, want %d", trial, alongRows, vectors, len(got), len(want))
				}
			}
			changes += len(want)
		}
	}
	if in < 15 || changes < 1000 {
		t.Fatalf("%d grids inside the image, %d changes", in, changes)
	}
}

// fitDriftReference is fitDrift written plainly: every entry of the
// normal equations' matrix summed.
func fitDriftReference(obs []observation, alongRows bool, n int) ([4]float64, bool) {
	var x [4]float64
	for pass := 0; pass < 4; pass++ {
		var ata [4][4]float64
		var atb [4]float64
		count := 0
		for _, o := range obs {
			u, v := o.along, o.across
			if !alongRows {
				u, v = o.across, o.along
			}
			pred := x[0] + x[1]*u + x[2]*v + x[3]*o.sign
			k := math.Round(o.along - pred)
			if k <= 0 || k >= float64(n) {
				continue
			}
			r := o.along - k
			if math.Abs(r-pred) > 0.3 {
				continue
			}
			row := [4]float64{1, u, v, o.sign}
			for j := range row {
				for l := range row {
					ata[j][l] += row[j] * row[l]
				}
				atb[j] += row[j] * r
			}
			count++
		}
		if count < 12 {
			return x, false
		}
		if !geom.Solve(ata[:], atb[:], 1e-9) {
			return x, false
		}
		x = atb
	}
	return x, true
}

// fitDrift fits what the plain form fits, bit for bit, to boundaries
// drifting and noisy, along rows and down columns.
func TestFitDrift(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	fitted := 0
	for trial := range 40 {
		n := 10 + rng.IntN(40)
		f := drift{0.3 * (rng.Float64() - 0.5), 0.01 * (rng.Float64() - 0.5), 0.01 * (rng.Float64() - 0.5)}
		thin := 0.2 * (rng.Float64() - 0.5)
		var obs []observation
		for range 20 + rng.IntN(300) {
			k, across := 1+rng.IntN(n-1), float64(rng.IntN(n))+0.5
			sign := float64(1 - 2*rng.IntN(2))
			along := float64(k) + f.at(float64(k), across) + thin*sign + 0.1*rng.NormFloat64()
			obs = append(obs, observation{along: along, across: across, sign: sign})
		}
		for _, alongRows := range []bool{true, false} {
			want, wantOK := fitDriftReference(obs, alongRows, n)
			got, ok := fitDrift(obs, alongRows, n)
			if ok != wantOK || ok && got != want {
				t.Fatalf("trial %d, along rows %v: fit %v, %v, want %v, %v", trial, alongRows, got, ok, want, wantOK)
			}
			if ok {
				fitted++
			}
		}
	}
	if fitted < 40 {
		t.Fatalf("%d fits", fitted)
	}
}

// lineDarks reads every point of a grid line as darkWhere reads grid.at's
// point, with and without the vectors: on rows and columns of grids
// inside the image and crossing its edges, at module centres and at
// points between, lines of every length (the last points left to the
// scalar loop), and on a line whose denominator is zero at a point.
func TestLineDarks(t *testing.T) {
	have := lineVectors
	defer func() { lineVectors = have }()
	for _, vectors := range []bool{false, have} {
		lineVectors = vectors
		rng := rand.New(rand.NewPCG(13, 17))
		var img bitImage
		read, in := 0, 0
		for trial := range 200 {
			m := randomMatrix(rng)
			img.load(m, nil)
			s := symbolSizes[rng.IntN(len(symbolSizes))]
			o := randomGridOutline(rng, img.w, img.h)
			g := newGrid(&o, &s, &img)
			if g.in {
				in++
			}
			v := float64(rng.IntN(s.rows)) + 0.5
			lines := []gridLine{g.row(v), g.column(float64(rng.IntN(s.cols)) + 0.5)}
			if trial == 0 {
				// w is 0 at t = 1: at divides by 1e-12 instead, which
				// puts the point on the image's top left pixel, dark.
				// And a line whose x at 1 is (1.5 + 2⁵³) − 2⁵³, which
				// rounds to 2, on a dark pixel: 1.5 + (2⁵³ − 2⁵³) would
				// put it on a light one.
				m = randomMatrix(rng)
				for m.GetWidth() < 3 {
					m = randomMatrix(rng)
				}
				m.Set(0, 0)
				m.Unset(1, 0)
				m.Set(2, 0)
				img.load(m, nil)
				lines = append(lines, gridLine{div: 1, gw: -1, x0: 0.5e-12, y0: 0.5e-12},
					gridLine{div: 1, gx: 1.5, x0: 1 << 53, c: -(1 << 53), y0: 0.5})
				for _, l := range lines[2:] {
					if !img.darkAt(l.at(1)) {
						t.Fatalf("the line's point at 1 is %v", l.at(1))
					}
				}
			}
			// A line from far above left of the image to far below right
			// of it, through it.
			fw, fh := float64(img.w), float64(img.h)
			lines = append(lines, gridLine{div: 1, gx: 5 * fw, gy: 3 * fh, x0: -2 * fw, y0: -fh})
			for li, l := range lines {
				// Points along the line's own span, where a grid
				// inside the image lies inside it.
				var ts []float64
				for range rng.IntN(150) {
					ts = append(ts, rng.Float64()*l.div)
					if rng.IntN(3) == 0 {
						ts[len(ts)-1] = float64(rng.IntN(int(l.div))) + 0.5
					}
				}
				if trial == 0 && (li == 2 || li == 3) {
					ts = append(ts, 0.5, 1, 1, 1, 1)
				}
				lin := g.in && li < 2
				// Bits past the points stay clear, and the buffer
				// is cleared before it is reused.
				got := img.lineDarks(&l, ts, lin, []uint64{^uint64(0), ^uint64(0)})
				if len(got) != (len(ts)+63)/64 {
					t.Fatalf("vectors %v, trial %d, line %d: %d words for %d points", vectors, trial, li, len(got), len(ts))
				}
				for k := range 64 * len(got) {
					want := k < len(ts) && img.darkWhere(l.at(ts[k]), lin)
					if (got[k/64]>>(k%64)&1 != 0) != want {
						t.Fatalf("vectors %v, trial %d, line %d: point %d of %d reads %v, want %v", vectors, trial, li, k, len(ts), !want, want)
					}
					read++
				}
			}
		}
		if in < 30 || read < 5000 {
			t.Fatalf("%d grids inside the image, %d points read", in, read)
		}
	}
}
