package maxicode

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The bullseye finder (ISO/IEC 16023 §4.2.2): three dark rings around a
// light centre. A line through the centre crosses eleven runs, dark first,
// of about equal width except the centre, which printers make one and a
// half to three widths wide.

// bullseye is a located finder: its centre and ring width in pixels.
type bullseye struct {
	x, y float64
	unit float64
	hits int // rows that confirmed it
}

// matchesBullseye reports whether eleven runs, dark first, have the
// bullseye's proportions, and returns the width of one ring.
//
// A binarization threshold off the middle of the ink and paper levels
// widens every dark run by the amount it narrows every light one; at two
// or three pixels a ring that bias is as large as a ring's tolerance. It
// cancels in the rings' period, a dark run and the light one beside it,
// which is tested first; each run is then compared with the mean of its
// own colour, and the bias (half the difference of the means) is bounded
// on its own. Every row of the image passes through here, so the tests
// that reject most windows come first, in integers.
func matchesBullseye(runs []int) (float64, bool) {
	// The outer ring may touch a dark module beyond it, so only the inner
	// eight runs set the unit, and the outer two need only be wide enough.
	left := runs[1] + runs[2] + runs[3] + runs[4]
	right := runs[6] + runs[7] + runs[8] + runs[9]
	sum := left + right
	if sum < 8 || 4*abs(left-right) > sum {
		return 0, false
	}
	// Periods within half a ring of two rings, those starting at runs 1,
	// 2, 3, 6, 7 and 8 (written out: every row window passes here).
	if !periodFits(runs, 1, sum) || !periodFits(runs, 2, sum) || !periodFits(runs, 3, sum) ||
		!periodFits(runs, 6, sum) || !periodFits(runs, 7, sum) || !periodFits(runs, 8, sum) {
		return 0, false
	}
	unit := float64(sum) / 8
	darkSum := runs[2] + runs[4] + runs[6] + runs[8]
	darkMean, lightMean := float64(darkSum)/4, float64(sum-darkSum)/4
	bias := (darkMean - lightMean) / 2 // how much each dark run was widened
	if math.Abs(bias) >= 0.5*unit {
		return 0, false
	}
	for i, r := range runs {
		switch {
		case i == 5:
			// The centre, one and a half to three rings wide, is light.
			if c := float64(r) + bias; c < 0.8*unit || c > 4*unit {
				return 0, false
			}
		case i == 0 || i == 10:
			if d := float64(r) - bias - unit; d < -0.5*unit {
				return 0, false
			}
		case i%2 == 0:
			if math.Abs(float64(r)-darkMean) > 0.5*unit {
				return 0, false
			}
		default:
			if math.Abs(float64(r)-lightMean) > 0.5*unit {
				return 0, false
			}
		}
	}
	return unit, true
}

