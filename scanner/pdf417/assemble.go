package pdf417

import (
	"errors"
	"math"
)

// Symbol size limits (ISO/IEC 15438 §5.2).
const (
	minRows    = 3
	maxRows    = 90
	maxColumns = 30
	maxECLevel = 8
)

var (
	errNoLayout   = errors.New("pdf417: row indicators give no consistent layout")
	errTooDamaged = errors.New("pdf417: too few codewords read")
)

// layout is a symbol's size and error correction level, as its row
// indicators tell them (§5.3.4).
type layout struct {
	rows, cols, ecLevel int
	compact             bool
}

// tally counts votes for small integers.
type tally map[int]int

func (t tally) best() (int, int) {
	bv, bc := -1, 0
	for v, c := range t {
		if c > bc || (c == bc && v < bv) {
			bv, bc = v, c
		}
	}
	return bv, bc
}

// rowIndicator is what one row indicator codeword says: its row, and one of
// the layout parameters depending on the row's cluster.
func rowOf(value, cluster int) int { return 3*(value/30) + cluster/3 }

// assembler turns the codewords read on many lines into the codeword matrix.
type assembler struct {
	lines []lineRead
}

// findLayout votes the layout from all row indicators read.
func (a *assembler) findLayout() (layout, error) {
	upper, lower, ecl, cols := tally{}, tally{}, tally{}, tally{}
	stops := 0
	for i := range a.lines {
		ln := &a.lines[i]
		if ln.stopAt >= 0 {
			stops++
		}
		for _, rd := range ln.reads {
			if rd.slot == 0 {
				// Left row indicator.
				y := rd.value % 30
				switch rd.cluster {
				case 0:
					upper[y]++
				case 3:
					ecl[y/3]++
					lower[y%3]++
				case 6:
					cols[y+1]++
				}
			}
			if ln.stopAt >= 2 && rd.slot == ln.stopAt-1 {
				// Right row indicator.
				y := rd.value % 30
				switch rd.cluster {
				case 0:
					cols[y+1]++
				case 3:
					upper[y]++
				case 6:
					ecl[y/3]++
					lower[y%3]++
				}
			}
		}
	}
	u, uc := upper.best()
	l, lc := lower.best()
	e, ec := ecl.best()
	c, cc := cols.best()
	if uc == 0 || lc == 0 || ec == 0 || cc == 0 {
		return layout{}, errNoLayout
	}
	lay := layout{rows: 3*u + l + 1, cols: c, ecLevel: e, compact: stops == 0}
	if lay.rows < minRows || lay.rows > maxRows || lay.cols < 1 || lay.cols > maxColumns ||
		lay.ecLevel > maxECLevel || lay.rows*lay.cols > maxCodewords || 2<<lay.ecLevel >= lay.rows*lay.cols {
		return layout{}, errNoLayout
	}
	return lay, nil
}

// cellVotes counts the values read for one codeword position.
type cellVotes struct {
	value [3]int
	count [3]int
}

func (c *cellVotes) add(v, weight int) {
	for i := range c.value {
		if c.count[i] > 0 && c.value[i] == v {
			c.count[i] += weight
			return
		}
	}
	// Replace the weakest candidate.
	w := 0
	for i := range c.count {
		if c.count[i] < c.count[w] {
			w = i
		}
	}
	if c.count[w] <= 1 {
		c.value[w], c.count[w] = v, weight
	}
}

// ranked returns the values with most and second most votes, with their
// counts (0 when there is no such value).
func (c *cellVotes) ranked() (best, bestCount, second, secondCount int) {
	b := 0
	for i := range c.count {
		if c.count[i] > c.count[b] {
			b = i
		}
	}
	s := -1
	for i := range c.count {
		if i != b && c.count[i] > 0 && (s < 0 || c.count[i] > c.count[s]) {
			s = i
		}
	}
	if s < 0 {
		return c.value[b], c.count[b], 0, 0
	}
	return c.value[b], c.count[b], c.value[s], c.count[s]
}

