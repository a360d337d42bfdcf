package pdf417

import "math"

// chain is one guard pattern (start or stop) followed from line to line: the
// left or right edge of a symbol in a view.
type chain struct {
	hits   []guardHit // ordered by y
	module float64    // median module width
	// outer(y) = oa + ob·y and inner(y) = ia + ib·y, fitted to the hits.
	oa, ob, ia, ib float64
}

func (c *chain) top() int    { return c.hits[0].y }
func (c *chain) bottom() int { return c.hits[len(c.hits)-1].y }
func (c *chain) height() int { return c.bottom() - c.top() }

func (c *chain) outerAt(y float64) float64 { return c.oa + c.ob*y }
func (c *chain) innerAt(y float64) float64 { return c.ia + c.ib*y }

// covers reports whether a hit lies on this chain.
func (c *chain) covers(h guardHit) bool {
	if h.y < c.top()-1 || h.y > c.bottom()+1 {
		return false
	}
	return math.Abs(c.outerAt(float64(h.y))-h.outer) < 2*c.module+1
}

// fit computes the edge lines and the module width.
func (c *chain) fit() {
	var sy, syy, so, syo, si, syi float64
	n := float64(len(c.hits))
	mods := make([]float64, 0, len(c.hits))
	for _, h := range c.hits {
		y := float64(h.y)
		sy += y
		syy += y * y
		so += h.outer
		syo += y * h.outer
		si += h.inner
		syi += y * h.inner
		mods = append(mods, h.module)
	}
	den := n*syy - sy*sy
	if den < 1e-9 {
		c.ob, c.ib = 0, 0
	} else {
		c.ob = (n*syo - sy*so) / den
		c.ib = (n*syi - sy*si) / den
	}
	c.oa = (so - c.ob*sy) / n
	c.ia = (si - c.ib*sy) / n
	c.module = median(mods)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	// Insertion sort: chains are short and this runs once per chain.
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
	return v[len(v)/2]
}
