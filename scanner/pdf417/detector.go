package pdf417

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// scanSet holds the guard patterns found by scanning one view.
type scanSet struct {
	starts, stops []guardHit
}

// detector finds guard patterns and follows them into chains. It keeps
// scratch buffers between calls, so one detector serves one goroutine.
type detector struct {
	runs runList
	// rows reads the image's rows, those the engine shares (hint.Rows)
	// when they are of it; lengths holds a row's run lengths measured
	// here when they are not.
	rows      bitrow.Rows
	lengths   []int
	sets      [4]scanSet
	window    runList
	lines     []lineRead
	rowLines  []lineRead
	probeLine lineRead
	cols      []runList // runs of the scanned columns
	// linesHeld and rowLinesHeld are the most lines a candidate's first
	// and second pass (readLines, readRowLines) have used since the last
	// wipe, colsHeld the most columns a scan has: a later candidate's
	// lines may be fewer, a narrower image's columns too.
	linesHeld, rowLinesHeld, colsHeld int
	// colMask has the bits of the scanned columns set; prevRow is the
	// row above the one being scanned.
	colMask, prevRow []uint32
	// composite: read GS1 Composite CC-C components instead.
	composite bool
}

// scan looks for guard patterns on every step-th image row and column and
// sorts the hits into the four views.
func (d *detector) scan(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}, step int) {
	for i := range d.sets {
		d.sets[i].starts = d.sets[i].starts[:0]
		d.sets[i].stops = d.sets[i].stops[:0]
	}
	w, h := m.GetWidth(), m.GetHeight()
	d.rows.Of(m, hints)
	defer d.rows.Done()
	for y := step / 2; y < h; y += step {
		var l []int
		l, d.lengths = d.rows.Lengths(y, d.lengths)
		d.runs.fromLengths(l, w)
		findGuardsBothWays(&d.runs, y, h-1-y, &d.sets[rot0], &d.sets[rot180])
	}
	clear(d.lengths[:cap(d.lengths)]) // runs of the image
	// Columns: one pass over the rows collects the runs of every scanned
	// column, far cheaper than reading the matrix bit by bit down columns.
	// A row differs from the one above it in few of the scanned columns:
	// the two rows' words XORed, masked to those columns, name them.
	nCols := 0
	for x := step / 2; x < w; x += step {
		nCols++
	}
	for len(d.cols) < nCols {
		d.cols = append(d.cols, runList{})
	}
	d.colsHeld = max(d.colsHeld, nCols)
	cols := d.cols[:nCols]
	words := d.rows.Row(0)
	nWords := (w + 31) / 32
	if cap(d.colMask) < nWords {
		d.colMask = make([]uint32, nWords)
		d.prevRow = make([]uint32, nWords)
	}
	mask, prev := d.colMask[:nWords], d.prevRow[:nWords]
	clear(mask)
	for i := range cols {
		x := step/2 + i*step
		mask[x>>5] |= 1 << (x & 31)
		cols[i].reset()
		cols[i].firstDark = words[x>>5]>>(x&31)&1 != 0
		cols[i].edges = append(cols[i].edges, 0) // an array of a scan before has room for it
	}
	copy(prev, words[:nWords])
	for y := 1; y < h; y++ {
		words := d.rows.Row(y)[:nWords]
		for k, word := range words {
			changed := (word ^ prev[k]) & mask[k]
			prev[k] = word
			for changed != 0 {
				x := k<<5 | bits.TrailingZeros32(changed)
				changed &= changed - 1
				// How many changes a column has is not known
				// before the pass, and room for one a row in
				// every column would be eight bytes a pixel
				// scanned: its runs grow a change at a time, an
				// array outgrown cleared as it is let go
				// (scrub.Kept). The append is written out where
				// there is room: so the loop keeps its values in
				// registers, where scrub.Kept or scrub.Grow round
				// every append spilled them, for 4 % more
				// instructions in the search of a 1080p frame.
				c := &cols[(x-step/2)/step]
				if n := len(c.edges); n < cap(c.edges) {
					c.edges = c.edges[:n+1]
					c.edges[n] = y
				} else {
					c.edges = scrub.Kept(c.edges, append(c.edges, y))
				}
			}
		}
	}
	for i := range cols {
		x := step/2 + i*step
		c := &cols[i]
		c.edges = scrub.Kept(c.edges, append(c.edges, h))
		findGuardsBothWays(c, w-1-x, x, &d.sets[rot90], &d.sets[rot270])
	}
	clear(prev) // a row of the image
}

