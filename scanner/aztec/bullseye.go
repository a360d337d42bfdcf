package aztec

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// The bull's-eye is a set of concentric square rings one module wide, dark
// at even distance from the dark centre module (ISO/IEC 24778 §6.1). Any
// line through the centre, at any angle, crosses the rings in runs of one
// width; a row up to two modules off the centre crosses a wider middle
// run flanked by at least two such runs on each side. Rows are scanned for
// that pattern, a candidate is checked down its column, and the centre is
// then taken from the run pattern in both directions.

// bitImage reads the binarized image; everything outside it is light.
type bitImage struct {
	m    *gozxing.BitMatrix
	w, h int
}

func (b *bitImage) darkAt(p point) bool {
	if p.x < 0 || p.y < 0 {
		return false
	}
	return b.m.Get(int(p.x), int(p.y))
}

// rowRuns returns the run lengths of row y, starting with a light run
// (empty when the row starts dark).
func rowRuns(row *gozxing.BitArray, width int, out []int) []int {
	out = out[:0]
	words := row.GetBitArray()
	prevDark := false
	start := 0
	for i, w := range words {
		base := i * 32
		if base >= width {
			break
		}
		// Bit j of t is set where pixel base+j differs from the one before.
		var carry uint32
		if prevDark {
			carry = 1
		}
		t := w ^ (w<<1 | carry)
		for t != 0 {
			j := bits.TrailingZeros32(t)
			t &= t - 1
			x := base + j
			if x >= width {
				break
			}
			out = append(out, x-start)
			start = x
		}
		prevDark = w>>31 == 1
	}
	return append(out, width-start)
}

// centre is a bull's-eye candidate: its centre and module size in pixels.
type centre struct {
	p      point
	module float64
}

// ringPattern looks at runs[i] as the middle run of a bull's-eye crossing
// and returns the module size the runs next to it suggest, or false.
func ringPattern(runs []int, i int) (float64, bool) {
	if i < 2 || i+2 >= len(runs) {
		return 0, false
	}
	l1, l2, r1, r2 := float64(runs[i-1]), float64(runs[i-2]), float64(runs[i+1]), float64(runs[i+2])
	m := (l1 + l2 + r1 + r2) / 4
	if m < 1 {
		return 0, false
	}
	for _, w := range [...]float64{l1, l2, r1, r2} {
		if w < 0.5*m || w > 1.5*m {
			return 0, false
		}
	}
	c := float64(runs[i])
	if c < 0.5*m || c > 5.5*m || math.Abs((l1+l2)-(r1+r2)) > 0.5*m+1 {
		return 0, false
	}
	return m, true
}

// findCentres scans every step-th row for the ring pattern and checks each
// hit down its column. The results are distinct centres, in scan order.
func (d *detector) findCentres(step int) []centre {
	img := &d.img
	out := d.centres[:0]
	for y := step / 2; y < img.h; y += step {
		d.row = img.m.GetRow(y, d.row)
		d.runs = rowRuns(d.row, img.w, d.runs)
		x := 0
		for i, r := range d.runs {
			start := x
			x += r
			m, ok := ringPattern(d.runs, i)
			if !ok {
				continue
			}
			cx := float64(start) + float64(r)/2
			c, ok := d.crossCheck(cx, float64(y)+0.5, m)
			d.logf("row %d hit at %.1f m %.1f: %v %+v", y, cx, m, ok, c)
			if !ok {
				continue
			}
			dup := false
			for _, o := range out {
				if o.p.sub(c.p).norm() < 2*math.Max(o.module, c.module) {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, c)
			}
		}
	}
	d.centres = out
	return out
}

