package datamatrix

import (
	"math"
	"sort"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// outline is a symbol candidate: the corners of its module grid in image
// pixels, named as the symbol is read (the finder's corner is bottom-left),
// and an estimate of its module size in pixels.
type outline struct {
	tl, tr, br, bl point
	module         float64
	// counted numbers of modules along the top and right timing patterns
	colsSeen, rowsSeen int
	// edges are the fitted outer edges: top, right, bottom, left, their
	// normals pointing out.
	edges [4]line
}

func (o *outline) corners() [4]point { return [4]point{o.tl, o.tr, o.br, o.bl} }

// corner returns corner i of corners().
func (o *outline) corner(i int) *point {
	return [4]*point{&o.tl, &o.tr, &o.br, &o.bl}[i]
}

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
	buf = scrub.Room(buf, max(0, span-2*cut+1))
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
	return l.shift(0.5), buf, true
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
	bottom, d.fitPts, ok = fitContour(c, f.in, insideIn, d.fitPts)
	d.held.fitPts = max(d.held.fitPts, len(d.fitPts))
	if !ok {
		return outline{}, false
	}
	left, d.fitPts, ok = fitContour(c, f.out, insideIn, d.fitPts)
	d.held.fitPts = max(d.held.fitPts, len(d.fitPts))
	if !ok {
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
	// Most corners are not a symbol's, and many of them show it before
	// their bars are measured: the area between the bars is all one shade.
	if !d.interiorMixed(bl, alongB, f.in.length(), alongL, f.out.length()) {
		return outline{}, false
	}
	d.measured++
	m, ok := d.barThickness(bl, alongB, bottom, f.in.length(), alongL, left, f.out.length())
	if !ok {
		return outline{}, false
	}
	// Walk along each bar, half a module in, to its far end, the second
	// bar only if the first is long and solid enough.
	br, solid, ok := d.barEnd(bl, alongB, bottom.n.scale(-1), m, f.in.length())
	lenB := br.sub(bl).norm()
	if !ok || lenB < minSide || solid < minBarSolid {
		return outline{}, false
	}
	tl, solid, ok := d.barEnd(bl, alongL, left.n.scale(-1), m, f.out.length())
	lenL := tl.sub(bl).norm()
	if !ok || lenL < minSide || solid < minBarSolid {
		return outline{}, false
	}
	if !d.interiorVaries(bl, alongB, lenB, alongL, lenL, m) {
		return outline{}, false
	}
	d.varied++
	// The timing patterns' probes come in through the quiet zone beyond
	// the top and right sides; where a module out from them is mostly
	// dark, there is none, and no edge for the probes to find. The line
	// first tried runs parallel to the opposite bar; where perspective
	// turns a side towards the symbol, that line crosses into its
	// modules, and the line towards the far corner is tried instead.
	// Perspective can turn the timing patterns well away from the bars'
	// directions; the far corner, which the traces steer by too, is
	// looked for once, when first needed.
	var far point
	farFound := false
	farCorner := func() point {
		if !farFound {
			far, farFound = d.farCorner(bl, tl, br, bottom, left, alongB, alongL, lenB, lenL), true
		}
		return far
	}
	quiet := func(from, along, out point, length float64) bool {
		if d.quietBeyond(from, along, out, length, m) {
			return true
		}
		v := farCorner().sub(from)
		n := v.norm()
		return n >= minSide/2 && v.dot(along) > 0 && d.quietBeyond(from, v.scale(1/n), out, n, m)
	}
	if !quiet(tl, alongB, alongL, lenB) || !quiet(br, alongL, alongB, lenL) {
		return outline{}, false
	}
	d.traced++
	// Follow the timing patterns from the bars' ends, then fit them once
	// more between the corners found.
	far = farCorner()
	// Trace each timing pattern from its bar's end, towards the far
	// point and parallel to the opposite bar, and keep the trace that
	// more of the timing modules support.
	trace := func(from, parallel point) (line, bool) {
		dirs := []point{parallel}
		if v := far.sub(from); v.norm() >= minSide/2 && v.dot(parallel) > 0 {
			v = v.scale(1 / v.norm())
			if v.dot(parallel) < math.Cos(3*math.Pi/180) {
				dirs = append(dirs, v)
			}
		}
		var best line
		bestSupport := -1
		maxLen := 1.6 * math.Max(lenB, lenL)
		for _, dir := range dirs {
			l, support, _, ok := d.traceTiming(from, dir, bl, m, maxLen)
			// The first direction, parallel to the opposite bar, is right
			// unless perspective is strong: the other must do clearly
			// better.
			if !ok || bestSupport >= 0 && support < bestSupport+bestSupport/4+2 {
				continue
			}
			best, bestSupport = l, support
		}
		return best, bestSupport >= 2
	}
	top, ok := trace(tl, alongB)
	if !ok {
		return outline{}, false
	}
	right, ok := trace(br, alongL)
	if !ok {
		return outline{}, false
	}
	tr, ok := intersect(top, right)
	if !ok || left.dist(tr) > 0 || bottom.dist(tr) > 0 {
		return outline{}, false
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
	o.edges = [4]line{top, right, bottom, left}
	// Seen mirrored, the corner order runs the other way round; name the
	// corners as the symbol would be read from behind.
	if o.br.sub(o.bl).cross(o.tl.sub(o.bl)) > 0 {
		o.tl, o.br = o.br, o.tl
		o.edges = [4]line{right, top, left, bottom}
	}
	return o, true
}

// farCorner returns the point of the contour farthest from the finder's
// corner bl inside the angle of its bars and past half their lengths:
// the symbol's far corner or near it (unless the corner's modules are
// cut off from the rest). Where there is none it returns the corner of
// the parallelogram on the bars, whose ends are tl and br.
func (d *detector) farCorner(bl, tl, br point, bottom, left line, alongB, alongL point, lenB, lenL float64) point {
	far := tl.add(br).sub(bl)
	farD := 0.0
	for _, px := range d.contour {
		p := pixelPoint(px)
		v := p.sub(bl)
		if left.dist(p) > 0 || bottom.dist(p) > 0 || v.dot(alongB) < lenB/2 || v.dot(alongL) < lenL/2 {
			continue
		}
		// The squared distance orders the points as the distance does.
		if dd := v.dot(v); dd > farD {
			far, farD = p, dd
		}
	}
	return far
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
// the bar is one module thick. Where it is dark, about half the places,
// the bar and the module measure two modules or more; bars as thick
// everywhere, as strokes of print and the edges of frames and boxes are,
// are not a symbol's, and it reports false for them.
func (d *detector) barThickness(corner, dirB point, bottom line, lenB float64, dirL point, left line, lenL float64) (float64, bool) {
	th := d.thick[:0]
	capped := 0 // places measured as thick as the limit or thicker
	limit := 0.25 * math.Min(lenB, lenL)
	measure := func(dir point, l line, length float64) {
		in := l.n.scale(-1)
		// About forty places along a long bar are plenty for a percentile.
		stride := max(1, length/48)
		for t := 0.15 * length; t < 0.85*length; t += stride {
			p := corner.add(dir.scale(t)).add(l.n.scale(l.dist(corner.add(dir.scale(t))) * -1))
			// p lies on the edge line; find the bar's first dark pixel
			// near it and step inwards through the bar.
			inside := d.img.holds(p.add(in.scale(-1)), p.add(in.scale(1.5+limit)), 0)
			dark := func(q point) bool {
				if inside {
					return d.img.darkIn(q)
				}
				return d.img.darkAt(q)
			}
			start := math.NaN()
			for s := -1.0; s <= 1.5; s += 0.25 {
				if dark(p.add(in.scale(s))) {
					start = s
					break
				}
			}
			if math.IsNaN(start) {
				continue
			}
			// Through the bar to its last dark point before a light
			// one: the points at start, start + 0.25, … below start +
			// limit, each exact (start is a multiple of 0.25).
			end := start
			n := stepsBelow(start, 0.25, start+limit)
			k := d.img.firstRead(p, in, start, 0.25, n, inside, false)
			if k > 0 {
				end = start + float64(k-1)*0.25
			}
			if k == n {
				// No light point before the limit: the bar (and
				// the module beside it) is as thick as the limit
				// or thicker, whatever end-start says.
				capped++
			}
			th = append(scrub.Grow(th, 1), end-start+0.25)
		}
	}
	measure(dirB, bottom, lenB)
	measure(dirL, left, lenL)
	d.thick = th
	d.held.thick = max(d.held.thick, len(th))
	if len(th) < 8 {
		return 0, false
	}
	sort.Float64s(th)
	// Some place measures thicker than the thinnest fifth. A symbol's
	// bars fail this only where every data module along the middle of
	// both is light, which grows rarer with the symbol's size; at every
	// level of every axis of the robustness curves where a symbol is
	// read, its bars' 80th percentile is a pixel or more above the 20th,
	// 3 pixels in the blackbox photos. Of the candidates whose timing
	// patterns were traced in live photo frames, five in six had bars of
	// one thickness everywhere. Asking more, the 80th percentile above the
	// 20th, would turn away a little more texture but also small symbols
	// square to the image with few dark modules along the bars, among the
	// first of them the 10×10 symbols of "1" and "24"
	// (TestLightAlongFinderIsRead). A place measured to the limit (a
	// quarter of the shorter bar) is as thick as the limit or more, so
	// bars are of one thickness where every place measures below the
	// limit and alike from the thinnest fifth up, or every place
	// reaches it (the corner of a dark block). Where some do and some
	// do not, the candidate may be a symbol's with sides cut short,
	// its limit two modules or less, the places beside a dark module
	// all at the limit (the 12×36 symbol of 2 pixels a module turned
	// 180° in scanner/readback's TestDataMatrixRotationSweep).
	if capped == len(th) || capped == 0 && th[len(th)-1] <= th[len(th)/5] {
		return 0, false
	}
	// Modules under 1.5 px do not get read; a thinner bar is a module
	// that the binarizer thinned.
	return max(1.5, th[len(th)/5]), true
}

// barEnd walks from the finder corner along a bar and returns the point on
// its edge where the bar ends: the last place where the bar's first module
// has a dark pixel across it, before a light gap of more than a module.
// It also returns the share of the places walked up to there (every half
// pixel) where the module was dark: a symbol's finder bars are solid
// (ISO/IEC 16022:2006 §5.3.4), and the walk only steps over the odd light
// gap that damage or the binarizer leaves in them.
func (d *detector) barEnd(corner, dir, in point, m, hint float64) (point, float64, bool) {
	last := 0.0
	gap := 0.0
	darks := 0 // the places found dark, all of them at last or before
	maxLen := hint*1.5 + 4*m
	inside := d.img.holds(corner, corner.add(dir.scale(maxLen)), m+0.25)
	for t := 0.0; t < maxLen; t += 0.5 {
		p := corner.add(dir.scale(t))
		dark := false
		for s := 0.25; s <= m+0.25; s += 0.5 {
			if q := p.add(in.scale(s)); inside && d.img.darkIn(q) || !inside && d.img.darkAt(q) {
				dark = true
				break
			}
		}
		if dark {
			last, gap = t, 0
			darks++
			continue
		}
		gap += 0.5
		if gap > m+1 {
			break
		}
	}
	if last < minSide-2 {
		return point{}, 0, false
	}
	// The places 0, 0.5, … last: t is a multiple of a half, exactly.
	return corner.add(dir.scale(last + 0.5)), float64(darks) / (2*last + 1), true
}

// minBarSolid is the least share of a finder bar's length that barEnd
// finds dark. A symbol's bars show 0.94 or more at every level of every
// axis of the robustness curves where the symbol is read, 0.98 or more in
// the blackbox photos. The bars that textured photos make of blobs in a
// row, with gaps narrower than a module between them, show from 0.7 up: a
// third of the finder candidates whose timing patterns were traced in live
// photo frames show less than 0.9, and the trace is most of what such a
// candidate costs.
const minBarSolid = 0.9

// quietBeyond tells whether the line a module out from a side of a
// candidate, the side that starts at the corner from and runs along for
// length, is at least half light: the quiet zone a symbol has round it
// (ISO/IEC 16022 §5.4: one module at least). finderOutline draws the line
// parallel to the opposite bar first, as the timing trace starts; where
// perspective turns the side towards the symbol, the line crosses into
// its modules, and on small modules seen at a steep tilt (50° and more)
// more than half of those read dark: the line towards the far corner is
// looked along then. Texture next to a finder-like
// corner — print, shadows, the bars of other codes — darkens it; the
// corners that interiorVaries lets through in textured frames mostly fail
// here, before the timing patterns are traced (see BenchmarkClutter).
func (d *detector) quietBeyond(from, along, out point, length, m float64) bool {
	n, dark := 0, 0
	base := from.add(out.scale(m))
	for t := 0.0; t < length; t += 0.5 {
		n++
		if d.img.darkAt(base.add(along.scale(t))) {
			dark++
		}
	}
	return 2*dark <= n
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

// interiorVaries tells whether the area between a finder's bars looks like
// a symbol's data: dark and light modules mixed, changing often from one
// module to the next in both directions. Sampled a module apart along
// lines across the area, a symbol's data region changes between about
// every other sample; the corner of a box, a solid shape or a glyph is
// nearly all light or all dark there, and the bars of a 1D barcode change
// only across them. It is cheap next to tracing the timing patterns, which
// it spares most corners that are not a symbol's.
func (d *detector) interiorVaries(corner, dirB point, lenB float64, dirL point, lenL, m float64) bool {
	var c interiorTally
	var along, lines [2]int
	sample := func(dir int, from, step point, length float64) {
		lines[dir]++
		for i, t := 0, 1.5*m; t <= length-m; i, t = i+1, t+m {
			c.add(dir, i == 0, d.img.darkAt(from.add(step.scale(t))))
			along[dir]++
		}
	}
	interiorLines(corner, dirB, lenB, dirL, lenL, sample)
	// A rectangular symbol's lines along its short side are short, a few
	// data modules each, and the middle one may run along an alignment
	// pattern's solid bar (an 8×32's lies halfway): where one bar is much
	// the longer, the lines along the other are as many more as it is
	// longer, spread over the area.
	if lenB >= elongated*lenL {
		moreLines(corner, dirB, lenB, dirL, lenL, func(from point) { sample(1, from, dirL, lenL) })
	} else if lenL >= elongated*lenB {
		moreLines(corner, dirL, lenL, dirB, lenB, func(from point) { sample(0, from, dirB, lenB) })
	}
	if along[0] < 3 || along[1] < 3 {
		return true // too few modules to judge
	}
	// Modules may be longer one way than the other (a rectangular symbol
	// seen at a slant), so each direction only needs some changes, about
	// a couple for three lines, and the whole a fair share.
	return c.dark*100 >= c.samples*minDarkShare && c.dark*100 <= c.samples*(100-minDarkShare) &&
		(c.changes[0]+c.changes[1])*100 >= c.samples*minChangeShare &&
		3*c.changes[0] >= 2*lines[0] && 3*c.changes[1] >= 2*lines[1]
}

// interiorLines calls line for each of the six lines interiorVaries and
// interiorMixed sample the area between a finder's bars along: three along
// the bottom bar's direction (dir 0) and three along the left bar's (dir
// 1), at 0.3, 0.5 and 0.7 of the other bar's length from the corner.
func interiorLines(corner, dirB point, lenB float64, dirL point, lenL float64, line func(dir int, from, step point, length float64)) {
	for _, f := range [...]float64{0.3, 0.5, 0.7} {
		line(0, corner.add(dirL.scale(f*lenL)), dirB, lenB)
		line(1, corner.add(dirB.scale(f*lenB)), dirL, lenL)
	}
}

// elongated is the ratio of a finder's bars beyond which interiorVaries
// samples more lines along the shorter one.
const elongated = 1.5

// moreLines calls line with the start, on the long bar (from corner along
// dirLong, lenLong long), of each of the lines interiorVaries adds along
// the short one (dirShort, lenShort): 2·round(1.5·(r−1)) of them for bars
// r times as long as the other, evenly spread over the middle 70 % of the
// long bar, clear of the bars and timing patterns at its ends; an even
// count, which puts none halfway, where interiorLines has one.
func moreLines(corner, dirLong point, lenLong float64, dirShort point, lenShort float64, line func(from point)) {
	n := 2 * int(math.Round(1.5*(lenLong/lenShort-1)))
	for k := range n {
		f := 0.15 + 0.7*(float64(k)+0.5)/float64(n)
		line(corner.add(dirLong.scale(f * lenLong)))
	}
}

// interiorTally counts the samples of interiorLines' lines: how many, how
// many dark, and the changes of shade from one sample to the next of a
// line, by direction.
type interiorTally struct {
	samples, dark int
	changes       [2]int // along the bottom bar, along the left bar
	prev          bool
}

// add counts a sample of a line along dir; first says it is the line's
// first, which no change leads to.
func (c *interiorTally) add(dir int, first, dark bool) {
	c.samples++
	if dark {
		c.dark++
	}
	if !first && dark != c.prev {
		c.changes[dir]++
	}
	c.prev = dark
}

// Thresholds of interiorVaries, in percent of the samples: far below what
// a symbol shows (about half dark, half changing).
const (
	minDarkShare   = 20
	minChangeShare = 18
)

// interiorMixed is a first look at the area between a finder's bars, taken
// before their thickness and ends are measured and so without the module
// size and the bars' lengths that interiorVaries samples by: eight samples
// along each of the lines that interiorVaries follows, spread over the
// lengths of the contour's sides (lenB and lenL), which a symbol's bars
// run along. It rejects only an area that is nearly all one shade and does
// not change at all along one of the bars' directions, as the inside of a
// box, of a solid shape or of a thick stroke is; a symbol's data modules,
// about half of them dark, do not look so. It is not a weaker form of
// interiorVaries, whose samples may reach past a blob along bars walked
// out into texture: on the blackbox images it rejects seven in ten of the
// corners that interiorVaries rejects, three in ten of those that it
// passes but that are turned away later, and none that is read.
func (d *detector) interiorMixed(corner, dirB point, lenB float64, dirL point, lenL float64) bool {
	const perLine = 8
	var c interiorTally
	interiorLines(corner, dirB, lenB, dirL, lenL, func(dir int, from, step point, length float64) {
		for i := range perLine {
			c.add(dir, i == 0, d.img.darkAt(from.add(step.scale(length*(0.15+0.1*float64(i))))))
		}
	})
	oneShade := c.dark*100 < c.samples*minMixedShare || c.dark*100 > c.samples*(100-minMixedShare)
	return !oneShade || c.changes[0] > 0 && c.changes[1] > 0
}

// minMixedShare is the least share of either shade, in percent, that
// interiorMixed takes for mixed: half interiorVaries's.
const minMixedShare = minDarkShare / 2
