package datamatrix

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// grid maps module coordinates of one symbol size into the image.
type grid struct {
	size *symbolSize
	h    homography
	// in tells that every point of the grid lies inside the image with
	// a pixel to spare (inside), so that darkIn reads it.
	in bool
}

// newGrid lays the grid of size s over outline o in img. Its map and in do
// not depend on the size.
func newGrid(o *outline, s *symbolSize, img *bitImage) grid {
	g := grid{size: s, h: squareToQuad(o.tl, o.tr, o.br, o.bl)}
	g.in = g.inside(img)
	return g
}

// modulePixels is the mean size of a module in pixels.
func (g *grid) modulePixels() float64 {
	w := g.at(0, 0).sub(g.at(float64(g.size.cols), 0)).norm() + g.at(0, float64(g.size.rows)).sub(g.at(float64(g.size.cols), float64(g.size.rows))).norm()
	h := g.at(0, 0).sub(g.at(0, float64(g.size.rows))).norm() + g.at(float64(g.size.cols), 0).sub(g.at(float64(g.size.cols), float64(g.size.rows))).norm()
	return (w/float64(g.size.cols) + h/float64(g.size.rows)) / 4
}

// at returns the image position of module coordinates (u, v): u columns
// from the left edge, v rows from the top edge.
func (g *grid) at(u, v float64) point {
	return g.h.apply(u/float64(g.size.cols), v/float64(g.size.rows))
}

// gridLine maps the points of one row or one column of a grid into the
// image as grid.at does, the fixed coordinate's terms worked out once: the
// fixed pattern's counts and the boundary drift sample whole rows and
// columns. Each sum is grid.at's own, its terms in the same order or
// swapped, which floating-point addition allows exactly.
type gridLine struct {
	div        float64 // the varying coordinate's span: columns or rows
	gw, gx, gy float64 // the varying coordinate's factors in w, x and y
	w0, x0, y0 float64 // the fixed coordinate's terms in w, x and y
	c, f       float64
}

// row maps the points of the row v modules down: at(u) is g.at(u, v).
func (g *grid) row(v float64) gridLine {
	h := &g.h
	fv := v / float64(g.size.rows)
	return gridLine{div: float64(g.size.cols), gw: h.g, gx: h.a, gy: h.d, w0: h.h * fv, x0: h.b * fv, y0: h.e * fv, c: h.c, f: h.f}
}

// column maps the points of the column u modules across: at(v) is
// g.at(u, v).
func (g *grid) column(u float64) gridLine {
	h := &g.h
	fu := u / float64(g.size.cols)
	return gridLine{div: float64(g.size.rows), gw: h.h, gx: h.b, gy: h.e, w0: h.g * fu, x0: h.a * fu, y0: h.d * fu, c: h.c, f: h.f}
}

func (l *gridLine) at(t float64) point {
	ft := t / l.div
	w := l.gw*ft + l.w0 + 1
	if w == 0 {
		w = 1e-12
	}
	return point{(l.gx*ft + l.x0 + l.c) / w, (l.gy*ft + l.y0 + l.f) / w}
}

// inside tells whether every point of the grid, the symbol's whole
// square, lies inside img with a pixel to spare, as holds does for a
// segment: so it does when its four corners do and the projective map
// stays well away from its line at infinity over the square (the
// denominator, linear in the module coordinates, at least minGridW at
// every corner), so that the square's image is the quadrilateral of its
// corners and the rounding of a point computed inside it is far below
// the pixel to spare. Its points can then be read with darkIn.
func (g *grid) inside(img *bitImage) bool {
	h := &g.h
	if !(min(h.g, h.h, h.g+h.h)+1 >= minGridW) {
		return false
	}
	a, b, c, e := h.apply(0, 0), h.apply(1, 0), h.apply(1, 1), h.apply(0, 1)
	return img.holds(a, c, 0) && img.holds(b, e, 0)
}

// minGridW is the least denominator of a grid's projective map at the
// corners of its square for inside to vouch for it: a denominator of 0.01
// is a side seen a hundred times nearer at one end than at the other.
const minGridW = 0.01

