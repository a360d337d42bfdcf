// Package qrfinder finds the finder pattern of the QR family (ISO/IEC
// 18004 §6.3.3; Micro QR and rMQR have one such pattern, ISO/IEC 23941
// §6.3.2) in a binarized image and fits the outer corners of its dark
// ring, from which each symbology's reader tries the orientations of its
// own grid.
package qrfinder

import (
	"cmp"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Finder is a candidate finder pattern: the 7x7 square of ISO/IEC 18004
// §6.3.3, dark ring, light ring, dark 3x3 centre, 1:1:3:1:1 along any line
// through its centre.
type Finder struct {
	X, Y   float64 // centre in pixels
	Module float64 // module size in pixels
	// off is how far its runs strayed from 1:1:3:1:1, as a share of the
	// slack allowed: 0 for a perfect pattern, up to 1; row is the image
	// row Find found it on (the column, FindColumns).
	off float64
	row int
	// smeared: its centre is the middle of the columns that cross it so
	// (smearedMiddle), its rows through the centre showing no pattern.
	smeared bool
}

// maxFinders bounds the finders Find returns: the largest, then the best
// fitting. A photo's frame holds a few dozen finder-like patches at
// most (49 in the worst of the development set's 631 images), where a
// frame of noise holds thousands, each of which would cost its readers an
// outline and a decode.
const maxFinders = 96

// Scanner finds finder patterns, keeping its scratch space between
// images; one Scanner serves one goroutine.
type Scanner struct {
	rows    bitrow.Rows
	cols    bitrow.Columns // FindColumns
	runs    []int
	finders []Finder
	// reach is the farthest any finder lies from the row it was found on
	// plus twice its module: how far up a finder that repeats a new one
	// can have been found (rows go down the image).
	reach float64
	// found and measured are the most finders and run lengths kept since
	// the last Wipe: positions and lengths of the image, which Wipe
	// clears that far, not to the capacity the busiest frame left.
	found, measured int
}

// Wipe zeroes the finders and run lengths the searches since the last
// Wipe kept: where the image's finder patterns lie and what its rows
// and columns hold. Its owner calls it once the images searched are
// done with (the finders Find returned are then zeros); the next
// search works as before.
func (r *Scanner) Wipe() {
	clear(scrub.UpTo(r.finders, r.found))
	clear(scrub.UpTo(r.runs, r.measured))
	r.rows.Done() // a search cut short leaves a row of the image copied
	r.finders, r.runs = r.finders[:0], r.runs[:0]
	r.found, r.measured, r.reach = 0, 0, 0
}

// fitFinder reports whether five runs, dark first, are 1:1:3:1:1, their
// unit, and how far the worst run strays from its length, as a share of
// its slack; pixel is how long a pixel's shift of an edge makes a run, in
// the runs' units.
func fitFinder(runs []int, pixel float64) (unit, off float64, ok bool) {
	total := 0
	for _, r := range runs[:5] {
		total += r
	}
	if total < 7 {
		return 0, 0, false
	}
	unit = float64(total) / 7
	// Binarization moves an edge by a pixel either way, which at two or
	// three pixels a module is half a module: the slack is a pixel and a
	// half at least.
	for i, want := range [5]float64{1, 1, 3, 1, 1} {
		tol := max(0.5*unit, 1.5*pixel)
		if i == 2 {
			tol = max(1.2*unit, 2*pixel)
		}
		d := math.Abs(float64(runs[i])-want*unit) / tol
		if d > 1 {
			return 0, 0, false
		}
		off = max(off, d)
	}
	return unit, off, true
}

// mayFit reports whether five runs may pass fitFinder with runs a pixel
// long: its comparisons multiplied out by 7 (and by 2 or 5) in whole
// numbers, a run refused only where it lies beyond its slack, so that
// fitFinder alone decides at the slack's very edge. Most windows of runs
// on a row are refused here, without floating point.
func mayFit(runs []int) bool {
	t := runs[0] + runs[1] + runs[2] + runs[3] + runs[4]
	// Each outer run in turn (most windows fail the first), then the
	// centre.
	return t >= 7 && outerMayFit(runs[0], t) && outerMayFit(runs[1], t) && outerMayFit(runs[3], t) && outerMayFit(runs[4], t) && centreMayFit(runs[2], t)
}

// outerMayFit is mayFit's test of an outer run r of a window of t pixels:
// |r − t/7| ≤ max(t/14, 1.5).
func outerMayFit(r, t int) bool {
	d := 7*r - t
	return 2*max(d, -d) <= max(t, 21)
}

// centreMayFit is mayFit's test of the centre run r of a window of t
// pixels: |r − 3t/7| ≤ max(1.2·t/7, 2).
func centreMayFit(r, t int) bool {
	d := 7*r - 3*t
	return 5*max(d, -d) <= max(6*t, 70)
}

// fitSpread is fitFinder for a blurred pattern whose dark runs the
// threshold has widened at the light runs' expense. A finder sits at a
// symbol's corner, against its quiet zone, so the binarizer's threshold
// there, taken from a neighbourhood the paper lightens, lies nearer the
// paper's gray than the ink's; blurred by a third of a module, every edge
// then moves out of the ink by as much, and at two or three pixels a
// module the light ring closes to a pixel, past fitFinder's slack. Each
// dark run is its modules plus the spread, each light run its module
// less it: the unit and the spread are fitted to the dark and light
// totals (five units plus three spreads, two units less two), the spread
// may reach half a module, and every run must then fit as in fitFinder.
func fitSpread(runs []int, pixel float64) (unit, off float64, ok bool) {
	dark := float64(runs[0] + runs[2] + runs[4])
	light := float64(runs[1] + runs[3])
	unit = (2*dark + 3*light) / 16
	spread := (dark - 5*unit) / 3
	if unit < 1 || spread < 0 || spread > 0.5*unit {
		return 0, 0, false
	}
	off = spread / (0.5 * unit)
	for i, want := range [5]float64{1, 1, 3, 1, 1} {
		want *= unit
		tol := max(0.5*unit, 1.5*pixel)
		if i == 2 {
			tol = max(1.2*unit, 2*pixel)
		}
		if i%2 == 0 {
			want += spread
		} else {
			want -= spread
		}
		d := math.Abs(float64(runs[i])-want) / tol
		if d > 1 {
			return 0, 0, false
		}
		off = max(off, d)
	}
	return unit, off, true
}

// Find scans every step-th row for the finder's runs and confirms each hit
// vertically, horizontally and diagonally. The result is valid until the
// next call.
func (r *Scanner) Find(bm *gozxing.BitMatrix, step int) []Finder {
	return r.find(bm, step, nil)
}

// find is Find, the rows read from rows when they are of bm (rows may be
// nil).
func (r *Scanner) find(bm *gozxing.BitMatrix, step int, rows *bitrow.SharedRows) []Finder {
	h := bm.GetHeight()
	r.finders = r.finders[:0]
	r.rows.OfShared(bm, rows)
	r.reach = 0
	if !r.rows.Shared() {
		// A row's lengths, measured here, are its width and one at most.
		r.runs = scrub.Room(r.runs, bm.GetWidth()+1)
	}
	for y := step / 2; y < h; y += step {
		var l []int
		l, r.runs = r.rows.Lengths(y, r.runs)
		r.measured = max(r.measured, len(r.runs))
		r.scanLine(bm, l, y, false)
	}
	r.rows.Done() // a row of the image
	r.keepBest()
	return r.finders
}

// keepBest keeps maxFinders of the finders at most: the largest first,
// the best fitting among alike. Texture and noise make specks of a pixel
// a module by the thousand, which fit the pattern as well as any
// symbol's but are the least likely to be one, and the least readable if
// they were.
func (r *Scanner) keepBest() {
	if len(r.finders) > maxFinders {
		slices.SortStableFunc(r.finders, func(a, b Finder) int {
			return cmp.Or(-cmp.Compare(math.Round(2*a.Module), math.Round(2*b.Module)), cmp.Compare(a.off, b.off))
		})
		r.finders = r.finders[:maxFinders]
	}
}

// scanLine confirms each window of five runs of row at (column at when
// column), whose lengths are l, that starts dark and fits 1:1:3:1:1, at
// the middle of its middle run: the windows bitrow.WindowsOf visits,
// looked at here without a call a window (a row holds hundreds, most
// refused by their first run).
func (r *Scanner) scanLine(bm *gozxing.BitMatrix, l []int, at int, column bool) {
	pos, runs := bitrow.RunsOf(l)
	if len(runs) < 5 {
		return
	}
	start := pos + runs[0] + runs[1] // where the window's middle run starts
	for i := 0; i+5 <= len(runs); i += 2 {
		win := runs[i : i+5 : i+5]
		// mayFit(win), in line.
		t := win[0] + win[1] + win[2] + win[3] + win[4]
		if t >= 7 && outerMayFit(win[0], t) && outerMayFit(win[1], t) && outerMayFit(win[3], t) && outerMayFit(win[4], t) && centreMayFit(win[2], t) {
			if unit, _, ok := fitFinder(win, 1); ok {
				mid := float64(start) + float64(win[2])/2
				if column {
					r.confirmFinder(bm, float64(at), mid, unit, true)
				} else {
					r.confirmFinder(bm, mid, float64(at), unit, false)
				}
			}
		}
		start += win[2] + win[3]
	}
}

// repeats reports whether a finder already found lies within two of its
// modules of (x, y), line being y on a search along rows (x along
// columns). Only those found on the lines within reach before it are
// looked at: a texture can hold thousands of finder-like blobs, which
// looked at all for each would cost time square in their number.
func (r *Scanner) repeats(x, y, line float64) bool {
	for i := len(r.finders) - 1; i >= 0; i-- {
		f := &r.finders[i]
		if float64(f.row) < line-r.reach {
			break
		}
		if math.Abs(f.X-x) < 2*f.Module && math.Abs(f.Y-y) < 2*f.Module {
			return true
		}
	}
	return false
}

// confirmFinder cross-checks a window of the scan line through (cx, cy)
// (row cy, or column cx where column is set) whose middle is there, and
// keeps the finder it confirms. A column's window whose row does not
// cross-check, as a finder smeared along the rows, is centred on the
// columns beside it that show the pattern (smearedMiddle).
func (r *Scanner) confirmFinder(bm *gozxing.BitMatrix, cx, cy, unit float64, column bool) {
	line := cy // the scan line's coordinate
	if column {
		line = cx
	}
	if r.repeats(cx, cy, line) {
		return
	}
	y, uy, offV, ok := crossFinder(bm, cx, cy, 0, 1, unit)
	if !ok {
		return
	}
	x, ux, offH, ok := crossFinder(bm, cx, y, 1, 0, unit)
	smeared := !ok
	if smeared {
		if !column {
			return
		}
		if x, ok = smearedMiddle(bm, cx, y, uy); !ok {
			return
		}
		// Its row not measured, the column's module stands for the
		// row's, and its fit counts as off as the slack allows.
		ux, offH = uy, 1
		if y, uy, offV, ok = crossFinder(bm, x, y, 0, 1, uy); !ok {
			return
		}
	}
	offD, ok := diagonalOff(bm, x, y, (ux+uy)/2)
	if !ok {
		return
	}
	if r.repeats(x, y, line) {
		return
	}
	f := Finder{X: x, Y: y, Module: (ux + uy) / 2, off: max(offV, offH, offD), row: int(line), smeared: smeared}
	r.finders = append(scrub.Grow(r.finders, 1), f)
	r.found = max(r.found, len(r.finders))
	across := f.Y - cy // how far the finder lies off its scan line
	if column {
		across = f.X - cx
	}
	r.reach = max(r.reach, math.Abs(across)+2*f.Module+1)
}

// diagonalOff returns how far off a finder's pattern the better of the
// two diagonals through (x, y) shows it, modules of module pixels; false
// where neither shows it. One must: at two or three pixels a module,
// blur closes the light ring at a corner now and then.
func diagonalOff(bm *gozxing.BitMatrix, x, y, module float64) (float64, bool) {
	d := math.Sqrt2 / 2
	if _, _, off, ok := crossFinder(bm, x, y, d, d, module); ok {
		return off, true
	}
	_, _, off, ok := crossFinder(bm, x, y, d, -d, module)
	return off, ok
}

// crossFinder walks both ways from a point in the finder's centre along
// (dx, dy) and checks the 1:1:3:1:1 runs, returning the refined centre
// coordinate (x for a horizontal walk, y for vertical) and the unit.
func crossFinder(bm *gozxing.BitMatrix, x, y, dx, dy, unit float64) (float64, float64, float64, bool) {
	if !Dark(bm, x, y) {
		return 0, 0, 0, false
	}
	limit := unit * 8
	var fwd, back [3]float64
	// Along a row or a column from a point on the quarter-pixel grid
	// (where the row scan and the refinements put it), the walk reads
	// each pixel once.
	axial := (dx == 0 && dy == 1 || dx == 1 && dy == 0) && onQuarters(x) && onQuarters(y)
	for side, out := range [2]*[3]float64{&fwd, &back} {
		var ok bool
		switch {
		case axial:
			ok = walkAxis(bm, x, y, dx == 0, side == 0, limit, out)
		case side == 0:
			ok = walk(bm, x, y, dx, dy, limit, out)
		default:
			ok = walk(bm, x, y, -dx, -dy, limit, out)
		}
		if !ok {
			return 0, 0, 0, false
		}
	}
	runs := []int{
		int(2 * (back[2] - back[1])), int(2 * (back[1] - back[0])),
		int(2 * (back[0] + fwd[0])),
		int(2 * (fwd[1] - fwd[0])), int(2 * (fwd[2] - fwd[1])),
	}
	// The runs are in half pixels; across a diagonal line, an edge a
	// pixel off moves by up to a pixel along each axis. Only the
	// crossings of a candidate take the dark runs' spread (fitSpread):
	// the row scan, which fits every window of every row, keeps to
	// fitFinder, lest texture make more candidates.
	pixel := 2 / math.Max(math.Abs(dx), math.Abs(dy))
	u, off, ok := fitFinder(runs, pixel)
	if !ok {
		u, off, ok = fitSpread(runs, pixel)
	}
	if !ok {
		return 0, 0, 0, false
	}
	shift := (fwd[2] - back[2]) / 2
	if dx == 0 {
		return y + shift, u / 2, off, true
	}
	return x + shift, u / 2, off, true
}

// walk samples the image every half pixel from (x, y) along (dx, dy),
// below limit, and puts in out how far it went when the samples turned
// light, dark and light again; false when they did not.
func walk(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64, out *[3]float64) bool {
	return WalkSamples(bm, x, y, dx, dy, limit, false, out[:])
}

// WalkSamples samples the image every half pixel (Dark) from (x, y)
// along (dx, dy), below limit, and puts in out how far it went where
// the samples first showed the colour looked for, dark first when
// darkFirst, then the other, and so on; it reports whether out was
// filled.
func WalkSamples(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64, darkFirst bool, out []float64) bool {
	want := darkFirst
	k := 0
	for t := 0.0; t < limit && k < len(out); t += 0.5 {
		if Dark(bm, x+dx*t, y+dy*t) == want {
			out[k] = t
			k++
			want = !want
		}
	}
	return k == len(out)
}

// walkAxis is walk down the column of x (vertical) or along the row of
// y, forward or back, from a point whose coordinates are multiples of a
// quarter, on which every step below is exact. The half-pixel samples in
// one pixel read the same; the first of them, the one the walk would
// see the pixel's value at, is how far the walk went when it turns
// there: forward, the least multiple of a half at or past the pixel's
// start; back, the least past its end. Left of (or above) the image
// everything reads light, as Dark reads it; past its far edge, Get.
func walkAxis(bm *gozxing.BitMatrix, x, y float64, vertical, forward bool, limit float64, out *[3]float64) bool {
	p, q := x, int(y) // the coordinate walked; the row or column held
	if vertical {
		p, q = y, int(x)
	}
	start, step := int(p), 1
	if !forward {
		step = -1
	}
	want := false
	k := 0
	// Past this many pixels the walk has gone limit: a pixel's first
	// sample lies more than a pixel less than its distance from start.
	for j, i := 0, start; j < int(limit)+2; j, i = j+1, i+step {
		var d bool
		switch {
		case i < 0:
			if want {
				return false // light from here on
			}
		case vertical:
			d = bm.Get(q, i)
		default:
			d = bm.Get(i, q)
		}
		if d != want {
			continue
		}
		var t float64
		switch {
		case j == 0:
			t = 0
		case forward:
			t = math.Ceil(2*(float64(i)-p)) / 2
		default:
			t = math.Floor(2*(p-float64(i)-1))/2 + 0.5
		}
		if t >= limit {
			return false
		}
		out[k] = t
		if k++; k == 3 {
			return true
		}
		want = !want
	}
	return false
}

// onQuarters reports whether v is a multiple of a quarter.
func onQuarters(v float64) bool { return 4*v == math.Trunc(4*v) }

// Corners finds the outer corners of a finder pattern, in order of angle
// around its centre (clockwise on screen), by fitting lines to the outer
// edge of its dark ring.
func Corners(bm *gozxing.BitMatrix, f Finder) ([4][2]float64, bool) {
	const rays = 64
	var ptsBuf [rays][3]float64
	pts := ptsBuf[:0] // x, y, angle
	// A smeared finder's rows show its dark centre run into its ring,
	// or its ring into the modules past the separator, on one side or
	// both, where a ray finds the ring's outer edge too far out. Along
	// any ray from the centre the edges of the centre and of the ring
	// lie 1.5 and 3.5 modules' worth out (times 1 to √2), a ratio of
	// 7/3: a smeared finder's ray is kept only where the centre's edge
	// lies within 2.5 modules, the ring's between 3 and 5.3 and the
	// ratio between 1.8 and 3, and at least half of them must be.
	least := rays * 3 / 4
	if f.smeared {
		least = rays / 2
	}
	for i := 0; i < rays; i++ {
		a := 2 * math.Pi * float64(i) / rays
		dx, dy := math.Cos(a), math.Sin(a)
		k, centre := 0, 0.0
		want := false
		for t := 0.0; t < f.Module*7 && k < 3; t += 0.25 {
			if Dark(bm, f.X+dx*t, f.Y+dy*t) == want {
				k++
				want = !want
				if k == 1 {
					centre = t
				}
				if k == 3 {
					t -= 0.125
					if !f.smeared || smearedRay(centre, t, f.Module) {
						pts = append(pts, [3]float64{f.X + dx*t, f.Y + dy*t, a})
					}
				}
			}
		}
	}
	if len(pts) < least {
		return [4][2]float64{}, false
	}
	dist := func(i int, x, y float64) float64 { return math.Hypot(pts[i][0]-x, pts[i][1]-y) }
	c1 := 0
	for i := range pts {
		if dist(i, f.X, f.Y) > dist(c1, f.X, f.Y) {
			c1 = i
		}
	}
	c3 := 0
	for i := range pts {
		if dist(i, pts[c1][0], pts[c1][1]) > dist(c3, pts[c1][0], pts[c1][1]) {
			c3 = i
		}
	}
	ax, ay := pts[c1][0], pts[c1][1]
	bx, by := pts[c3][0]-ax, pts[c3][1]-ay
	c2, c4 := -1, -1
	var d2, d4 float64
	for i := range pts {
		s := bx*(pts[i][1]-ay) - by*(pts[i][0]-ax)
		if s > d2 {
			c2, d2 = i, s
		}
		if -s > d4 {
			c4, d4 = i, -s
		}
	}
	if c2 < 0 || c4 < 0 {
		return [4][2]float64{}, false
	}
	idx := [4]int{c1, c2, c3, c4}
	for i := 1; i < 4; i++ { // by angle
		for j := i; j > 0 && pts[idx[j]][2] < pts[idx[j-1]][2]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	// Fit a line to the edge points between each pair of corners, away
	// from the corners, and intersect neighbouring lines.
	var lines [4][3]float64
	var sideBuf [rays][2]float64
	for s := 0; s < 4; s++ {
		a0, a1 := pts[idx[s]][2], pts[idx[(s+1)%4]][2]
		if a1 <= a0 {
			a1 += 2 * math.Pi
		}
		margin := (a1 - a0) * 0.2
		side := sideBuf[:0]
		for _, p := range pts {
			a := p[2]
			if a < a0 {
				a += 2 * math.Pi
			}
			if a > a0+margin && a < a1-margin {
				side = append(side, [2]float64{p[0], p[1]})
			}
		}
		if len(side) < 2 {
			side = append(sideBuf[:0], [2]float64{pts[idx[s]][0], pts[idx[s]][1]}, [2]float64{pts[idx[(s+1)%4]][0], pts[idx[(s+1)%4]][1]})
		}
		lines[s] = fitLineRobust(side, 0.25*f.Module)
	}
	var out [4][2]float64
	for s := 0; s < 4; s++ {
		p, ok := Intersect(lines[(s+3)%4], lines[s])
		if !ok {
			return out, false
		}
		out[s] = p
		if math.Hypot(out[s][0]-pts[idx[s]][0], out[s][1]-pts[idx[s]][1]) > 2*f.Module {
			out[s] = [2]float64{pts[idx[s]][0], pts[idx[s]][1]}
		}
	}
	if better, ok := refineSides(bm, f, out); ok {
		return better, true
	}
	return out, true
}

// smearedRay reports whether a ray from a smeared finder's centre that
// leaves its centre at centre and its ring at ring may have crossed
// them where they are (see Corners).
func smearedRay(centre, ring, module float64) bool {
	return centre <= 2.5*module && ring >= 3*module && ring <= 5.3*module && ring >= 1.8*centre && ring <= 3*centre
}

// refineSides fits each side of the ring again to edge points spread
// evenly along it. Rays at even angles fall on a finder seen at a steep
// angle unevenly: its short sides get a handful, from their middles,
// which cannot show how the side slants.
func refineSides(bm *gozxing.BitMatrix, f Finder, c [4][2]float64) ([4][2]float64, bool) {
	var lines [4][3]float64
	for s := 0; s < 4; s++ {
		a, b := c[s], c[(s+1)%4]
		ex, ey := b[0]-a[0], b[1]-a[1]
		length := math.Hypot(ex, ey)
		if length < 3 {
			return c, false
		}
		// The outward normal, and the module across this side: the centre
		// lies 3.5 modules in.
		nx, ny := ey/length, -ex/length
		mx, my := (a[0]+b[0])/2, (a[1]+b[1])/2
		dist := nx*(mx-f.X) + ny*(my-f.Y)
		if dist < 0 {
			nx, ny, dist = -nx, -ny, -dist
		}
		module := dist / 3.5
		if module < 0.5 {
			return c, false
		}
		const n = 12
		var sideBuf [n][2]float64
		side := sideBuf[:0]
		for j := 0; j < n; j++ {
			t := 0.15 + 0.7*float64(j)/(n-1)
			px, py := a[0]+ex*t, a[1]+ey*t
			// Out from inside the ring (or the light ring inside it) to
			// the first light pixel past its dark.
			seen := false
			for u := -0.9 * module; u <= 1.5*module; u += 0.25 {
				d := Dark(bm, px+nx*u, py+ny*u)
				if d {
					seen = true
				} else if seen {
					u -= 0.125
					side = append(side, [2]float64{px + nx*u, py + ny*u})
					break
				}
			}
		}
		if len(side) < n/2 {
			return c, false
		}
		lines[s] = fitLineRobust(side, max(0.5, 0.2*module))
	}
	var out [4][2]float64
	for s := 0; s < 4; s++ {
		p, ok := Intersect(lines[(s+3)%4], lines[s])
		if !ok {
			return c, false
		}
		out[s] = p
		if math.Hypot(out[s][0]-c[s][0], out[s][1]-c[s][1]) > f.Module {
			return c, false
		}
	}
	return out, true
}

// fitLine fits a x + b y = c (a² + b² = 1) to points by total least squares.
func fitLine(p [][2]float64) [3]float64 {
	var mx, my float64
	for _, q := range p {
		mx += q[0]
		my += q[1]
	}
	n := float64(len(p))
	mx, my = mx/n, my/n
	var sxx, sxy, syy float64
	for _, q := range p {
		dx, dy := q[0]-mx, q[1]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	// Direction of the largest spread; the normal is perpendicular.
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	a, b := -math.Sin(theta), math.Cos(theta)
	return [3]float64{a, b, a*mx + b*my}
}

// Dark samples the bit matrix at a point, outside counting as light. At
// and right of 0 the conversion to int rounds down as math.Floor would
// (a call, where the conversion is one instruction: the finder searches
// sample millions of points in a busy frame); left of it, and for NaN, the
// point is outside. Get answers false outside the matrix.
func Dark(bm *gozxing.BitMatrix, x, y float64) bool {
	if !(x >= 0 && y >= 0) {
		return false
	}
	return bm.Get(int(x), int(y))
}

// fitLineRobust fits a line, then refits twice without the points lying
// farther than tol from it (rays that stopped early on noise). It drops
// those points from p in place.
func fitLineRobust(p [][2]float64, tol float64) [3]float64 {
	l := fitLine(p)
	for pass := 0; pass < 2; pass++ {
		kept := p[:0]
		for _, q := range p {
			if math.Abs(l[0]*q[0]+l[1]*q[1]-l[2]) <= tol {
				kept = append(kept, q)
			}
		}
		if len(kept) < 2 || len(kept) == len(p) {
			break
		}
		p = kept
		l = fitLine(p)
	}
	return l
}

// Repeats reports whether a result repeats one already found: the same
// text with its first corner inside the other's outline.
func Repeats(have []*gozxing.Result, res *gozxing.Result) bool {
	p := res.GetResultPoints()[0]
	for _, h := range have {
		if h.GetText() != res.GetText() {
			continue
		}
		q := h.GetResultPoints()
		minX, maxX, minY, maxY := q[0].GetX(), q[0].GetX(), q[0].GetY(), q[0].GetY()
		for _, c := range q[1:] {
			minX, maxX = min(minX, c.GetX()), max(maxX, c.GetX())
			minY, maxY = min(minY, c.GetY()), max(maxY, c.GetY())
		}
		if p.GetX() >= minX && p.GetX() <= maxX && p.GetY() >= minY && p.GetY() <= maxY {
			return true
		}
	}
	return false
}

// FitLine fits a x + b y = c (a² + b² = 1) to points by total least
// squares, refitting without the points lying farther than tol from the
// line. It reorders p.
func FitLine(p [][2]float64, tol float64) [3]float64 { return fitLineRobust(p, tol) }

// Intersect returns where lines a x + b y = c meet, false when they are
// parallel.
func Intersect(l1, l2 [3]float64) ([2]float64, bool) {
	det := l1[0]*l2[1] - l1[1]*l2[0]
	if math.Abs(det) < 1e-9 {
		return [2]float64{}, false
	}
	return [2]float64{(l1[2]*l2[1] - l1[1]*l2[2]) / det, (l1[0]*l2[2] - l1[2]*l2[0]) / det}, true
}
