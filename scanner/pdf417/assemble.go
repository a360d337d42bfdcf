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
	votes []cellVotes
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

// best returns the value with most votes and its lead over the runner-up.
func (c *cellVotes) best() (value, lead int, ok bool) {
	b := 0
	for i := range c.count {
		if c.count[i] > c.count[b] {
			b = i
		}
	}
	second := 0
	for i := range c.count {
		if i != b && c.count[i] > second {
			second = c.count[i]
		}
	}
	return c.value[b], c.count[b] - second, c.count[b] > 0
}

// codewords places every codeword read into the matrix of the layout and
// returns it, the positions nobody read, and for each position the lead of
// its value over the runner-up in the vote (0 for positions nobody read).
func (a *assembler) codewords(lay layout) (cw, erasures, lead []int, err error) {
	n := len(a.lines)
	// Row of each line at its left and right end, -1 when unknown.
	left := make([]int, n)
	right := make([]int, n)
	for i := range a.lines {
		left[i], right[i] = -1, -1
		ln := &a.lines[i]
		for _, rd := range ln.reads {
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
	votes := make([]cellVotes, lay.rows*lay.cols)
	lastRow := -1
	for i := range a.lines {
		ln := &a.lines[i]
		l, r := left[i], right[i]
		if l < 0 && r < 0 {
			// Borrow the row from the nearest line that knows it; the
			// codeword's own cluster settles which neighbour row it is.
			l = lastRow
			if l < 0 {
				for k := i + 1; k < n; k++ {
					if left[k] >= 0 {
						l = left[k]
						break
					}
				}
			}
			if l < 0 {
				continue
			}
		}
		if l < 0 {
			l = r
		}
		if r < 0 {
			r = l
		}
		lastRow = l
		for _, rd := range ln.reads {
			if rd.slot < 1 || rd.slot > lay.cols {
				continue
			}
			// Interpolate for symbols whose rows cross the line.
			t := float64(rd.slot) / float64(lay.cols+1)
			row := int(math.Round(float64(l) + t*float64(r-l)))
			row = nearestRowOfCluster(row, rd.cluster)
			if row < 0 || row >= lay.rows {
				continue
			}
			votes[row*lay.cols+rd.slot-1].add(rd.value, rd.weight)
		}
	}
	a.votes = votes
	cw = make([]int, len(votes))
	lead = make([]int, len(votes))
	for i := range votes {
		v, l, ok := votes[i].best()
		if !ok {
			erasures = append(erasures, i)
			continue
		}
		cw[i], lead[i] = v, l
	}
	if len(erasures) >= 2<<lay.ecLevel {
		return nil, nil, nil, errTooDamaged
	}
	return cw, erasures, lead, nil
}

// nearestRowOfCluster returns row, or the row next to it, whose cluster is
// the given one: a line slightly off the row direction drifts into the
// neighbouring row, and the cluster tells which.
func nearestRowOfCluster(row, cluster int) int {
	switch (cluster/3 - row%3 + 3) % 3 {
	case 0:
		return row
	case 1:
		return row + 1
	default:
		return row - 1
	}
}