// fixedScore returns the share of the fixed pattern's modules (finders and
// timing patterns of every data region) that read as they must, sampled at
// their centres, and the share of the timing patterns' modules alone: the
// finder bars read dark on anything the detector took for a symbol, the
// timing patterns tell a symbol from a dark bar or box. It gives up,
// reporting false, once the share less penalty can no longer reach floor,
// or no longer exceed above: most sizes tried on an outline are far from
// its own, and it takes about half their modules to tell.
func (d *detector) fixedScore(g *grid, floor, penalty, above float64) (all, timing float64, ok bool) {
	s := g.size
	total := s.fixedModules()
	if total == 0 {
		return 0, 0, true
	}
	// need is the fewest matches whose share reaches floor and exceeds
	// above, in the floating-point arithmetic of the callers'
	// comparisons.
	need := max(0, int((max(floor, above)+penalty)*float64(total))-2)
	for need <= total && (float64(need)/float64(total)-penalty < floor || float64(need)/float64(total)-penalty <= above) {
		need++
	}
	if need > total {
		return 0, 0, false
	}
	match, tMatch, tTotal, ok := d.fixedCount(g, need)
	if !ok {
		return 0, 0, false
	}
	if tTotal == 0 {
		return 0, 0, true
	}
	return float64(match) / float64(total), float64(tMatch) / float64(tTotal), true
}

// fixedCount samples the modules of the fixed pattern at their centres,
// row by row, and counts those that read as they must (match), and among
// the timing patterns' modules (tTotal of them), those that do (tMatch).
// It gives up, reporting false, once fewer than need matches are left
// within reach.
//
// Each data region has its own finder (left column, bottom row, solid) and
// timing pattern (top row and right column, alternating, dark at the
// finder's ends), ISO/IEC 16022:2006 §5.3.4: the fixed modules are the
// rows above and below every region and the columns beside it. It runs
// for every size tried on every candidate, so it walks them directly
// rather than asking what each module is.
func (d *detector) fixedCount(g *grid, need int) (match, tMatch, tTotal int, ok bool) {
	s := g.size
	total := s.fixedModules()
	seen := 0
	periodX, periodY := s.regionCols+2, s.regionRows+2
	// dark reads the module at column x of the row.
	var row gridLine
	dark := func(x int) bool { return d.img.darkWhere(row.at(float64(x)+0.5), g.in) }
	for y := 0; y < s.rows; y++ {
		row = g.row(float64(y) + 0.5)
		yr := y % periodY
		if yr == periodY-1 {
			// A region's finder row: dark throughout.
			for x := 0; x < s.cols; x++ {
				seen++
				if dark(x) {
					match++
				}
				if match+total-seen < need {
					return match, tMatch, tTotal, false
				}
			}
			continue
		}
		if yr == 0 {
			// A region's timing row: the finder's column, then modules
			// alternating from light, dark where xr is even.
			xr := 0
			for x := 0; x < s.cols; x++ {
				seen++
				if xr == 0 {
					if dark(x) {
						match++
					}
				} else {
					tTotal++
					if dark(x) == (xr%2 == 0) {
						match++
						tMatch++
					}
				}
				if match+total-seen < need {
					return match, tMatch, tTotal, false
				}
				if xr++; xr == periodX {
					xr = 0
				}
			}
			continue
		}
		// The finder's column and the timing column of every region,
		// dark in the rows of odd yr.
		for x := 0; x < s.cols; x += periodX {
			seen++
			if dark(x) {
				match++
			}
			if match+total-seen < need {
				return match, tMatch, tTotal, false
			}
			seen++
			tTotal++
			if dark(x+periodX-1) == (yr%2 == 1) {
				match++
				tMatch++
			}
			if match+total-seen < need {
				return match, tMatch, tTotal, false
			}
		}
	}
	return match, tMatch, tTotal, true
}

// lineScratch holds the points of a grid line that boundaryChanges reads
// at once and what it reads there.
type lineScratch struct {
	ts   []float64
	dark []uint64
	// The most entries of ts and dark written since the last wipe.
	tsHeld, darkHeld int
}

// wipe clears the points and what was read there as far as the reads
// since the last wipe wrote them.
func (sc *lineScratch) wipe() {
	clear(scrub.UpTo(sc.ts, sc.tsHeld))
	clear(scrub.UpTo(sc.dark, sc.darkHeld))
	sc.ts, sc.dark = sc.ts[:0], sc.dark[:0]
	sc.tsHeld, sc.darkHeld = 0, 0
}

