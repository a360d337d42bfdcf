package datamatrix

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// traceTiming follows the outer edge of a timing pattern from the end of
// a finder bar, starting along dir: probes come in from outside, square to
// the edge fitted so far, and stop at the first dark pixel; every module
// or so the edge is fitted again to the outermost hits, so it turns with
// perspective. It stops where the probes find nothing for more than
// a module (the quiet zone past the symbol's corner).
func (d *detector) traceTiming(from, dir, inside point, m, maxLen float64) (l line, support int, reach float64, ok bool) {
	l = lineThroughDir(from, dir, inside)
	band := 2*m + 2
	chunk := max(3, m)
	hits := d.hits[:0]
	empty := 0.0
	for i, t := 0, 0.0; t < maxLen; i, t = i+1, t+chunk {
		found := false
		for tt := t; tt < t+chunk; tt += 0.5 {
			base := from.add(dir.scale(tt))
			base = base.add(l.n.scale(-l.dist(base)))
			if p, ok := d.img.probe(base, l.n, band); ok {
				hits = append(scrub.Grow(hits, 1), p)
				found = true
				reach = tt
			}
		}
		if !found {
			empty += chunk
			if empty > m+1 {
				break
			}
			continue
		}
		empty = 0
		// Refit often while the direction is still rough, then now and
		// then: each fit goes over every hit so far.
		if i >= 8 && i%4 != 0 {
			continue
		}
		if fit, ok := d.envelope(hits, from, dir, inside, m); ok && len(d.fitPts) >= 3 {
			l = fit
			nd := point{-l.n.y, l.n.x}
			if nd.dot(dir) < 0 {
				nd = nd.scale(-1)
			}
			dir = nd
		}
	}
	d.hits = hits
	d.held.hits = max(d.held.hits, len(hits))
	if l, ok = d.envelope(hits, from, dir, inside, m); !ok {
		return line{}, 0, 0, false
	}
	// The support: how many of the bins reach the fitted edge.
	for _, p := range d.fitPts {
		if math.Abs(l.dist(p)) < 0.25*m+0.75 {
			support++
		}
	}
	return l, support, reach, true
}

// envelope fits a line to the outermost of the hits in every stretch of
// a module along dir from from, drops those more than half a module
// inside the fit, and fits again. The normal points away from inside.
func (d *detector) envelope(hits []point, from, dir, inside point, m float64) (line, bool) {
	bin := m
	nb := 1
	// Each hit's bin, worked out once for both loops.
	bins := scrub.Room(d.bins, len(hits))[:len(hits)]
	d.bins = bins
	for k, p := range hits {
		bins[k] = int(p.sub(from).dot(dir) / bin)
		nb = max(nb, bins[k]+1)
	}
	// Arrays outgrown, which keep the hits and how far out they lie, are
	// cleared as they are let go.
	d.binBest, d.binDist = scrub.Room(d.binBest, nb)[:nb], scrub.Room(d.binDist, nb)[:nb]
	best, bestD := d.binBest, d.binDist
	d.held.binBest = max(d.held.binBest, nb)
	for i := range bestD {
		bestD[i] = math.Inf(-1)
	}
	// A hit more than a module out from the line so far counts only
	// with company (backed): a speck of noise in the quiet zone.
	l := lineThroughDir(from, dir, inside)
	for k, p := range hits {
		i := bins[k]
		if i < 0 || i >= nb {
			continue
		}
		if dd := l.dist(p); dd > bestD[i] && (dd <= m || backed(hits, k, l, dd, m)) {
			best[i], bestD[i] = p, dd
		}
	}
	// Keep the hits that reach as far out as their neighbours': the others
	// went in past a light module.
	pts := scrub.Room(d.fitPts, nb) // a point a bin at most
	for i := range best {
		if math.IsInf(bestD[i], -1) {
			continue
		}
		// The largest of its own and its neighbours' (math.Max is
		// a maximum, so taking them in any order gives the same).
		local := bestD[i]
		if i > 0 {
			local = math.Max(local, bestD[i-1])
		}
		if i+1 < nb {
			local = math.Max(local, bestD[i+1])
		}
		if bestD[i] >= local-0.5*m {
			pts = append(pts, best[i])
		}
	}
	d.fitPts = pts
	d.held.fitPts = max(d.held.fitPts, len(pts))
	if len(pts) < 2 {
		return line{}, false
	}
	fit, ok := fitLine(pts)
	if !ok {
		return line{}, false
	}
	if fit.dist(inside) > 0 {
		fit = line{n: fit.n.scale(-1), c: -fit.c}
	}
	kept := pts[:0]
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
	return fit.shift(0.5), true
}

