package pdf417

import (
	"math"
	"sort"
)

// microHit is a left row address pattern found on a scan row of a view:
// the leading edge of its first bar, after a quiet zone.
type microHit struct {
	y      int
	x      float64
	module float64
}

// microEdge is the left edge of a candidate symbol: hits on successive
// scan rows, fitted by x = a + b·y.
type microEdge struct {
	hits   []microHit
	a, b   float64
	module float64
}

func (e *microEdge) top() int    { return e.hits[0].y }
func (e *microEdge) bottom() int { return e.hits[len(e.hits)-1].y }

// edgeChains scans every step-th row of the view for left RAPs and chains
// them into edges, tallest first.
func (r *MicroReader) edgeChains(v view, step int) []*microEdge {
	var open, done []*microEdge
	for y := step / 2; y < v.h; y += step {
		r.viewRow(v, y)
		for _, h := range leftRAPs(&r.runs, y) {
			var best *microEdge
			for _, e := range open {
				last := e.hits[len(e.hits)-1]
				tol := 2*last.module + 0.25*float64(y-last.y)
				if y-last.y <= r.maxGap(step, last.module) && math.Abs(h.x-last.x) <= tol && math.Abs(h.module-e.module) < 0.3*e.module {
					best = e
					break
				}
			}
			if best == nil {
				best = &microEdge{module: h.module}
				open = append(open, best)
			}
			best.hits = append(best.hits, h)
		}
		// Close edges the scan has left behind.
		kept := open[:0]
		for _, e := range open {
			if y-e.bottom() > r.maxGap(step, e.module) {
				done = append(done, e)
			} else {
				kept = append(kept, e)
			}
		}
		open = kept
	}
	done = append(done, open...)
	if r.composite {
		done = splitComponentEdges(done)
	}
	out := done[:0]
	for _, e := range done {
		if len(e.hits) >= 3 && e.fit(!r.composite) {
			out = append(out, e)
		}
	}
	if r.composite {
		// A composite component's edge is short and ends where the
		// linear component begins, whose bars may look like RAPs on
		// the same line: pieces are not joined.
		sort.Slice(out, func(i, j int) bool { return len(out[i].hits) > len(out[j].hits) })
		return out
	}
	// Rows whose RAP did not show on any scan row break an edge in two:
	// pieces on one line are joined.
	sort.Slice(out, func(i, j int) bool { return out[i].top() < out[j].top() })
	joined := out[:0]
	for _, e := range out {
		merged := false
		for _, p := range joined {
			if e.top() > p.bottom() && math.Abs(e.module-p.module) < 0.3*p.module && onLine(p, e) {
				p.hits = append(p.hits, e.hits...)
				p.fit(true)
				merged = true
				break
			}
		}
		if !merged {
			joined = append(joined, e)
		}
	}
	out = joined
	sort.Slice(out, func(i, j int) bool { return len(out[i].hits) > len(out[j].hits) })
	return out
}

// splitComponentEdges cuts edges where the hits' module or position
// jumps: a composite component's rows sit on the linear component, whose
// bars may look like RAPs on nearly the same line, and a line fitted to
// both crosses the component's rows.
func splitComponentEdges(edges []*microEdge) []*microEdge {
	var out []*microEdge
	for _, e := range edges {
		from := 0
		for i := 1; i <= len(e.hits); i++ {
			if i < len(e.hits) {
				p, h := e.hits[i-1], e.hits[i]
				if math.Abs(h.module-p.module) <= 0.12*p.module && math.Abs(h.x-p.x) <= max(1.5, 0.8*p.module) {
					continue
				}
			}
			out = append(out, &microEdge{hits: e.hits[from:i], module: e.hits[from].module})
			from = i
		}
	}
	return out
}

// maxGap returns how far apart, in scan rows, two hits of one edge may
// be: eight scan steps, or for a composite component (whose rows are two
// modules high) six modules, so that its edge stops short of the linear
// component below it.
func (r *MicroReader) maxGap(step int, module float64) int {
	if r.composite {
		return min(8*step, max(2*step, int(6*module)))
	}
	return 8 * step
}

