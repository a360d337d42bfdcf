package pdf417

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// rowGeometry says where each row crosses the start and stop edges, as
// positions s along the edges (0 at the top corner, 1 at the bottom one):
// row r's centre is at aLeft + bLeft·r on the start edge and aRight +
// bRight·r on the stop edge.
type rowGeometry struct {
	aLeft, bLeft, aRight, bRight float64
}

// fitRowGeometry finds the rows' centres from the lines of a first pass:
// every line that read a row indicator says which row it crossed there.
func fitRowGeometry(lines []lineRead, lay layout) (rowGeometry, bool) {
	var g rowGeometry
	left := make([]float64, lay.rows)
	right := make([]float64, lay.rows)
	nl := make([]int, lay.rows)
	nr := make([]int, lay.rows)
	for i := range lines {
		ln := &lines[i]
		for _, rd := range ln.reads {
			r := rowOf(rd.value, rd.cluster)
			if r >= lay.rows {
				continue
			}
			if rd.slot == 0 {
				left[r] += ln.s
				nl[r]++
			} else if !lay.compact && rd.slot == lay.cols+1 {
				right[r] += ln.s
				nr[r]++
			}
		}
	}
	var okL, okR bool
	g.aLeft, g.bLeft, okL = fitRowCentres(left, nl)
	g.aRight, g.bRight, okR = fitRowCentres(right, nr)
	switch {
	case !okL && !okR:
		return g, false
	case !okL:
		g.aLeft, g.bLeft = g.aRight, g.bRight
	case !okR:
		g.aRight, g.bRight = g.aLeft, g.bLeft
	}
	return g, g.bLeft > 0 && g.bRight > 0
}

// fitRowCentres fits s = a + b·row to the mean position of each row,
// dropping rows that sit far off the line (misread row indicators).
func fitRowCentres(sum []float64, count []int) (a, b float64, ok bool) {
	keep := make([]bool, len(sum))
	for r := range sum {
		keep[r] = count[r] > 0
	}
	for pass := 0; pass < 2; pass++ {
		var sx, sy, sxx, sxy, m float64
		for r := range sum {
			if keep[r] {
				x, y := float64(r), sum[r]/float64(count[r])
				sx, sy, sxx, sxy, m = sx+x, sy+y, sxx+x*x, sxy+x*y, m+1
			}
		}
		den := m*sxx - sx*sx
		if m < 2 || den == 0 {
			return 0, 0, false
		}
		b = (m*sxy - sx*sy) / den
		a = (sy - b*sx) / m
		for r := range sum {
			keep[r] = count[r] > 0 && math.Abs(sum[r]/float64(count[r])-(a+b*float64(r))) < 0.6*math.Abs(b)
		}
	}
	return a, b, true
}

// readRowLines reads several lines along each row, laid from the row's
// centre on the start edge to its centre on the stop edge, so that they
// follow the row even when the first pass's lines crossed rows.
func (d *detector) readRowLines(c *candidate, g rowGeometry, lay layout, lines []lineRead) []lineRead {
	xf, height := c.transform()
	rowPx := g.bLeft * height
	perRow := int(math.Min(9, math.Max(3, rowPx/1.5)))
	pts := make([]float64, 4)
	lines = lines[:0]
	for r := 0; r < lay.rows; r++ {
		for k := 0; k < perRow; k++ {
			// Offsets within the middle 70% of the row.
			off := (float64(k)+0.5)/float64(perRow)*0.7 - 0.35
			rr := float64(r) + off
			pts[0], pts[1] = 0, g.aLeft+g.bLeft*rr
			pts[2], pts[3] = 1, g.aRight+g.bRight*rr
			xf.TransformPoints(pts)
			if len(lines) < cap(lines) {
				lines = lines[:len(lines)+1]
			} else {
				// The detector keeps its lines from image to image:
				// an array outgrown, with where its lines lay, is
				// cleared as it is let go.
				lines = append(scrub.Grow(lines, 1), lineRead{})
			}
			d.rowLinesHeld = max(d.rowLinesHeld, len(lines))
			ln := &lines[len(lines)-1]
			d.readLine(c.v, point{pts[0], pts[1]}, point{pts[2], pts[3]}, c.start.module, c.endModule(), ln)
			ln.s, ln.row = g.aLeft+g.bLeft*rr, r
		}
	}
	return lines
}