// readLine is lineDarks into the detector's buffer.
func (d *detector) readLine(l *gridLine, ts []float64, in bool) []uint64 {
	d.line.dark = d.img.lineDarks(l, ts, in, d.line.dark)
	d.line.darkHeld = max(d.line.darkHeld, len(d.line.dark))
	return d.line.dark
}

// lineDarks reads the points l.at(t) for the t of ts as darkWhere reads
// them, in says how, into the bits of dark (bit k of the slice for ts[k],
// the slice grown to hold them and cleared) and returns it: in vector
// registers four at a time where it can (lineDarksWide).
func (b *bitImage) lineDarks(l *gridLine, ts []float64, in bool, dark []uint64) []uint64 {
	n := (len(ts) + 63) / 64
	dark = scrub.Room(dark, n)[:n]
	clear(dark)
	for k := b.lineDarksWide(l, ts, in, dark); k < len(ts); k++ {
		if b.darkWhere(l.at(ts[k]), in) {
			dark[k>>6] |= 1 << (k & 63)
		}
	}
	return dark
}

// sizeCandidates returns the symbol sizes whose timing patterns agree
// roughly with the counted ones, best fixed-pattern score first, each
// with its score. With mirrored set it adds the rectangular sizes turned
// on their side: a mirror image of a rectangular symbol, read with its
// finder as the left and bottom bars, has rows and columns exchanged.
func (d *detector) sizeCandidates(o *outline, mirrored bool) []scoredSize {
	// A size at most each way it is tried: room made once, not a size at
	// a time.
	most := len(symbolSizes)
	if mirrored {
		most *= 2
	}
	out := scrub.Room(d.sizes, most)
	// Sizes far from the counted ones come last among equal scores.
	close := func(n, seen int) bool {
		return seen == 0 || math.Abs(float64(n-seen)) <= max(4, 0.4*float64(seen))
	}
	width := math.Min(o.tr.sub(o.tl).norm(), o.br.sub(o.bl).norm())
	height := math.Min(o.bl.sub(o.tl).norm(), o.br.sub(o.tr).norm())
	// read tries the first three sizes only. A size that cannot score
	// above the third best score so far stays out of them: it sorts after
	// three sizes that came before it (an equal score too, the sort being
	// stable), so the search of its fixed pattern stops once that shows.
	best := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	base := newGrid(o, nil, &d.img) // every size's map and in
	add := func(s symbolSize, turned bool) {
		// Modules smaller than a pixel cannot be read.
		if width/float64(s.cols) < 1 || height/float64(s.rows) < 1 {
			return
		}
		g := base
		g.size = &s
		penalty := 0.0
		if !close(s.cols, o.colsSeen) || !close(s.rows, o.rowsSeen) {
			penalty = 0.05
		}
		// read tries only sizes that score minSizeScore or more, and
		// those sort before all the others: leaving the others out
		// changes nothing.
		score, timing, ok := d.fixedScore(&g, minSizeScore, penalty, best[2])
		if !ok {
			return
		}
		if penalty != 0 {
			score -= penalty
		}
		out = append(out, scoredSize{size: s, score: score, timing: timing, turned: turned})
		for i := range best {
			if score > best[i] {
				copy(best[i+1:], best[i:2])
				best[i] = score
				break
			}
		}
	}
	for _, s := range symbolSizes {
		add(s, false)
		if mirrored && s.rows != s.cols {
			add(symbolSize{rows: s.cols, cols: s.rows, regionRows: s.regionCols, regionCols: s.regionRows}, true)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].score > out[j-1].score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	d.sizes = out
	d.held.sizes = max(d.held.sizes, len(out))
	return out
}

type scoredSize struct {
	size   symbolSize
	score  float64
	timing float64 // the timing patterns' share of the score
	// turned: the size is a rectangular one with rows and columns
	// exchanged, which only a mirror image shows.
	turned bool
}

// sample reads every module of the grid: the majority of five samples
// around its centre, which rides out a grid that is a fraction of a pixel
// off on small modules. A mirror image is read back into the symbol's own
// layout: the grid's column x is the symbol's row rows−1−x, its row y the
// symbol's column cols−1−y.
func (d *detector) sample(g *grid, mirror bool) *gozxing.BitMatrix {
	s := g.size
	w, h := s.cols, s.rows
	if mirror {
		w, h = h, w
	}
	bits, _ := gozxing.NewBitMatrix(w, h)
	// Small modules have one pixel that lies wholly inside them, under
	// their centre; the pixels round it are shared with the neighbours.
	offsets := moduleSamples[:]
	if g.modulePixels() < 3 {
		offsets = offsets[:1]
	}
	for y := 0; y < s.rows; y++ {
		for x := 0; x < s.cols; x++ {
			u, v := float64(x)+0.5, float64(y)+0.5
			n := 0
			for _, o := range offsets {
				if d.img.darkWhere(g.at(u+o.x, v+o.y), g.in) {
					n++
				}
			}
			if 2*n > len(offsets) {
				if mirror {
					bits.Set(s.rows-1-y, s.cols-1-x)
				} else {
					bits.Set(x, y)
				}
			}
		}
	}
	return bits
}

// moduleSamples are the offsets, in modules, at which a module is read.
var moduleSamples = [...]point{{0, 0}, {-0.2, -0.2}, {0.2, -0.2}, {-0.2, 0.2}, {0.2, 0.2}}

// align moves the outline's corners, a fraction of a module at a time,
// while more of the fixed pattern reads right at the module centres. On
// small modules only the pixel under a module's centre is the module's
// own, so a grid a third of a module off reads the fixed pattern at
// random in places.
func (d *detector) align(o outline, s *symbolSize) outline {
	g := newGrid(&o, s, &d.img)
	best, _, _, _ := d.fixedCount(&g, 0)
	m := g.modulePixels()
	for _, step := range [...]float64{0.3 * m, 0.15 * m} {
		for round := 0; round < 3; round++ {
			improved := false
			for c := 0; c < 4; c++ {
				for _, dir := range [...]point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					t := o
					p := t.corner(c)
					*p = p.add(dir.scale(step))
					g := newGrid(&t, s, &d.img)
					// Only a grid that reads more of the pattern right
					// counts: its count stops once it cannot.
					if sc, _, _, ok := d.fixedCount(&g, best+1); ok {
						o, best, improved = t, sc, true
					}
				}
			}
			if !improved {
				break
			}
		}
	}
	return o
}

