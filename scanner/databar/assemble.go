package databar

import (
	"math"
)

// A symbol is assembled from pair observations by finder identity: the
// check character (left of A1) gives the number of symbol characters, that
// number gives the finder sequence, and each finder occurs once in it. So
// pairs from any scan line, in any order or direction, fall into their
// places, which reads single-row and stacked symbols alike.

// vote sums the readings of one character value in one place, each
// weighted by how well it fit.
type vote struct {
	value, checksum int
	weight          float64
	hits            int // readings
}

// readingWeight is the vote a reading of the given cost carries: 1 for a
// perfect fit, falling fast as the fit worsens.
func readingWeight(cost float64) float64 { return 1 / (1 + 2*cost*cost) }

// Assembly waits until every place is settled: its leading value has at
// least minWeight and settleRatio times the weight of any other value.
const (
	minWeight   = 0.5
	settleRatio = 2
)

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

func (c *cluster) addVote(f finderID, side, value, checksum int, weight float64, hits int) {
	vs := c.votes[f][side]
	for i := range vs {
		if vs[i].value == value {
			vs[i].weight += weight
			vs[i].hits += hits
			return
		}
	}
	c.votes[f][side] = append(vs, vote{value: value, checksum: checksum, weight: weight, hits: hits})
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

// leader returns the settled value of a place, if it has one.
func leader(vs []vote) (vote, bool) {
	var best, runnerUp vote
	for _, v := range vs {
		switch {
		case v.weight > best.weight:
			runnerUp, best = best, v
		case v.weight > runnerUp.weight:
			runnerUp = v
		}
	}
	return best, best.weight >= minWeight && best.weight >= settleRatio*runnerUp.weight
}

// assemble puts a symbol together from the settled votes and returns its
// data characters when the check character confirms them. Every
// assembly tried is a chance of a chance match of the mod-211 checksum,
// so only settled places are used and nothing else is tried.
func (c *cluster) assemble() ([]int, bool) {
	check, ok := leader(c.votes[0][0])
	if !ok {
		return nil, false
	}
	s := check.value/211 + 4 // symbol characters, check included
	if s > 22 {
		return nil, false
	}
	seq := finderSequences[(s+1)/2]
	data := make([]int, s-1)
	sum := 0
	for k := 1; k < s; k++ {
		v, ok := leader(c.votes[seq[k/2]][k%2])
		if !ok || v.value > 4095 {
			return nil, false
		}
		data[k-1] = v.value
		sum += v.checksum
	}
	if sum%211 != check.value%211 {
		return nil, false
	}
	return data, true
}
