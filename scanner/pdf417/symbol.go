package pdf417

import (
	"fmt"
	"math"

	"github.com/makiuchi-d/gozxing/common"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// candidate is a place in a view where a symbol may be: its start pattern
// edge and, unless the symbol is compact or its stop pattern is lost, its
// stop pattern edge.
type candidate struct {
	v     view
	start *chain
	stop  *chain
}

// decoded is one symbol read from an image.
type decoded struct {
	data     *decodedData
	lay      layout
	errors   int
	erasures int
	corners  [4]point // view coordinates: top-left, bottom-left, bottom-right, top-right
	v        view
}

// corners returns the symbol's corners as far as the guard chains tell.
func (c *candidate) corners() (tl, bl, tr, br point) {
	s := c.start
	top, bot := float64(s.top()), float64(s.bottom())+1
	tl = point{s.outerAt(top), top}
	bl = point{s.outerAt(bot), bot}
	if c.stop != nil {
		t := c.stop
		top, bot = float64(t.top()), float64(t.bottom())+1
		tr = point{t.outerAt(top), top}
		br = point{t.outerAt(bot), bot}
		return
	}
	// Without a stop pattern, run perpendicular to the start edge up to
	// the view's border.
	length := float64(c.v.w) - math.Min(tl.x, bl.x)
	tr = point{tl.x + length, tl.y - s.ob*length}
	br = point{bl.x + length, bl.y - s.ob*length}
	return
}

// endModule returns the module width at the symbol's right end.
func (c *candidate) endModule() float64 {
	if c.stop != nil {
		return c.stop.module
	}
	return c.start.module
}

// transform maps the unit square onto the candidate (x along the rows, y
// down the start edge) and returns it with the start edge's length.
func (c *candidate) transform() (*common.PerspectiveTransform, float64) {
	tl, bl, tr, br := c.corners()
	xf := common.PerspectiveTransform_SquareToQuadrilateral(tl.x, tl.y, tr.x, tr.y, br.x, br.y, bl.x, bl.y)
	return xf, math.Hypot(bl.x-tl.x, bl.y-tl.y)
}

// probe reads a few lines across the candidate and reports whether
// minProbeLines of them hold two codewords each: guard pattern look-alikes
// in a scene hold none, or in binarized noise one or two by chance, and
// this spares them the full sampling. (Symbols read on the test images
// pass with five or six.)
func (d *detector) probe(c *candidate) bool {
	xf, _ := c.transform()
	pts := make([]float64, 4)
	const probes = 6
	good := 0
	for k := 0; k < probes; k++ {
		s := (float64(k) + 0.5) / probes
		pts[0], pts[1], pts[2], pts[3] = 0, s, 1, s
		xf.TransformPoints(pts)
		d.readLine(c.v, point{pts[0], pts[1]}, point{pts[2], pts[3]}, c.start.module, c.endModule(), &d.probeLine)
		if len(d.probeLine.reads) >= 2 {
			if good++; good == minProbeLines {
				return true
			}
		}
	}
	return false
}

// minProbeLines is how many of probe's six lines must read.
const minProbeLines = 3

// readLines samples the candidate along lines parallel to its rows.
func (d *detector) readLines(c *candidate, lines []lineRead) []lineRead {
	xf, height := c.transform()
	module := c.start.module
	step := math.Max(1, module/2)
	n := int(height / step)
	n = max(n, 3)
	n = min(n, 3*maxRows*4)
	pts := make([]float64, 4)
	lines = lines[:0]
	read := func(k int) *lineRead {
		s := (float64(k) + 0.5) / float64(n)
		pts[0], pts[1], pts[2], pts[3] = 0, s, 1, s
		xf.TransformPoints(pts)
		if len(lines) < cap(lines) {
			lines = lines[:len(lines)+1]
		} else {
			// The detector keeps its lines from image to image:
			// an array outgrown, with where its lines lay, is
			// cleared as it is let go.
			lines = append(scrub.Grow(lines, 1), lineRead{})
		}
		// Noted before the line is read: a composite's last line is
		// dropped after it, and a panic may cut the read short.
		d.linesHeld = max(d.linesHeld, len(lines))
		ln := &lines[len(lines)-1]
		d.readLine(c.v, point{pts[0], pts[1]}, point{pts[2], pts[3]}, module, c.endModule(), ln)
		ln.s, ln.row = s, -1
		return ln
	}
	// Lines beyond the traced edge, above then below, go on while they
	// still read codewords: the guard pattern may be shorter than the
	// symbol or damaged at its ends.
	quiet := max(3, int(4*module/step))
	for k, empty := -1, 0; empty < quiet && k > -n; k-- {
		if len(read(k).reads) == 0 {
			empty++
		} else {
			empty = 0
		}
	}
	// Put the lines above in top-down order.
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	for k := 0; k < n; k++ {
		read(k)
	}
	for k, empty := n, 0; empty < quiet && k < 2*n; k++ {
		ln := read(k)
		if d.composite && !ln.started {
			// Below a composite component's edge lies its linear
			// component, whose bars may read as codewords.
			lines = lines[:len(lines)-1]
			break
		}
		if len(ln.reads) == 0 {
			empty++
		} else {
			empty = 0
		}
	}
	return lines
}

// decodeCandidate reads, corrects and interprets one candidate.
func (d *detector) decodeCandidate(c *candidate) (*decoded, error) {
	if !d.probe(c) {
		return nil, errNoLayout
	}
	d.lines = d.readLines(c, d.lines)
	asm := assembler{lines: d.lines}
	lay, err := asm.findLayout()
	if err != nil {
		return nil, err
	}
	if c.stop == nil {
		lay.compact = true
	}
	numEC := 2 << lay.ecLevel
	// Lines laid along the rows found by the row indicators read cleaner
	// codewords than the first pass, whose lines may cross rows.
	// Try the second pass's votes, then both passes' together, then the
	// first pass's alone.
	var m *codewordMatrix
	first := make([]cellVotes, lay.rows*lay.cols)
	if err = asm.vote(lay, first); err != nil {
		return nil, err
	}
	var tries [][]cellVotes
	if geo, ok := fitRowGeometry(d.lines, lay); ok {
		d.rowLines = d.readRowLines(c, geo, lay, d.rowLines)
		second := make([]cellVotes, len(first))
		if (&assembler{lines: d.rowLines}).vote(lay, second) == nil {
			both := make([]cellVotes, len(first))
			copy(both, second)
			for i := range first {
				for k := range first[i].value {
					if first[i].count[k] > 0 {
						both[i].add(first[i].value[k], first[i].count[k])
					}
				}
			}
			tries = append(tries, second, both)
		}
	}
	tries = append(tries, first)
	for _, votes := range tries {
		if m, err = matrixFromVotes(lay, votes); err == nil {
			if err = m.correct(numEC); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	cw, erasures, numErrors := m.cw, m.erasures, m.errors
	nData := cw[0]
	if nData == 0 || nData > len(cw)-numEC {
		return nil, fmt.Errorf("%w: symbol length descriptor %d", errBadData, nData)
	}
	var data *decodedData
	if d.composite {
		data, err = componentData(cw[:nData], 1, ComponentC)
	} else {
		data, err = decodeData(cw[:nData])
	}
	if err != nil {
		return nil, err
	}
	tl, bl, tr, br := c.corners()
	if c.stop == nil {
		// Compact symbols end one module after the last data column.
		w := float64(modulesPerCodeword*(lay.cols+2)+1) * c.start.module
		tr = point{tl.x + w, tl.y - c.start.ob*w}
		br = point{bl.x + w, bl.y - c.start.ob*w}
	}
	return &decoded{
		data: data, lay: lay, errors: numErrors, erasures: len(erasures),
		corners: [4]point{tl, bl, br, tr}, v: c.v,
	}, nil
}
