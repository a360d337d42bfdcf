package datamatrix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// envelopeReference is envelope written plainly: each bin's neighbours
// in a loop over them.
func envelopeReference(hits []point, from, dir, inside point, m float64) (line, []point, bool) {
	nb := 1
	bins := make([]int, len(hits))
	for k, p := range hits {
		bins[k] = int(p.sub(from).dot(dir) / m)
		nb = max(nb, bins[k]+1)
	}
	best, bestD := make([]point, nb), make([]float64, nb)
	for i := range bestD {
		bestD[i] = math.Inf(-1)
	}
	l := lineThroughDir(from, dir, inside)
	// A hit more than a module out needs int(m/2)+1 others within
	// 0.25m+1 of its depth among those next to it in the slice up to the
	// first more than 2m from it along the edge, on either side.
	company := func(k int) int {
		n := 0
		for _, way := range []int{-1, 1} {
			for j := k + way; j >= 0 && j < len(hits); j += way {
				if math.Abs(hits[j].sub(hits[k]).cross(l.n)) > 2*m {
					break
				}
				if math.Abs(l.dist(hits[j])-l.dist(hits[k])) <= 0.25*m+1 {
					n++
				}
			}
		}
		return n
	}
	for k, p := range hits {
		if l.dist(p) > m && company(k) < int(m/2)+1 {
			continue
		}
		if i := bins[k]; i >= 0 && i < nb {
			if dd := l.dist(p); dd > bestD[i] {
				best[i], bestD[i] = p, dd
			}
		}
	}
	var pts []point
	for i := range best {
		if math.IsInf(bestD[i], -1) {
			continue
		}
		local := bestD[i]
		for j := max(0, i-1); j <= min(nb-1, i+1); j++ {
			local = math.Max(local, bestD[j])
		}
		if bestD[i] >= local-0.5*m {
			pts = append(pts, best[i])
		}
	}
	if len(pts) < 2 {
		return line{}, pts, false
	}
	fit, ok := fitLine(pts)
	if !ok {
		return line{}, pts, false
	}
	if fit.dist(inside) > 0 {
		fit = line{n: fit.n.scale(-1), c: -fit.c}
	}
	kept := pts[:0] // as envelope keeps them, over its points
	for _, p := range pts {
		if fit.dist(p) > -0.5*m {
			kept = append(kept, p)
		}
	}
	if len(kept) >= 2 {
		if f2, ok := fitLine(kept); ok {
			fit = f2
			if fit.dist(inside) > 0 {
				fit = line{n: fit.n.scale(-1), c: -fit.c}
			}
		}
	}
	return fit.shift(0.5), pts, true
}

// envelope keeps the hits and fits the line that the plain form does, on
// the hits of ragged edges: bins empty, alone, first and last, and hits
// behind the start.
func TestEnvelope(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	var d detector
	fitted := 0
	for trial := range 300 {
		m := 1 + 6*rng.Float64()
		a := rng.Float64() * 2 * math.Pi
		dir := point{math.Cos(a), math.Sin(a)}
		from := point{50 * rng.Float64(), 50 * rng.Float64()}
		inside := from.add(point{-dir.y, dir.x}.scale(10))
		var hits []point
		// Runs of probes half a pixel apart, as a module's edge meets
		// them, some of one or two (specks), some out past the start line.
		for range rng.IntN(20) {
			t := (rng.Float64()*1.1 - 0.1) * 40 * m
			depth := (float64(rng.IntN(4)) - 1.2) * m * rng.Float64()
			for r := range 1 + rng.IntN(int(2*m)+1) {
				q := from.add(dir.scale(t + 0.5*float64(r))).add(point{dir.y, -dir.x}.scale(-depth))
				hits = append(hits, q)
			}
		}
		want, wantPts, wantOK := envelopeReference(hits, from, dir, inside, m)
		got, ok := d.envelope(hits, from, dir, inside, m)
		if ok != wantOK || got != want || !slices.Equal(d.fitPts, wantPts) {
			t.Fatalf("trial %d: envelope %v, %v of %d points; want %v, %v of %d", trial, got, ok, len(d.fitPts), want, wantOK, len(wantPts))
		}
		if ok {
			fitted++
		}
	}
	if fitted < 200 {
		t.Fatalf("%d fits", fitted)
	}
}
