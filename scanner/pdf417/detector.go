package pdf417

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// scanSet holds the guard patterns found by scanning one view.
type scanSet struct {
	starts, stops []guardHit
}

// detector finds guard patterns and follows them into chains. It keeps
// scratch buffers between calls, so one detector serves one goroutine.
type detector struct {
	runs    runList
	row     *gozxing.BitArray
	sets    [4]scanSet
	window  runList
	lines   []lineRead
	cols    []runList // runs of the scanned columns
	colDark []bool    // colour of each scanned column at the current row
}

// scan looks for guard patterns on every step-th image row and column and
// sorts the hits into the four views.
func (d *detector) scan(m *gozxing.BitMatrix, step int) {
	for i := range d.sets {
		d.sets[i].starts = d.sets[i].starts[:0]
		d.sets[i].stops = d.sets[i].stops[:0]
	}
	w, h := m.GetWidth(), m.GetHeight()
	if d.row == nil || d.row.GetSize() < w {
		d.row = gozxing.NewBitArray(w)
	}
	for y := step / 2; y < h; y += step {
		d.row = m.GetRow(y, d.row)
		d.runs.fromBitArray(d.row, w)
		s := &d.sets[rot0]
		s.starts, s.stops = findGuards(&d.runs, y, s.starts, s.stops)
		d.runs.reverse()
		s = &d.sets[rot180]
		s.starts, s.stops = findGuards(&d.runs, h-1-y, s.starts, s.stops)
	}
	// Columns: one pass over the rows collects the runs of every scanned
	// column, far cheaper than reading the matrix bit by bit down columns.
	nCols := 0
	for x := step / 2; x < w; x += step {
		nCols++
	}
	for len(d.cols) < nCols {
		d.cols = append(d.cols, runList{})
	}
	cols := d.cols[:nCols]
	if cap(d.colDark) < nCols {
		d.colDark = make([]bool, nCols)
	}
	prev := d.colDark[:nCols]
	for y := 0; y < h; y++ {
		d.row = m.GetRow(y, d.row)
		words := d.row.GetBitArray()
		if y == 0 {
			for i := range cols {
				x := step/2 + i*step
				dark := words[x>>5]>>(x&31)&1 != 0
				cols[i].reset()
				cols[i].firstDark = dark
				cols[i].edges = append(cols[i].edges, 0)
				prev[i] = dark
			}
			continue
		}
		for i, x := 0, step/2; i < len(cols); i, x = i+1, x+step {
			if dark := words[x>>5]>>(x&31)&1 != 0; dark != prev[i] {
				prev[i] = dark
				cols[i].edges = append(cols[i].edges, y)
			}
		}
	}
	for i := range cols {
		x := step/2 + i*step
		c := &cols[i]
		c.edges = append(c.edges, h)
		s := &d.sets[rot90]
		s.starts, s.stops = findGuards(c, w-1-x, s.starts, s.stops)
		c.reverse()
		s = &d.sets[rot270]
		s.starts, s.stops = findGuards(c, x, s.starts, s.stops)
	}
}

// chains follows every hit of one kind into a chain, skipping hits that an
// earlier chain already covers, and returns the chains at least minLines
// lines high.
func (d *detector) chains(v view, hits []guardHit, isStart bool, minLines int) []*chain {
	var out []*chain
	for _, h := range hits {
		covered := false
		for _, c := range out {
			if c.covers(h) {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		c := d.trace(v, h, isStart)
		if c.height()+1 >= minLines {
			out = append(out, c)
		}
	}
	return out
}

// trace follows a guard pattern up and down from a hit, line by line, and
// fits the symbol's edge to what it finds.
func (d *detector) trace(v view, seed guardHit, isStart bool) *chain {
	c := &chain{hits: []guardHit{seed}}
	pattern, modules := stopPattern, stopModules
	if isStart {
		pattern, modules = startPattern, startModules
	}
	var up []guardHit
	for _, dir := range []int{-1, 1} {
		last := seed
		slope := 0.0
		var got []guardHit
		maxMiss := max(3, int(2*seed.module+0.5))
		miss := 0
		for y := seed.y + dir; y >= 0 && y < v.h; y += dir {
			dy := float64(y - last.y)
			po := last.outer + slope*dy
			pi := last.inner + slope*dy
			lo, hi := po, pi
			if !isStart {
				lo, hi = pi, po
			}
			x0 := int(math.Floor(lo - 3*last.module - 2))
			x1 := int(math.Ceil(hi + 3*last.module + 2))
			d.window.fromFunc(x1-x0, func(i int) bool { return v.get(x0+i, y) })
			hit, ok := findGuardNear(&d.window, pattern, modules, po-float64(x0), 1.5*last.module+1, isStart)
			if !ok {
				miss++
				if miss > maxMiss {
					break
				}
				continue
			}
			miss = 0
			hit.y = y
			hit.outer += float64(x0)
			hit.inner += float64(x0)
			got = append(got, hit)
			if n := len(got); n >= 4 {
				k := max(0, n-16)
				if dyy := float64(got[n-1].y - got[k].y); dyy != 0 {
					slope = (got[n-1].outer - got[k].outer) / dyy
				}
			}
			last = hit
		}
		if dir < 0 {
			up = got
		} else {
			for i, j := 0, len(up)-1; i < j; i, j = i+1, j-1 {
				up[i], up[j] = up[j], up[i]
			}
			c.hits = append(append(up, seed), got...)
		}
	}
	c.fit()
	return c
}

// findGuardNear returns the guard pattern in r whose outer edge is nearest
// to want, if one lies within tol.
func findGuardNear(r *runList, pattern []int, modules int, want, tol float64, isStart bool) (guardHit, bool) {
	best := guardHit{}
	bestDist := math.Inf(1)
	n := len(pattern)
	for i := 0; i+n <= r.count(); i++ {
		if !r.dark(i) {
			continue
		}
		u, ok := matchGuard(r, i, pattern, modules)
		if !ok {
			continue
		}
		h := guardHit{module: u}
		if isStart {
			h.outer, h.inner = float64(r.edges[i]), float64(r.edges[i+n])
		} else {
			h.outer, h.inner = float64(r.edges[i+n]), float64(r.edges[i])
		}
		if dist := math.Abs(h.outer - want); dist < bestDist {
			best, bestDist = h, dist
		}
	}
	return best, bestDist <= tol
}