// refineGrid corrects the outline's corners with the module boundaries
// seen inside the symbol. The edges found in the binarized image sit up to
// a pixel off the true ones, depending on how the binarizer split the
// pixels they cross, which on small modules is too much for reading the
// middle of the symbol. Every change of colour along a row of modules
// marks a boundary between two columns, every change down a column one
// between two rows: hundreds of them. Their offsets from where the grid
// puts the boundaries are fitted as a + b·u + c·v + δ·s (u, v module
// coordinates, s +1 where light turns dark and −1 where dark turns light,
// so that δ takes up how much the binarizer thinned the dark modules), and
// the grid is moved by the fitted drift.
func (d *detector) refineGrid(o outline, s *symbolSize) outline {
	cols, rows := float64(s.cols), float64(s.rows)
	for iter := 0; iter < 3; iter++ {
		g := newGrid(&o, s, &d.img)
		du, ok1 := d.boundaryDrift(&g, true)
		dv, ok2 := d.boundaryDrift(&g, false)
		if !ok1 && !ok2 {
			return o
		}
		at := func(u, v float64) point {
			return g.at(u+du.at(u, v), v+dv.at(u, v))
		}
		o.tl, o.tr, o.br, o.bl = at(0, 0), at(cols, 0), at(cols, rows), at(0, rows)
	}
	return o
}

// drift is an offset in module units that changes linearly over the
// symbol.
type drift struct{ a, b, c float64 }

func (f drift) at(u, v float64) float64 { return f.a + f.b*u + f.c*v }

// boundaryDrift measures the boundaries between columns (along the rows)
// or between rows (down the columns) and fits their drift.
func (d *detector) boundaryDrift(g *grid, alongRows bool) (drift, bool) {
	s := g.size
	n := s.cols
	if !alongRows {
		n = s.rows
	}
	pos := func(along, across float64) point {
		if alongRows {
			return g.at(along, across)
		}
		return g.at(across, along)
	}
	// A quarter pixel per step or less.
	length := pos(0, 0.5).sub(pos(float64(n), 0.5)).norm()
	step := float64(n) / (length * 4)
	if !(step > 0) || step > 0.25 {
		return drift{}, false
	}
	obs := d.boundaryChanges(g, alongRows, step)
	if len(obs) < 12 {
		return drift{}, false
	}
	x, ok := fitDrift(obs, alongRows, n)
	if !ok {
		return drift{}, false
	}
	f := drift{x[0], x[1], x[2]}
	// A drift of more than half a module anywhere is not a correction.
	for _, c := range [][2]float64{{0, 0}, {float64(s.cols), 0}, {0, float64(s.rows)}, {float64(s.cols), float64(s.rows)}} {
		if math.Abs(f.at(c[0], c[1])) > 0.5 {
			return drift{}, false
		}
	}
	return f, true
}

