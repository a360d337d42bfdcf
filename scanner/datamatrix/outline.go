package datamatrix

import (
	"math"
	"sort"
)

// outline is a symbol candidate: the corners of its module grid in image
// pixels, named as the symbol is read (the finder's corner is bottom-left),
// and an estimate of its module size in pixels.
type outline struct {
	tl, tr, br, bl point
	module         float64
	// counted numbers of modules along the top and right timing patterns
	colsSeen, rowsSeen int
}

func (o *outline) corners() [4]point { return [4]point{o.tl, o.tr, o.br, o.bl} }

func (o *outline) centre() point {
	return o.tl.add(o.tr).add(o.br).add(o.bl).scale(0.25)
}

// fitContour fits a line to the contour pixels of s, leaving out a share
// of each end (where the stretch turns into its neighbours). The normal
// points away from inside, the side where in lies.
func fitContour(c []pixel, s segment, inside point, buf []point) (line, []point, bool) {
	n := len(c)
	span := s.to - s.from
	cut := span / 8
	buf = buf[:0]
	for i := s.from + cut; i <= s.to-cut; i++ {
		buf = append(buf, pixelPoint(c[((i%n)+n)%n]))
	}
	l, ok := fitLine(buf)
	if !ok {
		return line{}, buf, false
	}
	if l.dist(inside) > 0 {
		l = line{n: l.n.scale(-1), c: -l.c}
	}
	// Pixel centres lie up to a pixel inside the edge.
	return l.shift(0.25), buf, true
}

// finderOutline builds the outline of the symbol whose finder corner f may
// be: the finder's two bars fitted to the contour, their far ends found
// by walking along them, the timing pattern's edges fitted to probes that
// go in from outside, and the module size from the finder's thickness.
func (d *detector) finderOutline(f finderCorner) (outline, bool) {
	c := d.contour
	// Unmirrored, the contour comes along the bottom bar towards the
	// corner and leaves up the left one; inside is to the right of both.
	inDir, outDir := f.in.dir(), f.out.dir()
	insideIn := f.in.b.add(inDir.scale(-4)).add(outDir.scale(4))
	var ok bool
	var bottom, left line
	if bottom, d.fitPts, ok = fitContour(c, f.in, insideIn, d.fitPts); !ok {
		return outline{}, false
	}
	if left, d.fitPts, ok = fitContour(c, f.out, insideIn, d.fitPts); !ok {
		return outline{}, false
	}
	bl, ok := intersect(bottom, left)
	if !ok {
		return outline{}, false
	}
	// Unit vectors along the bars, away from the corner.
	alongB := f.in.a.sub(bl)
	alongL := f.out.b.sub(bl)
	if alongB.norm() == 0 || alongL.norm() == 0 {
		return outline{}, false
	}
	alongB = alongB.scale(1 / alongB.norm())
	alongL = alongL.scale(1 / alongL.norm())
	m, ok := d.barThickness(bl, alongB, bottom, f.in.length(), alongL, left, f.out.length())
	if !ok {
		return outline{}, false
	}
	// Walk along each bar, half a module in, to its far end.
	br, ok := d.barEnd(bl, alongB, bottom.n.scale(-1), m, f.in.length())
	if !ok {
		return outline{}, false
	}
	tl, ok := d.barEnd(bl, alongL, left.n.scale(-1), m, f.out.length())
	if !ok {
		return outline{}, false
	}
	lenB, lenL := br.sub(bl).norm(), tl.sub(bl).norm()
	if lenB < minSide || lenL < minSide {
		return outline{}, false
	}
	// First guess of the timing edges: parallel to the opposite bars.
	top := lineThroughDir(tl, alongB, bl)
	right := lineThroughDir(br, alongL, bl)
	for pass := 0; pass < 2; pass++ {
		tr, ok := intersect(top, right)
		if !ok {
			return outline{}, false
		}
		if pass == 0 {
			// Against a parallelogram, perspective moves the far corner
			// by a fraction of the sides only.
			if tr.sub(tl.add(br).sub(bl)).norm() > 0.35*math.Max(lenB, lenL) {
				return outline{}, false
			}
		}
		if top, ok = d.fitTiming(tl, tr, bl, m); !ok {
			return outline{}, false
		}
		if right, ok = d.fitTiming(br, tr, bl, m); !ok {
			return outline{}, false
		}
	}
	var o outline
	o.module = m
	if o.tl, ok = intersect(left, top); !ok {
		return outline{}, false
	}
	if o.tr, ok = intersect(top, right); !ok {
		return outline{}, false
	}
	if o.br, ok = intersect(right, bottom); !ok {
		return outline{}, false
	}
	o.bl = bl
	q := o.corners()
	if !convex(q) {
		return outline{}, false
	}
	// Seen mirrored, the corner order runs the other way round; name the
	// corners as the symbol would be read from behind.
	if o.br.sub(o.bl).cross(o.tl.sub(o.bl)) > 0 {
		o.tl, o.br = o.br, o.tl
	}
	return o, true
}

// lineThroughDir is the line through p along dir, its normal pointing away
// from inside.
func lineThroughDir(p, dir, inside point) line {
	l := lineThrough(p, p.add(dir))
	if l.dist(inside) > 0 {
		l = line{n: l.n.scale(-1), c: -l.c}
	}
	return l
}

