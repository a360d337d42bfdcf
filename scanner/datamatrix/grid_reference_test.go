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
// down columns, on grids inside the image and crossing its edges.
func TestBoundaryChanges(t *testing.T) {
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
			if got := d.boundaryChanges(&g, alongRows, step); !slices.Equal(got, want) {
				t.Fatalf("trial %d, along rows %v: %d changes, want %d", trial, alongRows, len(got), len(want))
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