// wipe clears what the detector keeps of the image between decodes: the
// guard patterns its scan found, the runs of the rows, columns and lines
// it sampled, and the codewords its lines read and where they lay. It
// clears only as far as the decode wrote (the runs' held, colsHeld,
// linesHeld, rowLinesHeld): past that the last wipe cleared them, and a
// small image after a large one costs its own size.
func (d *detector) wipe() {
	for i := range d.sets {
		s := &d.sets[i]
		clear(s.starts)
		clear(s.stops)
		s.starts, s.stops = s.starts[:0], s.stops[:0]
	}
	d.runs.wipe()
	d.window.wipe()
	for i := range min(len(d.cols), d.colsHeld) {
		d.cols[i].wipe()
	}
	wipeLines(scrub.UpTo(d.lines, d.linesHeld))
	wipeLines(scrub.UpTo(d.rowLines, d.rowLinesHeld))
	d.probeLine.wipe()
	d.lines, d.rowLines = d.lines[:0], d.rowLines[:0]
	d.colsHeld, d.linesHeld, d.rowLinesHeld = 0, 0, 0
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
// fits the symbol's edge to what it finds. It follows the pattern's wide bar
// (8 modules in the start pattern, 7 in the stop pattern), which survives
// blur and damage that break up the thin elements.
func (d *detector) trace(v view, seed guardHit, isStart bool) *chain {
	c := &chain{hits: []guardHit{seed}}
	u := seed.module
	wide, modules := 7.0, float64(stopModules)
	if isStart {
		wide, modules = 8, startModules
	}
	var up []guardHit
	for _, dir := range []int{-1, 1} {
		last := seed
		slope := 0.0
		var got []guardHit
		maxMiss := max(3, int(2*u+0.5))
		miss := 0
		for y := seed.y + dir; y >= 0 && y < v.h; y += dir {
			// The wide bar's leading edge: the start pattern's outer
			// edge, the stop pattern's inner edge.
			lead := last.outer
			if !isStart {
				lead = last.inner
			}
			lead += slope * float64(y-last.y)
			x0 := int(math.Floor(lead - 3*u - 2))
			x1 := int(math.Ceil(lead + (wide+3)*u + 2))
			d.window.fromFunc(x1-x0, func(i int) bool { return v.get(x0+i, y) })
			edge, ok := findWideBar(&d.window, lead-float64(x0), wide*u, 1.5*u+1)
			if !ok {
				miss++
				if miss > maxMiss {
					break
				}
				continue
			}
			miss = 0
			hit := guardHit{y: y, module: u}
			edge += float64(x0)
			if isStart {
				hit.outer, hit.inner = edge, edge+modules*u
			} else {
				hit.inner, hit.outer = edge, edge+modules*u
			}
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

// findWideBar returns the leading edge of the dark run nearest to want that
// is about width long.
func findWideBar(r *runList, want, width, tol float64) (float64, bool) {
	best, bestDist := 0.0, tol
	for i := 0; i < r.count(); i++ {
		if !r.dark(i) {
			continue
		}
		w := float64(r.width(i))
		if w < 0.7*width || w > 1.3*width {
			continue
		}
		e := float64(r.edges[i])
		if dist := math.Abs(e - want); dist <= bestDist {
			best, bestDist = e, dist
		}
	}
	return best, bestDist < tol
}