// periodFits reports whether runs i and i+1, a dark and a light ring, are
// within half a ring of two rings' width, sum/8 each: |8 period − 2 sum| ≤
// sum/2.
func periodFits(runs []int, i, sum int) bool {
	return 2*abs(8*(runs[i]+runs[i+1])-2*sum) <= sum
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// findBullseyes scans every step-th row for the run pattern, confirms each
// hit across the column through it, and returns distinct finders.
func (r *Reader) findBullseyes(bm *gozxing.BitMatrix, step int, hints map[gozxing.DecodeHintType]interface{}) []bullseye {
	h := bm.GetHeight()
	r.found = r.found[:0]
	r.rows.Of(bm, hints)
	// The cross-checks read the image from the shared rows where there
	// are some (the other readers of the image copy every row anyway).
	r.img = pixels{bm: bm}
	r.img.words, r.img.stride, _ = r.rows.Words()
	for y := step / 2; y < h; y += step {
		var l []int
		l, r.runs = r.rows.Lengths(y, r.runs)
		r.measured = max(r.measured, len(r.runs))
		bullseyeWindows(l, func(cx, unit float64) { r.confirm(cx, float64(y), unit) })
	}
	r.rows.Done() // a row of the image
	r.img = pixels{}
	slices.SortStableFunc(r.found, func(a, b bullseye) int { return b.hits - a.hits })
	return r.found
}

// bullseyeWindows tries every window of eleven runs of a row whose run
// lengths (as bitrow.Lengths gives them) are l, that starts dark, as
// bitrow.WindowsOf gives them, and calls hit with the middle of the
// middle run and the unit of each that has the bullseye's proportions.
// matchesBullseye's tests in integers, the inner runs' sums and the
// rings' periods, which most windows fail, are made here as it makes
// them, without the call: a window that fails them fails
// matchesBullseye.
func bullseyeWindows(l []int, hit func(cx, unit float64)) {
	const n = 11
	pos, runs := bitrow.RunsOf(l)
	if n > len(runs) {
		return
	}
	// start is where the window's middle run starts.
	start := pos
	for _, w := range runs[:n/2] {
		start += w
	}
	for i := 0; i+n <= len(runs); i += 2 {
		win := runs[i : i+n : i+n]
		left := win[1] + win[2] + win[3] + win[4]
		right := win[6] + win[7] + win[8] + win[9]
		if sum := left + right; sum >= 8 && 4*abs(left-right) <= sum &&
			periodFits(win, 1, sum) && periodFits(win, 2, sum) && periodFits(win, 3, sum) &&
			periodFits(win, 6, sum) && periodFits(win, 7, sum) && periodFits(win, 8, sum) {
			if unit, ok := matchesBullseye(win); ok {
				hit(float64(start)+float64(win[n/2])/2, unit)
			}
		}
		if i+n/2+1 < len(runs) {
			start += runs[i+n/2] + runs[i+n/2+1]
		}
	}
}

// confirm checks a row hit along the column and back along the row,
// refining the centre, and records it unless already known.
//
// A row just off the centre can pass for one through it (a light ring
// crossed where the centre would be), and its cross-checks then settle
// on a point of that ring, a ring or two from the true centre. So hits
// are merged only within a ring of each other, and the candidate the most
// rows confirmed is tried first.
func (r *Reader) confirm(cx, cy, unit float64) {
	if i := r.near(cx, cy); i >= 0 {
		r.found[i].hits++
		return
	}
	y, uy, ok := crossCheck(&r.img, cx, cy, 0, 1, unit)
	if !ok {
		return
	}
	x, ux, ok := crossCheck(&r.img, cx, y, 1, 0, unit)
	if !ok {
		return
	}
	// A diagonal must agree too: rings are round, data is not. One of the
	// two will do: at two or three pixels a ring, a thin light ring seen
	// along a diagonal of the pixel grid can close up, and a data module
	// touching the outer ring can break the count on one side.
	if !r.diagonalAgrees(x, y, (ux+uy)/2) {
		return
	}
	if i := r.near(x, y); i >= 0 {
		r.found[i].hits++
		return
	}
	// Grown with the old array cleared: one append outgrew would be
	// dropped with where the bullseyes lie, which nothing clears.
	r.found = append(scrub.Grow(r.found, 1), bullseye{x: x, y: y, unit: (ux + uy) / 2, hits: 1})
	r.kept = max(r.kept, len(r.found))
}

// near returns the index of the finder found within a ring of (x, y), or -1.
func (r *Reader) near(x, y float64) int {
	for i, b := range r.found {
		if math.Abs(b.x-x) < b.unit && math.Abs(b.y-y) < b.unit {
			return i
		}
	}
	return -1
}

// diagonalAgrees reports whether either diagonal through (x, y) crosses
// the rings centred within two rings of it.
func (r *Reader) diagonalAgrees(x, y, unit float64) bool {
	d := math.Sqrt2 / 2
	for _, dy := range [2]float64{d, -d} {
		if t, _, ok := crossCheck(&r.img, x, y, d, dy, unit); ok && math.Abs(t) <= 2*unit {
			return true
		}
	}
	return false
}

// pixels is a binarized image as the cross-checks read it: its rows'
// words (row y at y*stride) where the engine shares them, else the
// matrix.
type pixels struct {
	bm     *gozxing.BitMatrix
	words  []uint32 // nil: read bm
	stride int
}

// crossCheck walks from (x, y) both ways along direction (dx, dy), expecting
// to start in the light centre and cross five rings each way. It returns
// the refined centre coordinate along the walk (for dx=1 the x, for dy=1
// the y, for a diagonal the offset from the start) and the unit.
func crossCheck(img *pixels, x, y, dx, dy, unit float64) (float64, float64, bool) {
	if dark(img.bm, x, y) {
		return 0, 0, false
	}
	limit := unit * 16
	var fwd, back [6]float64 // distances of the 6 transitions each way
	for side, out := range [2]*[6]float64{&fwd, &back} {
		sx, sy := dx, dy
		if side == 1 {
			sx, sy = -dx, -dy
		}
		if !walkChanges(img, x, y, sx, sy, limit, out) {
			return 0, 0, false
		}
	}
	runs := [11]int{}
	// runs from the far side (back) to the far side (fwd), in half pixels
	for i := 0; i < 5; i++ {
		runs[i] = int(2 * (back[5-i] - back[4-i]))
		runs[10-i] = int(2 * (fwd[5-i] - fwd[4-i]))
	}
	runs[5] = int(2 * (back[0] + fwd[0]))
	u, ok := matchesBullseye(runs[:])
	if !ok {
		return 0, 0, false
	}
	shift := (fwd[4] - back[4]) / 2
	switch {
	case dx == 0:
		return y + shift, u / 2, true
	case dy == 0:
		return x + shift, u / 2, true
	}
	return shift, u / 2, true
}

// walkChanges samples the line from (x, y) along (sx, sy) at t = 0, ½, 1,
// … below limit and records in out the first six t at which the colour
// looked for, dark first, then light, and so on, shows; it reports
// whether there were six.
//
// Along a row or a column (sx or sy zero) a pixel takes two samples or
// so, one look at the matrix each: there the pixels are read instead,
// and the samples that land on the first pixel of the colour looked for
// are found from where each sample lands, which only moves one way.
func walkChanges(img *pixels, x, y, sx, sy, limit float64, out *[6]float64) bool {
	bm := img.bm
	const big = 1 << 40 // coordinates far inside float64's exact integers
	if (sx == 0) == (sy == 0) || !(math.Abs(x) < big && math.Abs(y) < big && limit < big) {
		return walkSamples(bm, x, y, sx, sy, limit, out)
	}
	// The walk moves c (y down a column, x along a row) by s·t; the
	// other coordinate, plus ±0, stays as it is.
	c, s, fixed, n := y, sy, x, bm.GetHeight()
	if sy == 0 {
		c, s, fixed, n = x, sx, y, bm.GetWidth()
	}
	if !(fixed >= 0) {
		return false // every sample light: no dark one to start with
	}
	f := int(fixed)
	colour := func(p int) bool { // pixel p of the line; light outside
		if sy == 0 {
			return bm.Get(p, f)
		}
		return bm.Get(f, p)
	}
	// pixel is where sample i lands, as dark reads it: -1 left of the
	// line's start (c+s·t < 0), n past its end, else int(c+s·t). It
	// moves only the way s points.
	pixel := func(i int) int {
		v := c + s*(float64(i)*0.5)
		switch {
		case !(v >= 0):
			return -1
		case v >= float64(n):
			return n
		}
		return int(v)
	}
	step := 1
	if s < 0 {
		step = -1
	}
	// The last sample below limit, and where it lands: no pixel past
	// that one is seen.
	lastI := int(limit * 2)
	for lastI >= 0 && !(float64(lastI)*0.5 < limit) {
		lastI--
	}
	for float64(lastI+1)*0.5 < limit {
		lastI++
	}
	if lastI < 0 {
		return false
	}
	last := pixel(lastI)
	want := true
	k := 0
	for i := 0; k < 6; {
		t := float64(i) * 0.5 // as the loop adding ½ from 0 has it
		if i > lastI {
			return false
		}
		p := pixel(i)
		if colour(p) == want {
			out[k] = t
			k++
			want = !want
			i++
			continue
		}
		// The next pixel of the colour looked for up to last, the line
		// past its ends (-1 and n) being light.
		q, ok := img.nextPixel(f, sy == 0, p, min(max(last, -1), n), step, want)
		if !ok {
			return false
		}
		// The first sample past i that lands on q or beyond: guessed
		// from c+s·t = q, then moved to it.
		j := i + 1
		if g := int((float64(q)-c)*s*2) - 1; g > j {
			j = g
		}
		for j > i+1 && reaches(pixel(j-1), q, step) {
			j--
		}
		for !reaches(pixel(j), q, step) {
			j++
		}
		i = j
	}
	return true
}

// nextPixel returns the first pixel past p, going the way of step, up to
// last (-1 … n), that has colour want, where the line of the image, row f
// (alongRow) or column f, lies between -1 and n and is light there; false
// when there is none.
func (img *pixels) nextPixel(f int, alongRow bool, p, last, step int, want bool) (int, bool) {
	bm := img.bm
	// The pixels of the image up to last, [p+1, end] or [end, p-1].
	end := min(last, bm.GetHeight()-1)
	if alongRow {
		end = min(last, bm.GetWidth()-1)
	}
	if step < 0 {
		end = max(last, 0)
	}
	q := p + step
	// Down a column of the image, a row's words apart.
	words, stride := img.words, img.stride
	if alongRow || f >= bm.GetWidth() {
		words = nil
	}
	sh := uint(f) & 31
	switch {
	case words != nil && step > 0:
		for i := q*stride + f>>5; q <= end && (words[i]>>sh&1 != 0) != want; q, i = q+1, i+stride {
		}
	case words != nil:
		for i := q*stride + f>>5; q >= end && (words[i]>>sh&1 != 0) != want; q, i = q-1, i-stride {
		}
	case alongRow && step > 0:
		for ; q <= end && bm.Get(q, f) != want; q++ {
		}
	case alongRow:
		for ; q >= end && bm.Get(q, f) != want; q-- {
		}
	case step > 0:
		for ; q <= end && bm.Get(f, q) != want; q++ {
		}
	default:
		for ; q >= end && bm.Get(f, q) != want; q-- {
		}
	}
	if reaches(end, q, step) {
		return q, true
	}
	// Past the image's pixels: light, if the walk gets there.
	if !want && last != end {
		return last, true
	}
	return 0, false
}

// reaches reports whether pixel p is at q or past it, going the way of
// step.
func reaches(p, q, step int) bool {
	if step > 0 {
		return p >= q
	}
	return p <= q
}

// walkSamples is walkChanges sample by sample.
func walkSamples(bm *gozxing.BitMatrix, x, y, sx, sy, limit float64, out *[6]float64) bool {
	return qrfinder.WalkSamples(bm, x, y, sx, sy, limit, true, out[:])
}

// dark samples the bit matrix at a point, outside counting as light. At
// and right of 0 the conversion to int rounds down as math.Floor would
// (a call, where the conversion is one instruction: crossCheck samples
// millions of points in a busy frame); left of it, and for NaN, the point
// is outside. Get answers false outside the matrix.
func dark(bm *gozxing.BitMatrix, x, y float64) bool {
	if !(x >= 0 && y >= 0) {
		return false
	}
	return bm.Get(int(x), int(y))
}
