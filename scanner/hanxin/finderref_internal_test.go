package hanxin

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// The finder's proportions and the chords as they are defined, in
// floating point, one step at a time: the references the search's
// whole-number tests and walks (finderSquare, walkAxis,
// stepChordWithin) are checked against.

// matchesFinder reports whether five runs, dark first, cross a finder
// pattern from its angles into its square (1:1:1:1:3) or the other way
// (3:1:1:1:1), and returns the unit and the index of the square's run.
// Any line through the square's centre that leaves through the angles
// shows these proportions, whatever the symbol's turn.
func matchesFinder(runs []int) (unit float64, square int, ok bool) {
	if !endRunLongest(runs) {
		return 0, 0, false
	}
	return finderProportions(runs)
}

// endRunLongest reports whether an end run of five is longer than the
// inner three. The square's run, at least 1.9 units, is longer than any
// other, at most 1.55: a window where neither end run is the longest
// fails the finder's proportions whatever the unit.
func endRunLongest(runs []int) bool {
	inner := max(runs[1], runs[2], runs[3])
	return runs[0] > inner || runs[4] > inner
}

// finderProportions is matchesFinder without its shortcut: the
// proportions measured.
func finderProportions(runs []int) (unit float64, square int, ok bool) {
	total := 0
	for _, r := range runs[:5] {
		total += r
	}
	if total < 7 {
		return 0, 0, false
	}
	// Whole-number bounds first, a hundredth of a unit looser than the
	// test below (far more than its rounding): the three inner runs, a
	// unit in either orientation, within 0.44 to 1.56 units, and the
	// longer end run at least 1.89 (a square's 3 less 1.1). Most windows
	// of a textured frame fail them.
	for _, r := range runs[1:4] {
		if 700*r < 44*total || 700*r > 156*total {
			return 0, 0, false
		}
	}
	if 700*max(runs[0], runs[4]) < 189*total {
		return 0, 0, false
	}
	return finderMeasure(runs, total)
}

// finderMeasure is finderProportions of runs, total pixels long, within
// its whole-number bounds: the proportions measured.
func finderMeasure(runs []int, total int) (unit float64, square int, ok bool) {
	unit = float64(total) / 7
	for _, sq := range [2]int{4, 0} {
		good := true
		for i, r := range runs[:5] {
			want, tol := 1.0, 0.55
			if i == sq {
				want, tol = 3, 1.1
			}
			if math.Abs(float64(r)-want*unit) > tol*unit {
				good = false
				break
			}
		}
		if good {
			return unit, sq, true
		}
	}
	return 0, 0, false
}

// walkChord walks both ways from a dark point along (dx, dy) to the
// light, up to limit pixels, in the image l serves.
func (l *lines) walkChord(x, y, dx, dy, limit float64) (chord, bool) {
	c := chord{dx: dx, dy: dy}
	switch {
	case dx == 1 && dy == 0:
		return l.walkAxis(x, y, false, reachOf(limit), c)
	case dx == 0 && dy == 1:
		return l.walkAxis(y, x, true, reachOf(limit), c)
	}
	return stepChord(l.bm, x, y, dx, dy, limit)
}

// stepChord is walkChord by its definition, in any direction: half-pixel
// steps both ways.
func stepChord(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) (chord, bool) {
	return stepChordWithin(bm, x, y, dx, dy, limit, math.Inf(1))
}