// crossCheck moves from a row hit at (x, y) to the bull's-eye's centre.
// The middle of a chord across a ring lies on the centre's row or column
// only when the rings are square to the image; turned rings move it off.
// Going alternately to the middle of the column's and the row's ring
// pattern closes in on the centre, where both patterns have the dark
// centre module as their middle run.
func (d *detector) crossCheck(x, y, m float64) (centre, bool) {
	var mv, mh float64
	var ok bool
	cx, cy := x, y
	for i := 0; i < 4; i++ {
		var ny, nx float64
		var darkV, darkH bool
		if ny, mv, darkV, ok = d.lineCentre(point{cx, cy}, point{0, 1}, m); !ok {
			return centre{}, false
		}
		if nx, mh, darkH, ok = d.lineCentre(point{cx, ny}, point{1, 0}, m); !ok {
			return centre{}, false
		}
		// Pixel steps make the middles jitter by a pixel.
		tol := 0.25*m + 0.5
		settled := math.Abs(nx-cx) <= tol && math.Abs(ny-cy) <= tol
		d.logf("  iter %d: (%.1f,%.1f) → (%.1f,%.1f) dark %v %v", i, cx, cy, nx, ny, darkV, darkH)
		if settled && darkV && darkH {
			cx, cy = (cx+nx)/2, (cy+ny)/2
			if mv < 0.5*mh || mv > 2*mh {
				return centre{}, false
			}
			return centre{p: point{cx, cy}, module: (mv + mh) / 2}, true
		}
		cx, cy = nx, ny
	}
	return centre{}, false
}

// lineCentre samples the line through p along dir (a unit axis vector)
// within eight modules either way and finds the run nearest p that has the
// ring pattern round it. It returns the coordinate of the run's middle
// along dir, the module size, and whether the run is the dark centre
// module (dark and about a module wide).
func (d *detector) lineCentre(p, dir point, m float64) (float64, float64, bool, bool) {
	reach := int(8*m) + 2
	runs := d.colRuns[:0]
	starts := d.colStarts[:0]
	// Runs of whole pixels along the line, starting light.
	px, py := math.Floor(p.x), math.Floor(p.y)
	prev := false
	runStart := -reach
	for t := -reach; t <= reach; t++ {
		v := d.img.darkAt(point{px + dir.x*float64(t) + 0.5, py + dir.y*float64(t) + 0.5})
		if t == -reach {
			prev = v
			if v {
				runs = append(runs, 0)
				starts = append(starts, t)
			}
			continue
		}
		if v != prev {
			runs = append(runs, t-runStart)
			starts = append(starts, runStart)
			runStart, prev = t, v
		}
	}
	runs = append(runs, reach+1-runStart)
	starts = append(starts, runStart)
	d.colRuns, d.colStarts = runs, starts
	along := px*dir.x + py*dir.y
	here := p.x*dir.x + p.y*dir.y
	// The centre module: a dark run about a module wide with at least
	// three pairs of equal runs round it, nearest p. Failing that, the
	// middle of the pattern: the run with the most pairs of equal runs
	// round it, nearest p among equals (a chord across a ring).
	best, bestK, bestD := -1, 0, math.Inf(1)
	centreRun, centreD := -1, math.Inf(1)
	var bestM, centreM float64
	for i := range runs {
		mm, ok := ringPattern(runs, i)
		if !ok {
			continue
		}
		k := 2
		for ; k < 16 && i-k-1 >= 0 && i+k+1 < len(runs); k++ {
			l, r := float64(runs[i-k-1]), float64(runs[i+k+1])
			if math.Abs(l-r) > 0.5*mm+1 || min(l, r) < 0.5*mm || max(l, r) > 1.5*mm {
				break
			}
		}
		mid := along + float64(starts[i]) + float64(runs[i])/2
		dd := math.Abs(mid - here)
		if i%2 == 1 && k >= 3 && float64(runs[i]) <= 1.6*mm && dd < centreD {
			centreRun, centreD, centreM = i, dd, mm
		}
		if k > bestK || k == bestK && dd < bestD {
			best, bestK, bestD, bestM = i, k, dd, mm
		}
	}
	if centreRun >= 0 && centreD <= 3*m {
		best, bestD, bestM = centreRun, centreD, centreM
	}
	if best < 0 || bestD > 4*m {
		return 0, 0, false, false
	}
	mid := along + float64(starts[best]) + float64(runs[best])/2
	centreModule := best%2 == 1 && float64(runs[best]) <= 1.6*bestM
	return mid, bestM, centreModule, true
}