// vote adds every codeword read on the lines to the votes of its position.
func (a *assembler) vote(lay layout, votes []cellVotes) error {
	n := len(a.lines)
	// Row of each line at its left and right end, as the row indicators
	// read on it say; -1 when unknown.
	left := make([]int, n)
	right := make([]int, n)
	for i := range a.lines {
		left[i], right[i] = -1, -1
		for _, rd := range a.lines[i].reads {
			r := rowOf(rd.value, rd.cluster)
			if r >= lay.rows {
				continue
			}
			if rd.slot == 0 {
				left[i] = r
			} else if !lay.compact && rd.slot == lay.cols+1 {
				right[i] = r
			}
		}
	}
	estLeft, okLeft := estimateRows(left)
	estRight, okRight := estimateRows(right)
	if !okLeft && !okRight {
		estLeft, estRight = make([]float64, n), make([]float64, n)
		for i := range a.lines {
			if a.lines[i].row < 0 {
				return errNoLayout
			}
		}
	}
	if !okLeft {
		estLeft = estRight
	}
	if !okRight {
		estRight = estLeft
	}
	for i := range a.lines {
		if fixed := a.lines[i].row; fixed >= 0 {
			for _, rd := range a.lines[i].reads {
				if rd.slot >= 1 && rd.slot <= lay.cols && rd.cluster == fixed%3*3 && fixed < lay.rows {
					votes[fixed*lay.cols+rd.slot-1].add(rd.value, rd.weight)
				}
			}
			continue
		}
		for _, rd := range a.lines[i].reads {
			if rd.slot < 1 || rd.slot > lay.cols {
				continue
			}
			// Interpolate for symbols whose rows cross the line, then
			// let the codeword's cluster pick among neighbouring rows.
			t := float64(rd.slot) / float64(lay.cols+1)
			est := estLeft[i] + t*(estRight[i]-estLeft[i])
			row, ok := rowOfCluster(est, rd.cluster)
			if !ok || row < 0 || row >= lay.rows {
				continue
			}
			votes[row*lay.cols+rd.slot-1].add(rd.value, rd.weight)
		}
	}
	return nil
}

// matrixFromVotes takes the winner of each position's vote.
func matrixFromVotes(lay layout, votes []cellVotes) (*codewordMatrix, error) {
	m := &codewordMatrix{cw: make([]int, len(votes))}
	for i := range votes {
		v, n, alt, altN := votes[i].ranked()
		if n == 0 {
			m.erasures = append(m.erasures, i)
			continue
		}
		m.cw[i] = v
		if altN > 0 || n <= 2 {
			m.doubts = append(m.doubts, doubt{pos: i, alt: alt, hasAlt: altN > 0, confidence: float64(altN+1) / float64(n+1)})
		}
	}
	if len(m.erasures) >= 2<<lay.ecLevel {
		return nil, errTooDamaged
	}
	return m, nil
}

// rowOfCluster returns the row of the given cluster nearest to an
// estimated row: a line slightly off the row direction drifts into the
// neighbouring row, and the cluster tells which. Rows further than about
// one row from the estimate are refused: such a codeword was misread.
func rowOfCluster(est float64, cluster int) (int, bool) {
	r := int(math.Round(est))
	for _, c := range []int{r, r - 1, r + 1} {
		if c >= 0 && c%3 == cluster/3 {
			return c, math.Abs(float64(c)-est) <= 1.25
		}
	}
	return 0, false
}

// estimateRows turns the rows known on some lines into an estimate for
// every line. Lines run top to bottom, so rows grow steadily with the line
// index: known rows far off a straight-line fit are misreadings and are
// dropped; lines between known ones are interpolated, lines beyond them
// extrapolated with the fitted slope.
func estimateRows(known []int) ([]float64, bool) {
	n := len(known)
	keep := make([]bool, n)
	count := 0
	for i, r := range known {
		if r >= 0 {
			keep[i] = true
			count++
		}
	}
	if count < 2 {
		return nil, false
	}
	var a, b float64
	for pass := 0; pass < 3; pass++ {
		var sx, sy, sxx, sxy, m float64
		for i, r := range known {
			if keep[i] {
				x, y := float64(i), float64(r)
				sx, sy, sxx, sxy, m = sx+x, sy+y, sxx+x*x, sxy+x*y, m+1
			}
		}
		den := m*sxx - sx*sx
		if m < 2 || den == 0 {
			return nil, false
		}
		b = (m*sxy - sx*sy) / den
		a = (sy - b*sx) / m
		tol := []float64{4, 2, 1.5}[pass]
		for i, r := range known {
			keep[i] = r >= 0 && math.Abs(float64(r)-(a+b*float64(i))) <= tol
		}
	}
	est := make([]float64, n)
	prev := -1
	for i := 0; i < n; i++ {
		if keep[i] {
			est[i] = float64(known[i])
			prev = i
			continue
		}
		next := -1
		for k := i + 1; k < n; k++ {
			if keep[k] {
				next = k
				break
			}
		}
		switch {
		case prev >= 0 && next >= 0:
			t := float64(i-prev) / float64(next-prev)
			est[i] = float64(known[prev]) + t*float64(known[next]-known[prev])
		case prev >= 0:
			est[i] = float64(known[prev]) + b*float64(i-prev)
		case next >= 0:
			est[i] = float64(known[next]) - b*float64(next-i)
		default:
			est[i] = a + b*float64(i)
		}
	}
	return est, true
}