// onLine reports whether most hits of one edge lie on the line of the
// other, the one with more hits.
func onLine(p, e *microEdge) bool {
	if len(e.hits) > len(p.hits) {
		p, e = e, p
	}
	near := 0
	for _, h := range e.hits {
		if math.Abs(h.x-(p.a+p.b*float64(h.y))) < 2*p.module {
			near++
		}
	}
	return 2*near > len(e.hits)
}

// viewRow fills r.runs with row y of the view: from the matrix's bit rows,
// a word at a time, when the view's rows are the image's.
func (r *MicroReader) viewRow(v view, y int) {
	switch v.rot {
	case rot0:
		r.row = v.m.GetRow(y, r.row)
		r.runs.fromBitArray(r.row, v.w)
	case rot180:
		r.row = v.m.GetRow(v.ih-1-y, r.row)
		r.runs.fromBitArray(r.row, v.w)
		r.runs.reverse()
	default:
		r.runs.fromFunc(v.w, func(x int) bool { return v.get(x, y) })
	}
}

// leftRAPs finds on one row the patterns that may start a MicroPDF417 row:
// a light run of two modules or more, then three bars and three spaces
// of ten modules.
func leftRAPs(r *runList, y int) []microHit {
	var out []microHit
	for i := 1; i+rapElements+elementsPerSymbol <= r.count(); i++ {
		if !r.dark(i) {
			continue
		}
		module := float64(r.edges[i+rapElements]-r.edges[i]) / rapModules
		if module < 0.8 || float64(r.width(i-1)) < 2*module {
			continue
		}
		if rapFits(r, i, module) {
			out = append(out, microHit{y: y, x: float64(r.edges[i]), module: module})
		}
	}
	return out
}

// rapFits reports whether the six runs from i are a row address pattern
// of the given module: whole modules, one to four each, ten in all, give
// or take one for a run's rounding. Evenly spaced stripes are not (ten
// modules do not split into six equal runs: each rounds to two).
func rapFits(r *runList, i int, module float64) bool {
	sum := 0
	for k := i; k < i+rapElements; k++ {
		n := int(math.Round(float64(r.width(k)) / module))
		if n < 1 || n > 4 {
			return false
		}
		sum += n
	}
	return sum >= rapModules-1 && sum <= rapModules+1
}

// fit fits the edge's line and module width to its hits: a median line
// first (the slope the median of the slopes between hits, so that a few
// stray hits do not tilt it), then least squares over the hits near it.
// It reports whether enough hits remain and the edge is steep. Without
// leastSquares the median line stays: a composite component's edge has a
// dozen hits or so, and one a pixel off tilts a least squares line
// across its rows.
func (e *microEdge) fit(leastSquares bool) bool {
	ms := make([]float64, len(e.hits))
	for i, h := range e.hits {
		ms[i] = h.module
	}
	sort.Float64s(ms)
	e.module = ms[len(ms)/2]
	stride := max(1, len(e.hits)/40)
	var slopes []float64
	for i := 0; i < len(e.hits); i += stride {
		for j := i + stride; j < len(e.hits); j += stride {
			if dy := e.hits[j].y - e.hits[i].y; dy > 0 {
				slopes = append(slopes, (e.hits[j].x-e.hits[i].x)/float64(dy))
			}
		}
	}
	if len(slopes) == 0 {
		return false
	}
	sort.Float64s(slopes)
	e.b = slopes[len(slopes)/2]
	offsets := make([]float64, len(e.hits))
	for i, h := range e.hits {
		offsets[i] = h.x - e.b*float64(h.y)
	}
	sort.Float64s(offsets)
	e.a = offsets[len(offsets)/2]
	kept := e.hits[:0]
	for _, h := range e.hits {
		if math.Abs(h.x-(e.a+e.b*float64(h.y))) <= 1.5*e.module {
			kept = append(kept, h)
		}
	}
	e.hits = kept
	if len(e.hits) < 3 {
		return false
	}
	if !leastSquares {
		return math.Abs(e.b) < 0.25
	}
	var sy, sx, syy, sxy, n float64
	for _, h := range e.hits {
		y := float64(h.y)
		sy, sx, syy, sxy, n = sy+y, sx+h.x, syy+y*y, sxy+y*h.x, n+1
	}
	if den := n*syy - sy*sy; den > 0 {
		e.b = (n*sxy - sy*sx) / den
		e.a = (sx - e.b*sy) / n
	}
	return math.Abs(e.b) < 0.25
}

