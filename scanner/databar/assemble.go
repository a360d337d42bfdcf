package databar

import "github.com/scannerd/scannerd/scanner/internal/scrub"

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

func (c *cluster) addVote(f finderID, side, value, checksum int, weight float64, hits int) {
	vs := c.votes[f][side]
	for i := range vs {
		if vs[i].value == value {
			vs[i].weight += weight
			vs[i].hits += hits
			return
		}
	}
	c.votes[f][side] = append(scrub.Grow(vs, 1), vote{value: value, checksum: checksum, weight: weight, hits: hits})
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
