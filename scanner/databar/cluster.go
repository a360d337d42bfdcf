package databar

import "math"

// cluster gathers observations that lie close together and so belong to
// one symbol.
type cluster struct {
	y0, y1     int
	x0, x1     float64
	module     float64
	obs        int     // number of pair observations
	costSum    float64 // character reading costs, for their mean
	chars      int     // characters read
	votes      [12][2][]vote
	ltrA1      int // A1 observations read left to right ...
	rtlA1      int // ... and right to left
	explored   bool
	probed     bool // confirmation lines read
	decoded    bool
	attempted  int      // observations when assembly last failed
	mergedInto *cluster // set when retired by a merge
}

// live follows merges to the cluster that now holds c's observations.
func (c *cluster) live() *cluster {
	for c.mergedInto != nil {
		c = c.mergedInto
	}
	return c
}

func (c *cluster) add(p *pairObs) {
	if c.obs == 0 {
		c.y0, c.y1, c.x0, c.x1, c.module = p.y, p.y, p.x0, p.x1, p.module
	} else {
		c.y0, c.y1 = min(c.y0, p.y), max(c.y1, p.y)
		c.x0, c.x1 = math.Min(c.x0, p.x0), math.Max(c.x1, p.x1)
		c.module = (c.module*float64(c.obs) + p.module) / float64(c.obs+1)
	}
	c.obs++
	if p.finder == 0 {
		if p.rtl {
			c.rtlA1++
		} else {
			c.ltrA1++
		}
	}
	for side, ch := range p.chars {
		if ch.ok {
			c.costSum += ch.cost
			c.chars++
			c.addVote(p.finder, side, ch.value, ch.checksum, readingWeight(ch.cost), 1)
		}
	}
}

// noisyCost is the mean character reading cost above which exploring
// lines read the majority of three rows (rowScanner.loadRow).
const noisyCost = 0.2

// noisy reports whether c's characters read poorly on average.
func (c *cluster) noisy() bool {
	return c.chars == 0 || c.costSum/float64(c.chars) > noisyCost
}

// confirmed reports whether c shows a symbol rather than texture that
// resembles DataBar in one line: some character was read alike twice.
func (c *cluster) confirmed() bool {
	for f := range c.votes {
		for _, vs := range c.votes[f] {
			for _, v := range vs {
				if v.hits >= 2 {
					return true
				}
			}
		}
	}
	return false
}

// settledPlaces counts the places (finder and side) whose value has
// settled, for any symbol size: exploring a stacked symbol from a middle
// row settles new places row by row before the first row, with the
// check character, is reached.
func (c *cluster) settledPlaces() int {
	n := 0
	for f := range c.votes {
		for _, vs := range c.votes[f] {
			if _, ok := leader(vs); ok {
				n++
			}
		}
	}
	return n
}

// merge moves o's observations into c.
func (c *cluster) merge(o *cluster) {
	c.y0, c.y1 = min(c.y0, o.y0), max(c.y1, o.y1)
	c.x0, c.x1 = math.Min(c.x0, o.x0), math.Max(c.x1, o.x1)
	c.module = (c.module*float64(c.obs) + o.module*float64(o.obs)) / float64(c.obs+o.obs)
	c.obs += o.obs
	c.costSum += o.costSum
	c.chars += o.chars
	c.ltrA1 += o.ltrA1
	c.rtlA1 += o.rtlA1
	c.explored = c.explored || o.explored
	c.probed = c.probed || o.probed
	c.decoded = c.decoded || o.decoded
	for f := range o.votes {
		for side, vs := range o.votes[f] {
			for _, v := range vs {
				c.addVote(finderID(f), side, v.value, v.checksum, v.weight, v.hits)
			}
		}
	}
}

// touches reports whether observation p lies close enough to c to belong
// to the same symbol: overlapping in x and within gap rows in y.
func (c *cluster) touches(p *pairObs, gap int) bool {
	ratio := p.module / c.module
	if ratio < 0.6 || ratio > 1.66 {
		return false
	}
	tol := 3 * c.module
	return p.x0-tol <= c.x1 && p.x1+tol >= c.x0 && p.y >= c.y0-gap && p.y <= c.y1+gap
}
