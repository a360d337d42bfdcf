package pdf417

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// slotRead is one codeword read on a line: slot 0 is the left row
// indicator, then the data columns, then (unless the symbol is compact) the
// right row indicator.
type slotRead struct {
	slot, value, cluster int
	weight               int // how much the reading counts in the vote
}

// lineRead is what one sampling line across a symbol yielded.
type lineRead struct {
	reads   []slotRead
	stopAt  int     // slot at which the stop pattern began; -1 when not seen
	started bool    // the line crossed the start pattern
	s       float64 // where the line meets the start edge, 0 top to 1 bottom
	row     int     // the row the line was laid along; -1 when not known
}

// wipe clears the codewords the line read and where it lay, keeping its
// room for reads.
func (ln *lineRead) wipe() {
	clear(ln.reads[:cap(ln.reads)])
	*ln = lineRead{reads: ln.reads[:0]}
}

// wipeLines wipes each of lines.
func wipeLines(lines []lineRead) {
	for i := range lines {
		lines[i].wipe()
	}
}

type point struct{ x, y float64 }

// readLine samples the view along the segment a→b (a at the start pattern's
// outer edge), finds the start pattern near a and reads codewords until the
// stop pattern, the end of the segment or repeated failures. module and
// moduleEnd are the module widths expected at a and at b (they differ under
// perspective), in samples.
func (d *detector) readLine(v view, a, b point, module, moduleEnd float64, out *lineRead) {
	out.reads = out.reads[:0]
	out.stopAt = -1
	out.started = false
	dx, dy := b.x-a.x, b.y-a.y
	if dx <= 1 {
		return
	}
	slope := dy / dx
	margin := math.Ceil(3*module + 2)
	x0 := math.Floor(a.x - margin)
	n := int(math.Ceil(b.x+margin-x0)) + 1
	v.sampleSlant(&d.runs, n, x0, a, slope)
	r := &d.runs
	want := a.x - x0
	// The start pattern.
	j := -1
	best := 2*module + 1
	for i := 0; i+len(startPattern) <= r.count(); i++ {
		if float64(r.edges[i]) > want+best {
			break
		}
		if !r.dark(i) {
			continue
		}
		if u, ok := matchGuard(r, i, startPattern, startModules); ok {
			if dist := math.Abs(float64(r.edges[i]) - want); dist < best {
				best, j, module = dist, i+len(startPattern), u
			}
		}
	}
	out.started = j >= 0
	if j < 0 {
		// No start pattern here (damaged, or beyond the part of the edge
		// that was traced): take the bar edge where the left row
		// indicator should begin.
		target := want + startModules*module
		bestDist := 0.25 * modulesPerCodeword * module
		for i := 0; i < r.count() && float64(r.edges[i]) < target+bestDist; i++ {
			if r.dark(i) {
				if dist := math.Abs(float64(r.edges[i]) - target); dist < bestDist {
					j, bestDist = i, dist
				}
			}
		}
		if j < 0 {
			return
		}
	}
	fails := 0
	rowCluster := -1
	corr := 1.0
	span := math.Max(1, b.x-a.x)
	for slot := 0; slot <= maxColumns+2 && j < r.count(); slot++ {
		if _, ok := matchGuard(r, j, stopPattern, stopModules); ok {
			out.stopAt = slot
			return
		}
		// The module width expected here: interpolated between the ends,
		// corrected by what the codewords so far measured.
		frac := min(1, max(0, (float64(r.edges[j])-want)/span))
		expect := modulesPerCodeword * (module + frac*(moduleEnd-module)) * corr
		value, cluster, length, weight := readCodeword(r, j, rowCluster)
		ok := weight > 0
		if ok && math.Abs(float64(length)-expect) < 0.15*expect {
			if rowCluster < 0 {
				rowCluster = cluster
			}
			// out's reads are the detector's, kept: an array
			// outgrown is cleared as it is let go.
			out.reads = append(scrub.Grow(out.reads, 1), slotRead{slot: slot, value: value, cluster: cluster, weight: weight})
			corr = 0.7*corr + 0.3*corr*float64(length)/expect
			j += elementsPerSymbol
			fails = 0
			continue
		}
		fails++
		if fails > 3 {
			return
		}
		// Resynchronise on the bar edge nearest to where the next codeword
		// should start.
		target := float64(r.edges[j]) + expect
		next, nextDist := -1, 0.3*expect
		for k := j + 1; k < r.count() && float64(r.edges[k]) < target+nextDist; k++ {
			if !r.dark(k) {
				continue
			}
			if dist := math.Abs(float64(r.edges[k]) - target); dist < nextDist {
				next, nextDist = k, dist
			}
		}
		if next < 0 {
			return
		}
		j = next
	}
}
