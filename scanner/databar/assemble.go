package databar

import (
	"math"
	"sort"
)

// A symbol is assembled from pair observations by finder identity: the
// check character (left of A1) gives the number of symbol characters, that
// number gives the finder sequence, and each finder occurs once in it. So
// pairs from any scan line, in any order or direction, fall into their
// places, which reads single-row and stacked symbols alike.

// vote counts how often a character value was read in one place.
type vote struct {
	value, checksum, count int
	cost                   float64 // best reading cost seen
}

// cluster gathers observations that lie close together and so belong to
// one symbol.
type cluster struct {
	y0, y1     int
	x0, x1     float64
	module     float64
	obs        int // number of pair observations
	votes      [12][2][]vote
	ltrA1      int // A1 observations read left to right ...
	rtlA1      int // ... and right to left
	explored   bool
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
			c.addVote(p.finder, side, ch.value, ch.checksum, ch.cost, 1)
		}
	}
}

func (c *cluster) addVote(f finderID, side, value, checksum int, cost float64, n int) {
	vs := c.votes[f][side]
	for i := range vs {
		if vs[i].value == value {
			vs[i].count += n
			vs[i].cost = math.Min(vs[i].cost, cost)
			return
		}
	}
	c.votes[f][side] = append(vs, vote{value: value, checksum: checksum, count: n, cost: cost})
}

// merge moves o's observations into c.
func (c *cluster) merge(o *cluster) {
	c.y0, c.y1 = min(c.y0, o.y0), max(c.y1, o.y1)
	c.x0, c.x1 = math.Min(c.x0, o.x0), math.Max(c.x1, o.x1)
	c.module = (c.module*float64(c.obs) + o.module*float64(o.obs)) / float64(c.obs+o.obs)
	c.obs += o.obs
	c.ltrA1 += o.ltrA1
	c.rtlA1 += o.rtlA1
	c.explored = c.explored || o.explored
	c.decoded = c.decoded || o.decoded
	for f := range o.votes {
		for side, vs := range o.votes[f] {
			for _, v := range vs {
				c.addVote(finderID(f), side, v.value, v.checksum, v.cost, v.count)
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

// ranked returns the votes of a place, most frequent first.
func ranked(vs []vote) []vote {
	out := append([]vote(nil), vs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].cost < out[j].cost
	})
	return out
}

// symbolChars is an assembled symbol: the data character values in order.
type symbolChars struct {
	data []int
}

// maxAlternatives bounds the checksum-guided substitutions tried per
// assembly, which keeps the chance of a wrong read low.
const maxAlternatives = 8

// assemble tries to put a symbol together from the votes. It returns the
// data characters of every arrangement that passes the checksum, best
// first.
func (c *cluster) assemble() []symbolChars {
	var out []symbolChars
	checks := ranked(c.votes[0][0])
	for ci, check := range checks {
		if ci >= 2 || (ci > 0 && check.count*3 < checks[0].count) {
			break
		}
		s := check.value/211 + 4 // symbol characters, check included
		if s > 22 {
			continue
		}
		seq := finderSequences[(s+1)/2]
		places := make([][]vote, s-1)
		complete := true
		for k := 1; k < s; k++ {
			places[k-1] = ranked(c.votes[seq[k/2]][k%2])
			if len(places[k-1]) == 0 {
				complete = false
				break
			}
		}
		if !complete {
			continue
		}
		want := check.value % 211
		pick := make([]int, s-1) // index into places
		if sumChecksum(places, pick) == want {
			out = append(out, symbolChars{data: values(places, pick)})
			continue
		}
		// Substitute one place by a value also read there.
		tries := 0
		for k := range places {
			for alt := 1; alt < len(places[k]) && tries < maxAlternatives; alt++ {
				if places[k][alt].count*4 < places[k][0].count {
					break
				}
				tries++
				pick[k] = alt
				if sumChecksum(places, pick) == want {
					out = append(out, symbolChars{data: values(places, pick)})
				}
				pick[k] = 0
			}
		}
	}
	return out
}

func sumChecksum(places [][]vote, pick []int) int {
	sum := 0
	for k, i := range pick {
		sum += places[k][i].checksum
	}
	return sum % 211
}

func values(places [][]vote, pick []int) []int {
	out := make([]int, len(pick))
	for k, i := range pick {
		out[k] = places[k][i].value
		if out[k] > 4095 {
			return nil
		}
	}
	return out
}
