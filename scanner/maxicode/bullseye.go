package maxicode

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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
	var y int
	visit := func(win []int, cx float64) {
		if unit, ok := matchesBullseye(win); ok {
			r.confirm(bm, cx, float64(y), unit)
		}
	}
	for y = step / 2; y < h; y += step {
		var l []int
		l, r.runs = r.rows.Lengths(y, r.runs)
		bitrow.WindowsOf(l, 11, visit)
	}
	r.rows.Done() // a row of the image
	slices.SortStableFunc(r.found, func(a, b bullseye) int { return b.hits - a.hits })
	return r.found
}

// confirm checks a row hit along the column and back along the row,
// refining the centre, and records it unless already known.
//
// A row just off the centre can pass for one through it (a light ring
// crossed where the centre would be), and its cross-checks then settle
// on a point of that ring, a ring or two from the true centre. So hits
// are merged only within a ring of each other, and the candidate the most
// rows confirmed is tried first.
func (r *Reader) confirm(bm *gozxing.BitMatrix, cx, cy, unit float64) {
	if i := r.near(cx, cy); i >= 0 {
		r.found[i].hits++
		return
	}
	y, uy, ok := crossCheck(bm, cx, cy, 0, 1, unit)
	if !ok {
		return
	}
	x, ux, ok := crossCheck(bm, cx, y, 1, 0, unit)
	if !ok {
		return
	}
	// A diagonal must agree too: rings are round, data is not. One of the
	// two will do: at two or three pixels a ring, a thin light ring seen
	// along a diagonal of the pixel grid can close up, and a data module
	// touching the outer ring can break the count on one side.
	if !r.diagonalAgrees(bm, x, y, (ux+uy)/2) {
		return
	}
	if i := r.near(x, y); i >= 0 {
		r.found[i].hits++
		return
	}
	r.found = append(r.found, bullseye{x: x, y: y, unit: (ux + uy) / 2, hits: 1})
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
func (r *Reader) diagonalAgrees(bm *gozxing.BitMatrix, x, y, unit float64) bool {
	d := math.Sqrt2 / 2
	for _, dy := range [2]float64{d, -d} {
		if t, _, ok := crossCheck(bm, x, y, d, dy, unit); ok && math.Abs(t) <= 2*unit {
			return true
		}
	}
	return false
}

// crossCheck walks from (x, y) both ways along direction (dx, dy), expecting
// to start in the light centre and cross five rings each way. It returns
// the refined centre coordinate along the walk (for dx=1 the x, for dy=1
// the y, for a diagonal the offset from the start) and the unit.
func crossCheck(bm *gozxing.BitMatrix, x, y, dx, dy, unit float64) (float64, float64, bool) {
	if dark(bm, x, y) {
		return 0, 0, false
	}
	limit := unit * 16
	var fwd, back [6]float64 // distances of the 6 transitions each way
	for side, out := range [2]*[6]float64{&fwd, &back} {
		sx, sy := dx, dy
		if side == 1 {
			sx, sy = -dx, -dy
		}
		want := true // next colour looked for
		k := 0
		for t := 0.0; t < limit && k < 6; t += 0.5 {
			if dark(bm, x+sx*t, y+sy*t) == want {
				out[k] = t
				k++
				want = !want
			}
		}
		if k < 6 {
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