// fitDrift fits boundaryDrift's a + b·u + c·v + δ·s to the observations
// of the boundaries between the n columns (along the rows) or rows: each
// belongs to the boundary nearest to it once the current fit is taken
// off; fit, assign again, fit again. It returns a, b, c and δ.
//
// The normal equations' matrix is symmetric, row[j]·row[l] being
// row[l]·row[j] in floating point too: its upper triangle is summed, each
// entry's terms in the same order, and mirrored before the solve, which
// gets the same matrix as summing every entry (boundaryDrift sums
// hundreds of observations a pass, four passes a grid).
func fitDrift(obs []observation, alongRows bool, n int) ([4]float64, bool) {
	var x [4]float64 // a, b, c, δ
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
			// The row is 1, u, v, sign: 1·1 is 1 and 1·z is z.
			s := o.sign
			ata[0][0] += 1
			ata[0][1] += u
			ata[0][2] += v
			ata[0][3] += s
			ata[1][1] += u * u
			ata[1][2] += u * v
			ata[1][3] += u * s
			ata[2][2] += v * v
			ata[2][3] += v * s
			ata[3][3] += s * s
			atb[0] += r
			atb[1] += u * r
			atb[2] += v * r
			atb[3] += s * r
			count++
		}
		if count < 12 {
			return x, false
		}
		for j := range ata {
			for l := range j {
				ata[j][l] = ata[l][j]
			}
		}
		if !geom.Solve(ata[:], atb[:], 1e-9) {
			return x, false
		}
		x = atb
	}
	return x, true
}

// boundaryChanges returns the changes of colour along every row (or down
// every column) of grid g, sampled step modules apart, but those within
// half a module of the symbol's edges: boundaryDrift's observations.
func (d *detector) boundaryChanges(g *grid, alongRows bool, step float64) []observation {
	s := g.size
	lines, n := s.rows, s.cols
	if !alongRows {
		lines, n = s.cols, s.rows
	}
	// The samples along a line, read at once (lineDarks): 0, then
	// step, 2·step, … summed as a loop over them would sum them. Their
	// number is known only through the rounding of those sums, so they
	// grow as they come: once a call, not once a line.
	sc := &d.line
	ts := append(scrub.Grow(sc.ts[:0], 1), 0)
	for t := step; t <= float64(n); t += step {
		ts = append(scrub.Grow(ts, 1), t)
	}
	sc.ts = ts
	sc.tsHeld = max(sc.tsHeld, len(ts))
	obs := d.obs[:0]
	for i := 0; i < lines; i++ {
		across := float64(i) + 0.5
		var l gridLine
		if alongRows {
			l = g.row(across)
		} else {
			l = g.column(across)
		}
		dark := d.readLine(&l, ts, g.in)
		// Room for a change a sample, made once a line rather than a
		// change at a time.
		obs = scrub.Grow(obs, len(ts))
		// The samples where the colour changes: bit k of changes is
		// set where sample k reads unlike sample k − 1, sample 0 read
		// like itself; none past the last sample.
		carry := dark[0] & 1
		for wi, w := range dark {
			changes := w ^ (w<<1 | carry)
			carry = w >> 63
			if rest := len(ts) - 64*wi; rest < 64 {
				changes &= 1<<rest - 1
			}
			for changes != 0 {
				j := bits.TrailingZeros64(changes)
				changes &= changes - 1
				at := ts[64*wi+j] - step/2
				if at < 0.5 || at > float64(n)-0.5 {
					continue // the symbol's own edges are not boundaries between modules
				}
				sign := -1.0
				if w>>j&1 != 0 {
					sign = 1
				}
				obs = append(obs, observation{along: at, across: across, sign: sign})
			}
		}
	}
	d.obs = obs
	d.held.obs = max(d.held.obs, len(obs))
	return obs
}

// observation is a change of colour seen along a row or column of
// modules: where it is (module coordinates along and across the line) and
// which way it goes (+1 light to dark, −1 dark to light).
type observation struct{ along, across, sign float64 }