// barThickness estimates the module size as a low percentile of the
// finder bars' thickness: where the data module next to the bar is light,
// the bar is one module thick.
func (d *detector) barThickness(corner, dirB point, bottom line, lenB float64, dirL point, left line, lenL float64) (float64, bool) {
	th := d.thick[:0]
	limit := 0.25 * math.Min(lenB, lenL)
	measure := func(dir point, l line, length float64) {
		in := l.n.scale(-1)
		for t := 0.15 * length; t < 0.85*length; t += 1 {
			p := corner.add(dir.scale(t)).add(l.n.scale(l.dist(corner.add(dir.scale(t))) * -1))
			// p lies on the edge line; step inwards through the bar.
			run := 0.0
			for s := 0.5; s < limit; s += 0.5 {
				if !d.img.darkAt(p.add(in.scale(s))) {
					break
				}
				run = s
			}
			if run > 0 {
				th = append(th, run+0.25)
			}
		}
	}
	measure(dirB, bottom, lenB)
	measure(dirL, left, lenL)
	d.thick = th
	if len(th) < 8 {
		return 0, false
	}
	sort.Float64s(th)
	m := th[len(th)/5]
	return m, m >= 1
}

// barEnd walks from the finder corner along a bar, half a module in from
// its edge, and returns the point on the edge where the bar ends: the last
// dark sample before a light gap of more than a module.
func (d *detector) barEnd(corner, dir, in point, m, hint float64) (point, bool) {
	depth := m / 2
	last := 0.0
	gap := 0.0
	maxLen := hint*1.5 + 4*m
	for t := 0.0; t < maxLen; t += 0.5 {
		if d.img.darkAt(corner.add(dir.scale(t)).add(in.scale(depth))) {
			last, gap = t, 0
			continue
		}
		gap += 0.5
		if gap > m+1 {
			break
		}
	}
	if last < minSide-2 {
		return point{}, false
	}
	return corner.add(dir.scale(last + 0.5)), true
}

// fitTiming fits the outer edge of a timing pattern running from the end
// of a finder bar (from) to the far corner (to): probes come in from
// outside, square to the current estimate, and stop at the first dark
// pixel; the outermost hits per two modules (each holds a dark module) are
// fitted, those that stopped deeper than half a module dropped, and the
// fit repeated.
func (d *detector) fitTiming(from, to, inside point, m float64) (line, bool) {
	dir := to.sub(from)
	length := dir.norm()
	if length < minSide/2 {
		return line{}, false
	}
	dir = dir.scale(1 / length)
	l := lineThroughDir(from, dir, inside)
	out := l.n
	band := 1.5*m + 2
	bin := 2 * m
	nb := int(length/bin) + 1
	if cap(d.binBest) < nb {
		d.binBest = make([]point, nb)
		d.binDist = make([]float64, nb)
	}
	best, bestD := d.binBest[:nb], d.binDist[:nb]
	for i := range bestD {
		bestD[i] = math.Inf(-1)
	}
	for t := 0.03 * length; t < 0.97*length; t += 0.5 {
		base := from.add(dir.scale(t))
		for s := band; s > -band; s -= 0.5 {
			p := base.add(out.scale(s))
			if d.img.darkAt(p) {
				i := int(t / bin)
				if s > bestD[i] {
					best[i], bestD[i] = p, s
				}
				break
			}
		}
	}
	pts := d.fitPts[:0]
	for i := range best {
		if !math.IsInf(bestD[i], -1) {
			pts = append(pts, best[i])
		}
	}
	d.fitPts = pts
	if len(pts) < 3 {
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
	if len(kept) >= 3 {
		if f2, ok := fitLine(kept); ok {
			fit = f2
			if fit.dist(inside) > 0 {
				fit = line{n: fit.n.scale(-1), c: -fit.c}
			}
		}
	}
	// A hit is the first dark sample; the edge lies a little outside.
	return fit.shift(0.25), true
}

// sideProfile samples the image along the segment a→b, depth pixels in
// towards inward (a unit vector), between 6% and 94% of its length. It
// returns the share of dark samples and the number of dark runs.
func (d *detector) sideProfile(a, b, inward point, depth float64) (float64, int) {
	length := b.sub(a).norm()
	n := int(length * 2)
	if n < 8 {
		return 0, 0
	}
	off := inward.scale(depth)
	darkN, runs := 0, 0
	prev := false
	for i := 0; i <= n; i++ {
		t := 0.06 + 0.88*float64(i)/float64(n)
		p := a.lerp(b, t).add(off)
		v := d.img.darkAt(p)
		if v {
			darkN++
			if !prev {
				runs++
			}
		}
		prev = v
	}
	return float64(darkN) / float64(n+1), runs
}

// inwardNormal is the unit normal of a→b that points towards c.
func inwardNormal(a, b, c point) point {
	dir := b.sub(a)
	l := dir.norm()
	if l == 0 {
		return point{}
	}
	n := point{-dir.y / l, dir.x / l}
	if n.dot(c.sub(a)) < 0 {
		n = n.scale(-1)
	}
	return n
}

// countModules samples the timing patterns half a module inside the
// outline, counts their dark modules, checks that they alternate, and
// updates the module size estimate.
func (d *detector) countModules(o *outline) bool {
	c := o.centre()
	depth := max(1, o.module/2)
	ft, top := d.sideProfile(o.tl, o.tr, inwardNormal(o.tl, o.tr, c), depth)
	fr, right := d.sideProfile(o.tr, o.br, inwardNormal(o.tr, o.br, c), depth)
	if top < 3 || right < 3 || ft < 0.2 || ft > 0.8 || fr < 0.2 || fr > 0.8 {
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