// backed tells whether hit k, dd out from l, has company: int(m/2)+1
// other hits about as far out (within a quarter module and a pixel) and
// no more than two modules from it along the edge, taken outwards from k
// in the order the probes found them, which runs along the edge, until
// one lies further along. The edge of a module is met by a run of probes
// half a pixel apart, and modules that perspective makes too short for
// a run by neighbours as far out; a speck of noise out in the quiet zone
// is met by a probe or two alone, and as the outermost hit of its bin it
// would pull the fit out to it and turn the trace off the edge.
func backed(hits []point, k int, l line, dd, m float64) bool {
	need := int(m/2) + 1
	step := 0.25*m + 1
	reach := 2 * m
	p := hits[k]
	n := 0
	for j := k - 1; j >= 0 && math.Abs(hits[j].sub(p).cross(l.n)) <= reach; j-- {
		if math.Abs(l.dist(hits[j])-dd) <= step {
			if n++; n >= need {
				return true
			}
		}
	}
	for j := k + 1; j < len(hits) && math.Abs(hits[j].sub(p).cross(l.n)) <= reach; j++ {
		if math.Abs(l.dist(hits[j])-dd) <= step {
			if n++; n >= need {
				return true
			}
		}
	}
	return false
}

// sideProfile samples the image along the segment a→b, depth pixels in
// towards inward (a unit vector), between 6% and 94% of its length. It
// returns the share of dark samples and the number of dark runs, where
// light gaps shorter than minRun pixels do not split a run and dark runs
// shorter than that do not count (the jagged edge of tilted modules).
func (d *detector) sideProfile(a, b, inward point, depth, minRun float64) (float64, int) {
	length := b.sub(a).norm()
	n := int(length * 2)
	if n < 8 {
		return 0, 0
	}
	step := 0.88 * length / float64(n)
	off := inward.scale(depth)
	darkN, runs := 0, 0
	var darkLen, lightLen float64
	inRun := false
	for i := 0; i <= n; i++ {
		t := 0.06 + 0.88*float64(i)/float64(n)
		if d.img.darkAt(a.lerp(b, t).add(off)) {
			darkN++
			darkLen += step
			lightLen = 0
			if !inRun && darkLen >= minRun {
				inRun = true
				runs++
			}
			continue
		}
		lightLen += step
		if lightLen >= minRun {
			inRun, darkLen = false, 0
		}
	}
	return float64(darkN) / float64(n+1), runs
}

// countModules counts the dark modules of the timing patterns along the
// outline's top and right sides, at the depth that shows the most of them
// (a thin binarized row of small modules is easily missed), checks that
// they alternate, and updates the module size estimate.
func (d *detector) countModules(o *outline) bool {
	c := o.centre()
	// The bar thickness overrates small modules (the bars' edges are
	// blurred into their neighbours), so sample no deeper than 2 px for
	// the middle of the row.
	minRun := max(0.6, 0.25*o.module)
	mid := min(o.module, 4)
	count := func(a, b point) int {
		in := inwardNormal(a, b, c)
		var n [3]int
		for i, f := range [...]float64{0.35, 0.5, 0.65} {
			fr, runs := d.sideProfile(a, b, in, max(0.5, f*mid), minRun)
			if fr >= 0.15 && fr <= 0.85 {
				n[i] = runs
			}
		}
		// The median of the three.
		return max(min(n[0], n[1]), min(max(n[0], n[1]), n[2]))
	}
	top, right := count(o.tl, o.tr), count(o.tr, o.br)
	if top < 3 || right < 3 {
		return false
	}
	// The profile covers 88% of a side: 2·runs modules of the whole.
	o.colsSeen = int(float64(2*top)/0.88 + 0.5)
	o.rowsSeen = int(float64(2*right)/0.88 + 0.5)
	w := (o.tr.sub(o.tl).norm() + o.br.sub(o.bl).norm()) / 2
	h := (o.bl.sub(o.tl).norm() + o.br.sub(o.tr).norm()) / 2
	o.module = (w/float64(o.colsSeen) + h/float64(o.rowsSeen)) / 2
	return true
}
