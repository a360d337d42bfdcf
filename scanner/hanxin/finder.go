package hanxin

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// candidate is a possible finder pattern: the centre of its 3 x 3 dark
// square (which a light ring isolates) and the module size.
type candidate struct {
	x, y, module float64
	hits         int
	unit         float64
}

// matchesFinder reports whether five runs, dark first, cross a finder
// pattern from its angles into its square (1:1:1:1:3) or the other way
// (3:1:1:1:1), and returns the unit and the index of the square's run.
// Any line through the square's centre that leaves through the angles
// shows these proportions, whatever the symbol's turn.
func matchesFinder(runs []int) (unit float64, square int, ok bool) {
	// The square's run, at least 1.9 units, is longer than any other,
	// at most 1.55: a window where neither end run is the longest fails
	// the proportions below whatever the unit.
	if inner := max(runs[1], runs[2], runs[3]); runs[0] <= inner && runs[4] <= inner {
		return 0, 0, false
	}
	return finderProportions(runs)
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

// findCandidates scans every step-th row and column for the finder's
// runs. A row crosses two of a symbol's finders through their angles
// whatever its turn, a column the other two. The columns are those hints
// share (hint.Columns) when they are of bm.
func (r *Reader) findCandidates(bm *gozxing.BitMatrix, step int, hints map[gozxing.DecodeHintType]interface{}) []candidate {
	w, h := bm.GetWidth(), bm.GetHeight()
	r.cands = r.cands[:0]
	var line int
	var vertical bool
	visit := func(win []int, mid float64) {
		unit, sq, ok := matchesFinder(win)
		if !ok {
			return
		}
		// The middle run's centre is mid; find the square's.
		start2 := mid - float64(win[2])/2
		c := start2 + float64(win[2]+win[3]) + float64(win[4])/2
		if sq == 0 {
			c = start2 - float64(win[1]) - float64(win[0])/2
		}
		x, y := c, float64(line)+0.5
		if vertical {
			x, y = y, c
		}
		r.confirm(bm, x, y, unit)
	}
	if r.row == nil || r.row.GetSize() != w {
		r.row = gozxing.NewBitArray(w)
	}
	for line = step / 2; line < h; line += step {
		r.runs = bitrow.Windows(bm.GetRow(line, r.row), w, 5, r.runs, visit)
	}
	vertical = true
	cols := r.cols.OfShared(bm, hints)
	for line = step / 2; line < w; line += step {
		r.runs = bitrow.Windows(cols[line], h, 5, r.runs, visit)
	}
	return r.cands
}

// confirm centres a hit on its dark square and keeps it when the square
// is about 3 x 3 modules of the unit and ringed by light.
func (r *Reader) confirm(bm *gozxing.BitMatrix, x, y, unit float64) {
	for i := range r.cands {
		c := &r.cands[i]
		if math.Abs(c.x-x) < 1.5*c.module && math.Abs(c.y-y) < 1.5*c.module {
			c.hits++
			return
		}
	}
	if !dark(bm, x, y) {
		return
	}
	// Chord midpoints of a centrally symmetric shape close in on its
	// centre.
	var ch [4]chord
	for range 2 {
		var ok bool
		if ch[0], ok = walkChord(bm, x, y, 1, 0, 6*unit); !ok {
			return
		}
		x += ch[0].shift()
		if ch[1], ok = walkChord(bm, x, y, 0, 1, 6*unit); !ok {
			return
		}
		y += ch[1].shift()
	}
	d := math.Sqrt2 / 2
	var ok bool
	if ch[0], ok = walkChord(bm, x, y, 1, 0, 6*unit); !ok {
		return
	}
	// The shortest chord through a square's centre is its side; the
	// longest, a diagonal, is at most √2 sides. The side is at most the
	// shortest of the chords walked so far and the longest at least
	// their longest, so chords too unlike, or one too short, already
	// fail the test below: the diagonals are walked only where they
	// could pass it.
	side, long := min(ch[0].length(), ch[1].length()), max(ch[0].length(), ch[1].length())
	if long > 1.7*side || side/3 < 0.6*unit/math.Sqrt2 {
		return
	}
	if ch[2], ok = walkChord(bm, x, y, d, d, 6*unit); !ok {
		return
	}
	side, long = min(side, ch[2].length()), max(long, ch[2].length())
	if long > 1.7*side || side/3 < 0.6*unit/math.Sqrt2 {
		return
	}
	if ch[3], ok = walkChord(bm, x, y, d, -d, 6*unit); !ok {
		return
	}
	side, long = min(side, ch[3].length()), max(long, ch[3].length())
	module := side / 3
	if long > 1.7*side || module < 0.6*unit/math.Sqrt2 || module > 1.5*unit {
		return
	}
	// The light ring: past each end of every chord, light for a third of
	// a module at least (a binarizer thins light modules next to dark).
	dark8 := 0
	for _, c := range ch {
		for _, s := range [2]float64{c.pos, -c.neg} {
			t := s + math.Copysign(module/3, s)
			if dark(bm, x+c.dx*t, y+c.dy*t) {
				dark8++
			}
		}
	}
	if dark8 > 2 {
		return
	}
	for i := range r.cands {
		c := &r.cands[i]
		if math.Abs(c.x-x) < 1.5*c.module && math.Abs(c.y-y) < 1.5*c.module {
			c.hits++
			return
		}
	}
	r.cands = append(r.cands, candidate{x: x, y: y, module: module, hits: 1, unit: unit})
}

// chord is a dark run through a point along (dx, dy): it reaches pos
// pixels forward and neg back, where the first light samples lie.
type chord struct{ dx, dy, pos, neg float64 }

func (c chord) shift() float64  { return (c.pos - c.neg) / 2 * (c.dx + c.dy) }
func (c chord) length() float64 { return c.pos + c.neg }

// walkChord walks both ways from a dark point along (dx, dy) to the
// light, up to limit pixels.
func walkChord(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) (chord, bool) {
	c := chord{dx: dx, dy: dy}
	switch {
	case dx == 1 && dy == 0:
		return walkAxis(bm, x, y, false, limit, c)
	case dx == 0 && dy == 1:
		return walkAxis(bm, y, x, true, limit, c)
	}
	return stepChord(bm, x, y, dx, dy, limit)
}

// stepChord is walkChord by its definition, in any direction: half-pixel
// steps both ways.
func stepChord(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) (chord, bool) {
	c := chord{dx: dx, dy: dy}
	for side, s := range [2]float64{1, -1} {
		t := 0.0
		for ; t < limit; t += 0.5 {
			if !dark(bm, x+s*dx*t, y+s*dy*t) {
				break
			}
		}
		if t >= limit {
			return c, false
		}
		if side == 0 {
			c.pos = t
		} else {
			c.neg = t
		}
	}
	return c, true
}

// walkAxis is walkChord along a row (or, with column, a column): from p
// along it, at q across it. Its half-pixel steps sample each pixel twice,
// so it visits each pixel once at the first step that samples it: from
// p's pixel i0 = ⌊p⌋, pixel i0+m (m ≥ 1) is first sampled m pixels on, or
// m−½ when p's fraction is ½ or more; back, pixel i0−m is first sampled
// m pixels back, or m−½ when the fraction is under ½.
func walkAxis(bm *gozxing.BitMatrix, p, q float64, column bool, limit float64, c chord) (chord, bool) {
	fi := math.Floor(p)
	i0, j := int(fi), int(math.Floor(q))
	n, across := bm.GetWidth(), bm.GetHeight()
	if column {
		n, across = across, n
	}
	upper := math.Floor(p+0.5) > fi // the fraction is ½ or more
	darkAt := func(i int) bool {
		if i < 0 || i >= n || j < 0 || j >= across {
			return false
		}
		if column {
			return bm.Get(j, i)
		}
		return bm.Get(i, j)
	}
	for side := range 2 {
		step, early := 1, upper
		if side == 1 {
			step, early = -1, !upper
		}
		t := 0.0
		for m := 0; ; m++ {
			if m > 0 {
				t = float64(m)
				if early {
					t -= 0.5
				}
			}
			if t >= limit {
				return c, false
			}
			if !darkAt(i0 + step*m) {
				break
			}
		}
		if side == 0 {
			c.pos = t
		} else {
			c.neg = t
		}
	}
	return c, true
}

// dark samples the bit matrix at a point, outside counting as light.
func dark(bm *gozxing.BitMatrix, x, y float64) bool {
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	if ix < 0 || iy < 0 || ix >= bm.GetWidth() || iy >= bm.GetHeight() {
		return false
	}
	return bm.Get(ix, iy)
}