// readSymbol samples the rows of the symbol whose left edge is e along
// lines across it, one every half pixel down the edge, and decodes what
// they read. The rows are taken at right angles to the edge; but the
// edge's slope is known only to a pixel or so over its height, which
// across a wide symbol may be half a row. So nearby angles are tried, and
// decoded in the order of how many lines read a whole row along them.
func (r *MicroReader) readSymbol(v view, e *microEdge) (*decoded, error) {
	type try struct {
		turn float64
		full int
	}
	// Most candidates are texture: a few lines through the edge's hits
	// tell, before the symbol's whole height is sampled.
	r.lines = r.lines[:0]
	probes := 0
	for i := 0; i < len(e.hits); i += max(1, len(e.hits)/8) {
		r.readLine(v, e, e.b, float64(e.hits[i].y))
		probes++
	}
	if len(r.lines) < max(2, probes/3) {
		return nil, errMicroLayout
	}
	// Along the edge's normal first: most symbols decode there.
	full := r.sampleRows(v, e, e.b)
	if full < 3 {
		return nil, errMicroLayout // not a symbol: rows read nowhere
	}
	d, err := r.decodeRows(v, e, e.b)
	if err == nil {
		return d, nil
	}
	if full < 12 && !r.composite {
		return nil, err // too few whole rows to be worth turning for
	}
	tries := []try{{0, full}}
	for _, turn := range [...]float64{0.008, -0.008, 0.016, -0.016, 0.024, -0.024} {
		tries = append(tries, try{turn, r.sampleRows(v, e, e.b+turn)})
	}
	sort.SliceStable(tries, func(i, j int) bool { return tries[i].full > tries[j].full })
	lastErr := err
	for _, t := range tries[:3] {
		if t.turn == 0 {
			continue
		}
		r.sampleRows(v, e, e.b+t.turn)
		d, err := r.decodeRows(v, e, e.b+t.turn)
		if err == nil {
			return d, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// sampleRows reads rows along lines whose slope against the edge's normal
// is slope into r.lines, one every half pixel down the edge, and returns
// how many read a whole row. Lines within the edge's hits come first: when
// 32 of them read no whole row, the edge is texture and sampling stops.
func (r *MicroReader) sampleRows(v view, e *microEdge, slope float64) int {
	r.lines = r.lines[:0]
	full := 0
	m := e.module
	top, bot := float64(e.top()), float64(e.bottom())
	n := 0
	for t := top; t <= bot; t += 0.5 {
		full += r.readLine(v, e, slope, t)
		if n++; n == 32 && full == 0 {
			return 0
		}
	}
	// Beyond the edge's hits too: the RAPs of a few rows may not have shown.
	for t := top - 0.5; t >= top-10*m; t -= 0.5 {
		full += r.readLine(v, e, slope, t)
	}
	for t := bot + 0.5; t <= bot+10*m; t += 0.5 {
		full += r.readLine(v, e, slope, t)
	}
	sort.Slice(r.lines, func(i, j int) bool { return r.lines[i].t < r.lines[j].t })
	return full
}

// readLine reads the row the line of the slope from the edge's point at
// height t crosses, into r.lines if it reads one. It returns 1 if the line
// read the whole row, else 0.
func (r *MicroReader) readLine(v view, e *microEdge, slope, t float64) int {
	n := math.Hypot(slope, 1)
	rx, ry := 1/n, -slope/n // along the rows
	m := e.module
	length := int(math.Ceil((microMaxModules + 12) * m))
	margin := 3 * m
	// The point of the edge on scan row t (whose pixels' centres are at
	// t+0.5), then back into the quiet zone; samples at the centres of
	// unit steps.
	ex, ey := e.a+e.b*t, t+0.5
	sx, sy := ex-margin*rx, ey-margin*ry
	r.runs.fromFunc(length, func(i int) bool {
		d := float64(i) + 0.5
		return v.get(int(math.Floor(sx+d*rx)), int(math.Floor(sy+d*ry)))
	})
	// The first dark run near the edge.
	for i := 0; i < r.runs.count(); i++ {
		if float64(r.runs.edges[i]) > margin+1.5*m {
			break
		}
		if !r.runs.dark(i) || float64(r.runs.edges[i]) < margin-1.5*m {
			continue
		}
		ln, ok := readMicroRow(&r.runs, i)
		if !ok {
			return 0
		}
		ln.t = t
		r.lines = append(r.lines, ln)
		if ln.complete() {
			return 1
		}
		return 0
	}
	return 0
}

// decodeRows decodes the rows in r.lines, read along lines of the slope.
func (r *MicroReader) decodeRows(v view, e *microEdge, slope float64) (*decoded, error) {
	rows, cols, pitch, ok := groupMicroRows(r.lines)
	if !ok {
		return nil, errMicroLayout
	}
	d, err := decodeMicroRows(rows, cols, r.composite)
	if err != nil {
		return nil, err
	}
	n := math.Hypot(slope, 1)
	rx, ry := 1/n, -slope/n
	m := e.module
	// Corners: the edge at the first and last rows' outer bounds, and the
	// row width along the rows.
	w := float64(microRowModules(cols)) * m
	t0, t1 := rows[0].t-pitch/2, rows[len(rows)-1].t+pitch/2
	tl := point{e.a + e.b*t0, t0 + 0.5}
	bl := point{e.a + e.b*t1, t1 + 0.5}
	d.corners = [4]point{tl, bl, {bl.x + w*rx, bl.y + w*ry}, {tl.x + w*rx, tl.y + w*ry}}
	d.v = v
	return d, nil
}

// microRow is one row of a symbol: the votes of the lines that crossed it.
type microRow struct {
	t       float64 // centre, down the edge
	cluster int
	votes   [4]map[int]int
	missing bool // no line read it: its codewords are erasures
}

// groupMicroRows sorts lines into rows: successive lines of one cluster
// are one row, and the rows no line read are put back where the spacing
// and the cluster cycle say they were. It returns the rows top to bottom,
// the number of columns, and the row pitch.
func groupMicroRows(lines []microLine) (rows []microRow, cols int, pitch float64, ok bool) {
	var count [5]int
	for _, ln := range lines {
		count[ln.cols]++
	}
	for c := 1; c <= 4; c++ {
		if count[c] > count[cols] {
			cols = c
		}
	}
	if cols == 0 {
		return nil, 0, 0, false
	}
	type group struct {
		t0, t1  float64
		cluster int
		lines   []microLine
	}
	var groups []group
	for _, ln := range lines {
		if ln.cols != cols {
			continue
		}
		if g := len(groups) - 1; g >= 0 && groups[g].cluster == ln.cluster && ln.t-groups[g].t1 < 3 {
			groups[g].t1 = ln.t
			groups[g].lines = append(groups[g].lines, ln)
			continue
		}
		groups = append(groups, group{t0: ln.t, t1: ln.t, cluster: ln.cluster, lines: []microLine{ln}})
	}
	// A group of far fewer lines than most is a misread, mostly of a line
	// that crossed two rows.
	sizes := make([]int, len(groups))
	for i, g := range groups {
		sizes[i] = len(g.lines)
	}
	sort.Ints(sizes)
	least := max(1, sizes[len(sizes)/2]/2)
	merged := groups[:0]
	for _, g := range groups {
		if len(g.lines) < least {
			continue
		}
		if k := len(merged) - 1; k >= 0 && merged[k].cluster == g.cluster {
			merged[k].t1 = g.t1
			merged[k].lines = append(merged[k].lines, g.lines...)
			continue
		}
		merged = append(merged, g)
	}
	groups = merged
	if len(groups) < 2 {
		return nil, 0, 0, false
	}
	// The pitch: the median distance between the centres of neighbours.
	var gaps []float64
	for i := 1; i < len(groups); i++ {
		gaps = append(gaps, (groups[i].t0+groups[i].t1)/2-(groups[i-1].t0+groups[i-1].t1)/2)
	}
	sort.Float64s(gaps)
	pitch = gaps[len(gaps)/2]
	// The way the clusters cycle down the symbol: +1 or -1 (mod 3).
	dir := 0
	for i := 1; i < len(groups); i++ {
		switch (groups[i].cluster/3 - groups[i-1].cluster/3 + 3) % 3 {
		case 1:
			dir++
		case 2:
			dir--
		}
	}
	stepOf := func(k int) int { // clusters advanced over k rows
		if dir >= 0 {
			return k % 3
		}
		return (3 - k%3) % 3
	}
	for i, g := range groups {
		if i > 0 {
			prev := groups[i-1]
			k := max(1, int(math.Round(((g.t0+g.t1)/2-(prev.t0+prev.t1)/2)/pitch)))
			// The cluster cycle decides between neighbouring counts.
			want := (g.cluster/3 - prev.cluster/3 + 3) % 3
			for _, c := range []int{k, k + 1, k - 1} {
				if c >= 1 && stepOf(c) == want {
					k = c
					break
				}
			}
			for range k - 1 {
				rows = append(rows, microRow{missing: true})
			}
		}
		row := microRow{t: (g.t0 + g.t1) / 2, cluster: g.cluster}
		for s := range cols {
			row.votes[s] = map[int]int{}
		}
		for _, ln := range g.lines {
			for s := range cols {
				if ln.values[s] >= 0 {
					row.votes[s][ln.values[s]] += ln.weights[s]
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, cols, pitch, true
}

// decodeMicroRows corrects and interprets the codewords of the rows, with
// rows no line read added at the top or bottom as far as a size needs
// them.
func decodeMicroRows(rows []microRow, cols int, composite bool) (*decoded, error) {
	var lastErr error = errMicroLayout
	for extra := 0; extra <= 2; extra++ {
		for above := 0; above <= extra; above++ {
			for _, v := range variantsOf(cols, len(rows)+extra, composite) {
				all := make([]microRow, 0, v.rows)
				for range above {
					all = append(all, microRow{missing: true})
				}
				all = append(all, rows...)
				for range extra - above {
					all = append(all, microRow{missing: true})
				}
				d, err := decodeMicroCodewords(all, v)
				if err == nil {
					return d, nil
				}
				lastErr = err
			}
		}
	}
	return nil, lastErr
}

// decodeMicroCodewords takes each codeword's most voted value, repairs them
// with the size's Reed-Solomon check codewords and interprets the data.
func decodeMicroCodewords(rows []microRow, v microVariant) (*decoded, error) {
	cw := make([]int, 0, v.rows*v.cols)
	var erasures []int
	for _, row := range rows {
		for s := range v.cols {
			best, bestVotes := 0, 0
			if !row.missing {
				for val, n := range row.votes[s] {
					if n > bestVotes || n == bestVotes && val < best {
						best, bestVotes = val, n
					}
				}
			}
			if bestVotes == 0 {
				erasures = append(erasures, len(cw))
			}
			cw = append(cw, best)
		}
	}
	if len(erasures) >= v.ec {
		return nil, errUncorrectable
	}
	nerr, err := correctErrors(cw, erasures, v.ec)
	if err != nil {
		return nil, err
	}
	var data *decodedData
	switch v.kind {
	case ComponentA:
		data, err = ccaData(cw[:len(cw)-v.ec])
	case ComponentB:
		data, err = componentData(cw[:len(cw)-v.ec], 0, ComponentB)
	default:
		data, err = decodeDataFrom(cw[:len(cw)-v.ec], 0)
	}
	if err != nil {
		return nil, err
	}
	return &decoded{data: data, lay: layout{rows: v.rows, cols: v.cols}, errors: nerr, erasures: len(erasures)}, nil
}
