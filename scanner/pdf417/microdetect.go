package pdf417

import (
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/scannerd/scannerd/scanner/internal/order"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// microHit is a left row address pattern found on a scan row of a view:
// the leading edge of its first bar, after a quiet zone. For the
// composite reader it may also be the first codeword of a CC-A row of
// three columns, which has no left RAP, followed by its centre RAP.
type microHit struct {
	y int32
	// at, where unread is set, is where the run edges leftRAPs kept of
	// the hit's scan row start in its keep slice (see settleCodeword).
	at     int32
	x      float64
	module float64
	rap    uint16 // the pattern: its six runs' module counts, 2 bits each
	// cw is the codeword after the RAP on the scan row (before it, for a
	// CC-A's first codeword), -1 when it is not one.
	cw int16
	// cca3: the hit is a CC-A's first codeword, not a left RAP.
	cca3 bool
	// row: the scan row reads on from the hit as a row of some width,
	// its stop bar and quiet zone where that width puts them (see
	// readsRow); wide: of two columns or more, as a GS1 Composite
	// component's rows are (see readsComponentRow).
	row, wide bool
	// unread: which of cw (unreadCodeword) and row (unreadRow) are not
	// read yet from the runs kept at at.
	unread uint8
}

const (
	unreadCodeword = 1 << iota
	unreadRow
)

// microHitRuns is how many run edges of a hit's scan row keptRuns reads,
// from the RAP's first bar on: the widest row's 51 runs (microRowElements
// of 4 columns) and the quiet zone after it, all that readCodeword and
// microRowLayout read of the row from there, so that they read the same
// from the edges kept as from the whole row.
const microHitRuns = 53

// keptRuns returns the runs leftRAPs kept in keep of the hit's scan row,
// from its RAP's first bar on: from keep[at], up to microHitRuns edges
// before the end of the row's (the -1 that follows them).
func (h *microHit) keptRuns(keep []int) runList {
	n := 0
	for n < microHitRuns && keep[int(h.at)+n] >= 0 {
		n++
	}
	return runList{edges: keep[h.at : int(h.at)+n], firstDark: true}
}

// settleCodeword reads the codeword after the hit's RAP (cw) from the
// runs leftRAPs kept of its scan row in keep, where it left it unread;
// settleRow whether the row reads on as a row (row). Each reads what
// leftRAPs would have read on the whole scan row. Of a candidate region's
// edges only the tallest few are asked (microMaxEdges), and of their hits
// only as many as it takes to tell (codewordsDiffer, readsRow): reading
// every hit's as it was found cost 42 million of the MicroPDF417
// search's 413 million instructions over every eighth image of the
// development set, reading them when asked 7 million.
func (h *microHit) settleCodeword(keep []int) {
	if h.unread&unreadCodeword == 0 {
		return
	}
	h.unread &^= unreadCodeword
	r := h.keptRuns(keep)
	if v, _, _, w := readCodeword(&r, rapElements, -1); w > 0 {
		h.cw = int16(v)
	}
}

// settleRow: see settleCodeword.
func (h *microHit) settleRow(keep []int) {
	if h.unread&unreadRow == 0 {
		return
	}
	h.unread &^= unreadRow
	r := h.keptRuns(keep)
	layout := microRowLayout(&r, 0, microRowLayouts[:], false)
	h.row, h.wide = layout != 0, layoutCols(layout) >= 2
}

// microEdge is the left edge of a candidate symbol: hits on successive
// scan rows, fitted by x = a + b·y; of one kind, left RAPs or (cca3) the
// first codewords of a CC-A of three columns.
type microEdge struct {
	hits   []microHit
	a, b   float64
	module float64
	cca3   bool
	// seq is the edge's place in its chainer's made, cells the first and
	// last of the chainer's cells it is in, and closed set once the
	// chainer has closed it (see chainer).
	seq    int32
	cells  [2]int32
	closed bool
}

func (e *microEdge) top() int    { return int(e.hits[0].y) }
func (e *microEdge) bottom() int { return int(e.hits[len(e.hits)-1].y) }

// edgeChains scans every step-th row of the view v for left RAPs, and
// the same rows read backwards for those of back, the view turned round
// (which shows the rows' right ends as left ones), and chains them into
// the edges of each view, tallest first; only those of the views fwdOn
// and backOn ask for. The MicroPDF417 reader scans every
// microFirstRows-th of those rows first, and the others only where they
// found a RAP in either view (see microFirstRows); the chainers are given
// the hits of every row in order once all are scanned.
func (r *MicroReader) edgeChains(v view, step int, fwdOn, backOn bool) (edges, backEdges []*microEdge) {
	r.edgePool.used = 0 // the last region's edges are done with
	fwd, rev := chainer{composite: r.composite, pool: &r.edgePool}, chainer{composite: r.composite, pool: &r.edgePool}
	p := &r.edgePool
	fwd.cells, rev.cells = p.emptyCells(0), p.emptyCells(1)
	fwd.open, rev.open, fwd.done, rev.done = p.open[0][:0], p.open[1][:0], p.done[0][:0], p.done[1][:0]
	fwd.made, rev.made = p.made[0][:0], p.made[1][:0]
	fwd.bottoms, rev.bottoms = p.bottoms[0][:0], p.bottoms[1][:0]
	fwd.closing, rev.closing = p.closing[:0], p.closing[:0]
	defer func() {
		p.bottoms = [2][]edgeBottom{fwd.bottoms, rev.bottoms}
		p.bottomsHeld = max(p.bottomsHeld, len(fwd.bottoms), len(rev.bottoms))
		p.closing = fwd.closing
		p.cells = [2][][]int32{fwd.cells, rev.cells}
		p.open, p.done = [2][]int32{fwd.open, rev.open}, [2][]*microEdge{fwd.done, rev.done}
		p.made = [2][]*microEdge{fwd.made, rev.made}
	}()
	r.fwdHits, r.backHits = r.fwdHits[:0], r.backHits[:0]
	rows := 0 // the scan rows, step/2 + i·step for i < rows
	if v.h > step/2 {
		rows = (v.h-step/2-1)/step + 1
	}
	// Kept from view to view: an array outgrown is cleared as it is let
	// go, with where the last view's rows' hits lay.
	r.rowHits = scrub.Kept(r.rowHits, append(r.rowHits[:0], make([]rowHits, rows)...))
	r.rowHitsHeld = max(r.rowHitsHeld, rows)
	win := r.moduleWindow(v)
	// The runs after each hit are kept, the hits read when asked (the
	// composite reader's chainers read the codewords of the chains they
	// cut, see chainer.edges).
	r.hitRuns = r.hitRuns[:0]
	keep := &r.hitRuns
	first := 1
	if !r.composite {
		first = microFirstRows
	}
	r.scanning = true // until hitsUsed covers the hits: see wipe
	for i := 0; i < rows; i += first {
		r.scanRow(v, i, step, win, keep, fwdOn, backOn)
	}
	if first > 1 {
		if len(r.fwdHits)+len(r.backHits) == 0 {
			r.scanning = false
			return nil, nil
		}
		for i := range rows {
			if i%first != 0 {
				r.scanRow(v, i, step, win, keep, fwdOn, backOn)
			}
		}
	}
	r.hitRunsUsed = max(r.hitRunsUsed, len(r.hitRuns))
	r.hitsUsed[0], r.hitsUsed[1] = max(r.hitsUsed[0], len(r.fwdHits)), max(r.hitsUsed[1], len(r.backHits))
	r.scanning = false
	fwd.keep, rev.keep = r.hitRuns, r.hitRuns
	if fwdOn {
		for i, h := range r.rowHits {
			fwd.add(r.fwdHits[h.fwd:h.fwdEnd], step/2+i*step, step)
		}
	}
	// The turned view's rows, top to bottom, are the scanned rows last to
	// first.
	for i := rows - 1; i >= 0; i-- {
		h := r.rowHits[i]
		rev.add(r.backHits[h.back:h.backEnd], v.h-1-(step/2+i*step), step)
	}
	return fwd.edges(), rev.edges()
}

// microFirstRows is how many of its scan rows apart edgeChains first
// scans a view of the MicroPDF417 reader: a view none of whose rows so
// scanned shows a RAP in either direction is not scanned further, its
// other rows being as unlikely to. An edge is three hits or more, and a
// symbol's left and right RAPs show on most of the scan rows across it,
// where the clusters of text, of the bars of 1D symbols seen along their
// bars and of most print show none on any: over every eighth dev image,
// 105 of the 161 views the search scanned, 602,638 of its 1,609,557
// samples. Every fourth row first would save a little more (3.4 M
// instructions of the search's 108 M there), but left out a view whose
// RAPs showed on its other rows alone.
const microFirstRows = 2

// rowHits is where the hits of one scan row lie in MicroReader.fwdHits
// and backHits.
type rowHits struct{ fwd, fwdEnd, back, backEnd int32 }

// scanRow scans row i of the view's scan rows (y = step/2 + i·step) for
// the RAPs of the view (fwdOn) and of the view turned round (backOn),
// into r.fwdHits and r.backHits.
func (r *MicroReader) scanRow(v view, i, step int, win moduleWindow, keep *[]int, fwdOn, backOn bool) {
	y := step/2 + i*step
	r.viewRow(v, y)
	r.rowsScanned++
	// Only a CC-A of three columns has rows without a left RAP: none is
	// sought beside linear components that carry one of other columns.
	cca3 := r.composite && colsIn(r.cols, 3)
	h := &r.rowHits[i]
	h.fwd = int32(len(r.fwdHits))
	if fwdOn {
		r.fwdHits = leftRAPs(&r.runs, y, win, r.fwdHits, keep)
		if cca3 {
			r.fwdHits = cca3Starts(&r.runs, y, win, r.fwdHits)
		}
	}
	h.fwdEnd, h.back = int32(len(r.fwdHits)), int32(len(r.backHits))
	if backOn {
		r.runs.reverse()
		r.backHits = leftRAPs(&r.runs, v.h-1-y, win, r.backHits, keep)
		if cca3 {
			r.backHits = cca3Starts(&r.runs, v.h-1-y, win, r.backHits)
		}
	}
	h.backEnd = int32(len(r.backHits))
}

// chainer chains the left RAPs found on successive scan rows into edges.
type chainer struct {
	// made are the edges made, in order; open those not closed (and,
	// chaining MicroPDF417's edges, those closed since: see
	// closeBehindBottoms), done those closed, in the order they were
	// closed. Open edges and cells
	// name edges by their place in made (microEdge.seq): no pointer is
	// written as they change, which while the garbage collector marks
	// costs a write barrier each.
	made      []*microEdge
	open      []int32
	done      []*microEdge
	composite bool // chaining the edges of GS1 Composite components
	pool      *edgePool
	// cells index the open edges by where along a scan row a hit may
	// join them (see index): cell k holds the edges a hit at x in
	// [k·reachCell, (k+1)·reachCell) may join, and others no longer
	// there (closed, or moved on), dropped as met.
	cells [][]int32
	// looked counts the edges add looked at: indexed edges for its hits,
	// and edges to close.
	looked int
	// keep holds the runs after the hits, read when asked (see
	// settleCodeword).
	keep []int
	// oldest is at most the lowest bottom of the open edges: while no
	// edge's gap can be exceeded, none is looked at to be closed.
	oldest int
	// bottoms are the scan rows the MicroPDF417 chainer's edges took
	// hits on, in the order taken, from head on those not yet passed by
	// (see closeBehind); closing is its scratch.
	bottoms []edgeBottom
	head    int
	closing []int32
}

// edgeBottom is a scan row y an edge (made[seq]) took a hit on: its
// bottom, until it takes another.
type edgeBottom struct{ y, seq int32 }

// reachCell is the width of chainer.cells' cells, in view pixels: a
// hit of texture's module of two pixels may join edges of about 20
// pixels of the row, two or three cells.
const reachCell = 16

// add chains the hits of scan row y: each joins the first open edge, in
// the order they were made, whose last hit it lies near enough (joins),
// else starts one. The edges it may join are those of its cell (see
// index): through texture a view's scan rows hold thousands of RAP-like
// hits, and a hit was once tested against every open edge (half the
// MicroPDF417 search's chaining over the development set's photos of
// texture), where its cell holds a few.
func (c *chainer) add(hits []microHit, y, step int) {
	for _, h := range hits {
		best := c.nearest(&h, y, step)
		if best == nil {
			best = c.pool.edge(h.module, h.cca3)
			best.seq, best.cells = int32(len(c.made)), [2]int32{0, -1}
			c.made = append(c.made, best)
			if len(c.open) == 0 {
				c.oldest = y
			}
			c.open = append(c.open, best.seq)
		}
		// The edges' hits and the bottoms are the pool's, kept from
		// image to image: an array outgrown (an edge's first room
		// too) is cleared as it is let go.
		best.hits = append(scrub.Grow(best.hits, 1), h)
		c.index(best, step)
		if !c.composite {
			c.bottoms = append(scrub.Grow(c.bottoms, 1), edgeBottom{int32(y), best.seq})
		}
	}
	c.closeBehind(y, step)
}

// joins reports whether hit h of scan row y may join open edge e: it
// lies within the tolerance of e's last hit, which no more than maxGap
// rows lie above it, and has a module near e's.
func (c *chainer) joins(e *microEdge, h *microHit, y, step int) bool {
	last := &e.hits[len(e.hits)-1]
	dy := y - int(last.y)
	tol := 2*last.module + 0.25*float64(dy)
	return math.Abs(h.x-last.x) <= tol && e.cca3 == h.cca3 && dy <= c.maxGap(step, last.module) && math.Abs(h.module-e.module) < 0.3*e.module
}

// nearest returns the first open edge, in the order they were made, that
// hit h of scan row y may join, or nil: of the edges indexed in its cell,
// dropping those no longer there.
func (c *chainer) nearest(h *microHit, y, step int) *microEdge {
	k := reachCellOf(h.x)
	if k >= len(c.cells) {
		return nil
	}
	var best *microEdge
	cell := c.cells[k]
	n := 0 // the edges kept, moved up over those dropped
	for i, seq := range cell {
		e := c.made[seq]
		if e.closed || int32(k) < e.cells[0] || int32(k) > e.cells[1] {
			continue
		}
		if n != i {
			cell[n] = seq
		}
		n++
		c.looked++
		if (best == nil || e.seq < best.seq) && c.joins(e, h, y, step) {
			best = e
		}
	}
	if n < len(cell) {
		c.cells[k] = cell[:n]
	}
	return best
}

// index enters open edge e, its last hit just added, in the cells of
// every x a hit may lie at to join it (joins): within twice its last
// module and a quarter of the most rows a hit may lie below it (maxGap),
// and a pixel more. The cells it is in already keep it.
func (c *chainer) index(e *microEdge, step int) {
	last := &e.hits[len(e.hits)-1]
	reach := 2*last.module + 0.25*float64(c.maxGap(step, last.module)) + 1
	k0, k1 := reachCellOf(last.x-reach), reachCellOf(last.x+reach)
	for len(c.cells) <= k1 {
		c.cells = append(c.cells, nil)
	}
	for k := k0; k <= k1; k++ {
		if int32(k) < e.cells[0] || int32(k) > e.cells[1] {
			c.cells[k] = append(scrub.Grow(c.cells[k], 1), e.seq) // see add
		}
	}
	e.cells = [2]int32{int32(k0), int32(k1)}
}

// reachCellOf returns the cell of chainer.cells that holds x, the first
// for any x before it.
func reachCellOf(x float64) int {
	return max(0, int(x/reachCell))
}

// closeBehind closes the edges the scan at row y has left behind: those
// whose bottom lies more than maxGap above it, in the order they were
// made.
func (c *chainer) closeBehind(y, step int) {
	if !c.composite {
		c.closeBehindBottoms(y, step)
		return
	}
	// None before the oldest open edge's bottom lies further up than the
	// shortest gap allowed.
	if len(c.open) == 0 || y-c.oldest <= c.leastGap(step) {
		return
	}
	// The edges kept are moved up over those closed, not written where
	// they lie.
	n := 0
	c.oldest = y
	c.looked += len(c.open)
	for i, seq := range c.open {
		e := c.made[seq]
		if y-e.bottom() > c.maxGap(step, e.module) {
			e.closed = true
			c.done = append(c.done, e)
			continue
		}
		if n != i {
			c.open[n] = seq
		}
		n++
		c.oldest = min(c.oldest, e.bottom())
	}
	c.open = c.open[:n]
}

// closeBehindBottoms is closeBehind for the MicroPDF417 chainer, whose
// gap is the same for every edge: the edges to close are those whose
// bottom is among the rows of bottoms the scan has passed by since the
// last call, not every open edge looked at again (through texture,
// hundreds on every scan row). The edges closed are left in open, whose
// edges chained takes only where not closed.
func (c *chainer) closeBehindBottoms(y, step int) {
	gap := c.maxGap(step, 0)
	c.closing = c.closing[:0]
	for ; c.head < len(c.bottoms) && y-int(c.bottoms[c.head].y) > gap; c.head++ {
		b := c.bottoms[c.head]
		c.looked++
		// An edge that took a hit since has left this bottom.
		if e := c.made[b.seq]; !e.closed && e.bottom() == int(b.y) {
			e.closed = true
			c.closing = append(c.closing, b.seq)
		}
	}
	slices.Sort(c.closing)
	for _, seq := range c.closing {
		c.done = append(c.done, c.made[seq])
	}
}

// chained returns every edge made: those closed, in the order they were
// closed, then those still open, in the order they were made; it closes
// them.
func (c *chainer) chained() []*microEdge {
	for _, seq := range c.open {
		if e := c.made[seq]; !e.closed {
			e.closed = true
			c.done = append(c.done, e)
		}
	}
	c.open = c.open[:0]
	return c.done
}

// edges returns the chains of three hits or more that fit a steep line,
// tallest first.
func (c *chainer) edges() []*microEdge {
	done := c.chained()
	if c.composite {
		done = splitComponentEdges(done, c.keep)
	}
	out := done[:0]
	for _, e := range done {
		if len(e.hits) >= 3 && e.fit(!c.composite, c.pool) {
			out = append(out, e)
		}
	}
	if c.composite {
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
				p.hits = append(scrub.Grow(p.hits, len(e.hits)), e.hits...) // see chainer.add
				p.fit(true, c.pool)
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
// both crosses the component's rows. The hits that end a piece without a
// codeword after their RAP are dropped. Only pieces of three hits or
// more, the least an edge has (see edges), are kept, and of their hits
// only the codewords of those at their ends that tell where they end are
// read (settleCodeword, from keep); rowsDiffer reads the others of the
// edges it is asked about, those that fit a line, and only where their
// RAP patterns may show rows.
func splitComponentEdges(edges []*microEdge, keep []int) []*microEdge {
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
			// The separator below the component's last row, the
			// linear component's bars turned light for dark, may hold a
			// RAP on the edge's line, but no codeword after it.
			end := i
			for end-from >= 3 {
				h := &e.hits[end-1]
				if h.settleCodeword(keep); h.cw >= 0 {
					break
				}
				end--
			}
			if end-from >= 3 {
				out = append(out, &microEdge{hits: e.hits[from:end], module: e.hits[from].module, cca3: e.cca3})
			}
			from = i
		}
	}
	return out
}

// edgePool keeps the edges a reader's chainers made, with their hits'
// arrays, and fit's scratch, for the next region's: a region's scan rows
// through texture start thousands of edges of a few hits each, and
// allocating them (and growing their hits) was a third of the chainer's
// instructions on the development set's photos. Nil allocates.
type edgePool struct {
	edges []*microEdge
	used  int // edges handed out since the last region's scan began
	// dirty is the most edges handed out for a region since the last
	// wipe: the others hold no hits of the image, and wipe leaves them
	// (a frame of texture once keeps thousands).
	dirty int
	buf   []float64
	cells [2][][]int32 // the chainers' (see chainer.cells)
	// made, open and done are the chainers' lists of edges, kept for the
	// next region's (they hold only the pool's edges): a region of
	// texture makes thousands, and growing them anew for each region was
	// half of chainer.add's instructions over every eighth dev image.
	made, done [2][]*microEdge
	open       [2][]int32
	bottoms    [2][]edgeBottom
	closing    []int32
	// bottomsHeld is the most bottoms a region's chainer kept since the
	// last wipe, cells' lists hold no more: the scan rows the hits lay
	// on and the cells of the view their edges reached, wiped with them.
	bottomsHeld int
	// rooms are the arrays grow made the edges' first room for hits in,
	// edgeHitsRoom an edge, the edges' order: an edge that took more
	// hits moved them to an array of its own, its room cleared as it let
	// it go (scrub.Grow).
	rooms [][]microHit
}

// edge returns an edge without hits of the module and kind.
func (p *edgePool) edge(module float64, cca3 bool) *microEdge {
	if p == nil {
		return &microEdge{module: module, cca3: cca3}
	}
	if p.used == len(p.edges) {
		p.grow()
	}
	e := p.edges[p.used]
	p.used++
	p.dirty = max(p.dirty, p.used)
	*e = microEdge{hits: e.hits[:0], module: module, cca3: cca3}
	return e
}

// edgeHitsRoom is the room for hits each edge the pool makes starts
// with: most edges of texture end with one to three.
const edgeHitsRoom = 4

// grow makes as many edges again as the pool has (16 at first), in one
// array, each with room for edgeHitsRoom hits in one array of theirs: a
// region of texture makes thousands of edges of a few hits, and making
// each alone, and growing its hits one, two and four at a time, cost
// the search a seventh of its chaining on the development set's photos
// of texture.
func (p *edgePool) grow() {
	n := max(16, len(p.edges))
	edges, hits := make([]microEdge, n), make([]microHit, n*edgeHitsRoom)
	for i := range edges {
		edges[i].hits = hits[i*edgeHitsRoom : i*edgeHitsRoom : (i+1)*edgeHitsRoom]
		p.edges = append(p.edges, &edges[i])
	}
	p.rooms = append(p.rooms, hits)
}

// floats returns scratch room for n floats.
func (p *edgePool) floats(n int) []float64 {
	if p == nil {
		return make([]float64, n)
	}
	if cap(p.buf) < n {
		clear(p.buf)
		p.buf = make([]float64, n)
	}
	return p.buf[:n]
}

// wipe clears what the pool keeps of the last image: its edges' hits,
// and where the chainers met them.
func (p *edgePool) wipe() {
	// The rooms of the edges handed out, a block at a time, and the hits
	// of those whose hits outgrew them.
	left := p.dirty * edgeHitsRoom
	for _, r := range p.rooms {
		n := min(left, len(r))
		clear(r[:n])
		if left -= n; left == 0 {
			break
		}
	}
	for _, e := range p.edges[:p.dirty] {
		if cap(e.hits) > edgeHitsRoom {
			clear(e.hits[:cap(e.hits)])
		}
		*e = microEdge{hits: e.hits[:0]}
	}
	clear(p.buf)
	for k := range p.made {
		clear(p.made[k][:cap(p.made[k])])
		clear(scrub.UpTo(p.bottoms[k], p.bottomsHeld))
		for _, c := range p.cells[k] {
			clear(c[:cap(c)])
		}
	}
	p.used, p.dirty, p.bottomsHeld = 0, 0, 0
}

// emptyCells returns chainer k's cells of the last region, each emptied.
func (p *edgePool) emptyCells(k int) [][]int32 {
	cells := p.cells[k]
	for i := range cells {
		cells[i] = cells[i][:0]
	}
	return cells
}

// maxGap returns how far apart, in scan rows, two hits of one edge may
// be: eight scan steps, or for a composite component (whose rows are two
// modules high) six modules, so that its edge stops short of the linear
// component below it.
func (c *chainer) maxGap(step int, module float64) int {
	if c.composite {
		return min(8*step, max(2*step, int(6*module)))
	}
	return 8 * step
}

// leastGap is the least maxGap returns for any module.
func (c *chainer) leastGap(step int) int {
	if c.composite {
		return min(8*step, 2*step)
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
	case rotFree:
		// The nearest pixel to each sample, stepping along the row: the
		// search for RAPs needs no more.
		x0, y0 := v.toImage(0.5, float64(y)+0.5)
		r.runs.fromNearest(&v, v.w, x0, y0, v.ux, v.uy)
	default:
		r.runs.fromFunc(v.w, func(x int) bool { return v.get(x, y) })
	}
}

// moduleWindow bounds the module (view pixels) of the RAPs a search
// finds: from 0.8 pixels up; for the composite reader, given the module
// of the linear components it searches beside (hint.Modules), within
// componentModuleSpread of theirs. A 2D component's module is its linear
// component's (ISO/IEC 24723: both share one X dimension); in zint's
// composites the edges that read a component measure it within 4 % of
// the linear component's. The window leaves out the RAP-like runs of
// other sizes (text, graphics, the linear component's wider bars) before
// their codewords and rows are read: beside the EAN/UPC symbols of the
// development set, an eighth of the instructions of the search's scan
// rows.
type moduleWindow struct{ lo, hi float64 }

// anyModule is the window of every module from 0.8 pixels up.
var anyModule = moduleWindow{0.8, math.Inf(1)}

// componentModuleSpread is how far a 2D component's module measured on
// its RAPs may lie from its linear component's, as a factor either way:
// room for the view's sampling and perspective.
const componentModuleSpread = 1.4

// moduleWindow returns the window of the modules of the RAPs sought in
// view v.
func (r *MicroReader) moduleWindow(v view) moduleWindow {
	w := anyModule
	if !r.composite || !r.modKnown {
		return w
	}
	scale := 1.0 // image pixels a view pixel
	if v.rot == rotFree {
		scale = math.Hypot(v.ux, v.uy)
	}
	w.lo = max(w.lo, r.modLo/componentModuleSpread/scale)
	w.hi = r.modHi * componentModuleSpread / scale
	return w
}

// fits reports whether module lies in the window.
func (w moduleWindow) fits(module float64) bool { return module >= w.lo && module <= w.hi }

// leftRAPs appends to out the patterns on one row that may start a
// MicroPDF417 row: a light run of two modules or more, then three bars and
// three spaces of ten modules, of a module in win; with the codeword after
// each. With keep, the codeword and whether the row reads on as a row are
// left unread, and the run edges they are read from appended to *keep
// (see settleCodeword): the row's, from its first hit's on, once. Through
// texture a row holds a dozen hits, and each hit's 53 edges, kept as
// they were once, made the kept edges two or three times the rows'. out
// is the reader's, kept from image to image: it grows a hit at a time,
// an array outgrown cleared as it is let go.
func leftRAPs(r *runList, y int, win moduleWindow, out []microHit, keep *[]int) []microHit {
	kept := -1 // where the row's edges from kept on lie in *keep
	var at int
	for i := firstDarkFrom(r, 1); i+rapElements+elementsPerSymbol <= r.count(); i += 2 {
		// The light run before at least two modules, a fifth of the
		// RAP's width: in whole pixels, 5w >= span exactly when
		// float64(w) >= 2*module, and most dark runs fail it.
		span := r.edges[i+rapElements] - r.edges[i]
		if 5*r.width(i-1) < span {
			continue
		}
		module := float64(span) / rapModules
		if !win.fits(module) {
			continue
		}
		t, ok := rapCounts(r, i, module)
		if !ok {
			continue
		}
		h := microHit{y: int32(y), x: float64(r.edges[i]), module: module, cw: -1, rap: rapPattern(t)}
		if keep != nil {
			// The row's edges from the first hit's on, kept once, and
			// -1 after them.
			if kept < 0 {
				kept = i
				*keep = scrub.Grow(*keep, len(r.edges)-i+1)
				at = len(*keep)
				*keep = append(append(*keep, r.edges[i:]...), -1)
			}
			h.at, h.unread = int32(at+i-kept), unreadCodeword|unreadRow
			out = append(scrub.Grow(out, 1), h)
			continue
		}
		if v, _, _, w := readCodeword(r, i+rapElements, -1); w > 0 {
			h.cw = int16(v)
		}
		layout := microRowLayout(r, i, microRowLayouts[:], false)
		h.row, h.wide = layout != 0, layoutCols(layout) >= 2
		out = append(scrub.Grow(out, 1), h)
	}
	return out
}

// firstDarkFrom returns the first dark run of r from i on.
func firstDarkFrom(r *runList, i int) int {
	if !r.dark(i) {
		i++
	}
	return i
}

// cca3Starts appends to out the patterns on one row that may start a row
// of a CC-A of three columns: a light run of two modules or more, then a
// codeword, then the centre RAP. A row of that CC-A has no left RAP; the
// rows of a CC-B or MicroPDF417 of three columns, which have one, read
// the same from their first codeword on, and are left out where a RAP
// ends in the light run. Its module must lie in win. out grows as
// leftRAPs's does.
func cca3Starts(r *runList, y int, win moduleWindow, out []microHit) []microHit {
	const n = elementsPerSymbol + rapElements
	for i := firstDarkFrom(r, 1); i+n <= r.count(); i += 2 {
		// As in leftRAPs: 17w >= 2·span exactly when w >= 2·module.
		span := r.edges[i+elementsPerSymbol] - r.edges[i]
		if modulesPerCodeword*r.width(i-1) < 2*span {
			continue
		}
		module := float64(span) / modulesPerCodeword
		if !win.fits(module) {
			continue
		}
		rap := float64(r.edges[i+n]-r.edges[i+elementsPerSymbol]) / rapModules
		if math.Abs(rap-module) > 0.2*module {
			continue
		}
		t, ok := rapCounts(r, i+elementsPerSymbol, rap)
		if !ok {
			continue
		}
		if i >= rapElements && rapFits(r, i-rapElements, rap) {
			continue
		}
		v, _, _, w := readCodeword(r, i, -1)
		if w == 0 {
			continue
		}
		row := microRowLayout(r, i, cca3RowLayouts[:], false) != 0
		out = append(scrub.Grow(out, 1), microHit{y: int32(y), x: float64(r.edges[i]), module: module, cw: int16(v),
			rap: rapPattern(t), cca3: true, row: row, wide: row})
	}
	return out
}

// rapPattern returns the module counts of a RAP's six runs, as
// rapCounts reads them, 1 to 4, two bits each.
func rapPattern(t [rapElements]int) uint16 {
	var p uint16
	for _, n := range t {
		p = p<<2 | uint16(min(4, max(1, n))-1)
	}
	return p
}

// rowsDiffer reports whether a composite component's edge shows rows: two
// RAP patterns, each on two scan rows or more, and no codeword after them
// that stays the same over more than two rows' height. Consecutive rows of
// a symbol have different RAPs and first codewords of different clusters,
// while the bars of a 1D symbol, which a RAP and a codeword may look like,
// are the same on every scan row. It costs little but the hits (the
// codewords are read from keep as asked, see splitComponentEdges): most
// edges beside a composite's linear component are its bars.
func (e *microEdge) rowsDiffer(keep []int) bool {
	// The RAP patterns first: they are read already, where the
	// codewords are read from keep as they are looked at.
	if !rapsTwice(e.hits) {
		return false
	}
	from := 0
	for i := range e.hits {
		h := &e.hits[i]
		if h.settleCodeword(keep); h.cw < 0 {
			continue
		}
		if e.hits[from].cw != h.cw {
			from = i
		} else if float64(h.y-e.hits[from].y) > 4.5*e.module {
			return false
		}
	}
	return true
}

// rapsTwice reports whether two RAP patterns each show on two of the
// hits or more. The patterns are twelve bits (rapPattern): a bit each in
// two sets of 4096 on the stack, not a map made a call, which cost the
// composite search over every eighth dev image 2.5 M instructions in its
// 169 calls; the hits are looked at only until two patterns repeat.
func rapsTwice(hits []microHit) bool {
	var once, again [1 << (2 * rapElements) / 64]uint64
	twice := 0
	for i := range hits {
		p := hits[i].rap
		w, b := p>>6, uint64(1)<<(p&63)
		switch {
		case once[w]&b == 0:
			once[w] |= b
		case again[w]&b == 0:
			again[w] |= b
			if twice++; twice == 2 {
				return true
			}
		}
	}
	return false
}

// componentRapSpan is the most modules, down a composite component's
// edge, one RAP pattern may show on successive scan rows: a CC-A or
// CC-B row is two modules high (ISO/IEC 24723), and the RAPs of
// neighbouring rows differ (ISO/IEC 24728: each row's RAP is the next in
// their sequence), so that one pattern spans a row, and with the blur and
// the rounding of a scan row crossing a row's border a little more. Of
// zint's composites that read only at the other angles readSymbol tries,
// no edge's pattern spanned more than 2.1 modules; of those that read at
// the first angles, 18 of about 1750 edges' did (a pattern misread alike
// on two rows), up to 4.5.
const componentRapSpan = 3

// rapStays reports whether one RAP pattern shows on the edge's
// successive hits over more than componentRapSpan modules: the bars of a
// linear symbol, the same on every scan row, which may look like a RAP
// (the bars beside a composite's linear component above all), not the
// rows of a composite component. readSymbol tries no other angles for
// such an edge: beside the EAN/UPC symbols of the development set, about
// half the lines the composite reader sampled there.
func (e *microEdge) rapStays() bool { return e.rapSpans(componentRapSpan) }

// rapSpans reports whether one RAP pattern shows on the edge's successive
// hits over more than span modules.
func (e *microEdge) rapSpans(span float64) bool {
	from := 0
	for i := 1; i <= len(e.hits); i++ {
		if i < len(e.hits) && e.hits[i].rap == e.hits[from].rap {
			continue
		}
		if float64(e.hits[i-1].y-e.hits[from].y) > span*e.module {
			return true
		}
		from = i
	}
	return false
}

// readsRow reports whether the scan row of one of the edge's hits reads
// on from it as a row of one of the layouts its lines would be read by
// (microRowLayout): its RAPs and codewords each of their width, its stop
// bar and the quiet zone after it where the row's width puts them. A
// symbol's rows run across its edge as the view's rows do, to within the
// error of the view's angle (under 2°); a scan row that leaves a row two
// modules high part way along still crosses the bounds of its codewords
// and RAPs, and its stop bar, where they lie in every row, since a
// symbol's columns line up. The RAPs' patterns are not read: at two
// pixels a module the nearest pixels of a turned scan row may blur one.
// The lines the edge is probed with (probe) read rows so along nearly
// the same lines; where no scan row shows one, texture or the bars of a
// linear symbol made the edge. On the development set's images the
// MicroPDF417 reader samples a quarter fewer lines; of zint's symbols'
// edges that decode, none is left out. GS1 Composite components' rows are
// laid out as MicroPDF417's (a CC-A of three columns as cca3Layout), and
// their edges are held to the same test, of their own layouts
// (readsComponentRow): the composite sweep misses the same scenes as
// without it.
func (e *microEdge) readsRow(keep []int) bool {
	for k := range e.hits {
		h := &e.hits[k]
		if h.settleRow(keep); h.row {
			return true
		}
	}
	return false
}

// readsComponentRow is readsRow for the composite reader: the scan row
// of one of the edge's hits reads on from it as a row of two columns or
// more, a layout a CC-A or CC-B can have (see componentRows), not of
// one column alone, as the bars of text or of a linear symbol whose runs
// happen to fit one do. Over every eighth dev image with every symbology
// on, 13 of the 27 edges the composite search sampled lines across
// showed rows of one column alone (360 of its 1099 lines, none read);
// the GS1 Composite sweep misses the same scenes as without it.
func (e *microEdge) readsComponentRow(keep []int) bool {
	for k := range e.hits {
		h := &e.hits[k]
		if h.settleRow(keep); h.wide {
			return true
		}
	}
	return false
}

// codewordsDiffer reports whether the scan rows of edge e read two
// different codewords after their RAPs: the first codewords of a
// symbol's rows, where the bars of text or of a 1D symbol, which a RAP
// may look like, are seldom followed by the runs of a codeword, or by the
// same one on every row. On the blackbox set it leaves out half the
// edges, which no symbol holds; of zint's symbols' edges that read one,
// all but one in several hundred read two codewords or more.
func (e *microEdge) codewordsDiffer(keep []int) bool {
	first := int16(-1)
	for k := range e.hits {
		h := &e.hits[k]
		h.settleCodeword(keep)
		switch {
		case h.cw < 0:
		case first < 0:
			first = h.cw
		case h.cw != first:
			return true
		}
	}
	return false
}

// rapFits reports whether the six runs from i are a row address pattern
// of the given module (see rapCounts).
func rapFits(r *runList, i int, module float64) bool {
	_, ok := rapCounts(r, i, module)
	return ok
}

// rapCounts reads the module counts of the six runs from i as a row
// address pattern of the given module, and reports whether they are one:
// whole modules, one to four each, ten in all, give or take one for a
// run's rounding. Evenly spaced stripes are not (ten modules do not split
// into six equal runs: each rounds to two).
//
// Where the runs do not round so, the pattern is read from its
// edge-to-similar-edge distances, as PDF417's reference decode reads
// codewords (ISO/IEC 15438 §10): a bar and the space beside it span whole
// modules whatever the threshold or the blur took from one and gave the
// other, which at two pixels a module can turn a one-module space into
// half a module or less. The five pairs must span ten modules in
// bar-space pairs (the first, third and fifth) and fit counts of one to
// four; of the counts that fit, those whose runs differ from them most
// evenly (bars all grown, spaces all shrunk by one amount) are taken.
func rapCounts(r *runList, i int, module float64) (t [rapElements]int, ok bool) {
	sum := 0
	ok = true
	for k := range t {
		t[k] = roundNonNeg(float64(r.width(i+k)) / module)
		if t[k] < 1 || t[k] > 4 {
			ok = false
			break // the pairs decide
		}
		sum += t[k]
	}
	if ok && sum >= rapModules-1 && sum <= rapModules+1 {
		return t, true
	}
	// The bar-space pairs first: most runs that are no RAP fail there.
	var pair [rapElements - 1]int
	for k := 0; k < len(pair); k += 2 {
		pair[k] = roundNonNeg(float64(r.edges[i+k+2]-r.edges[i+k]) / module)
	}
	if pair[0]+pair[2]+pair[4] != rapModules {
		return t, false
	}
	for k := 1; k < len(pair); k += 2 {
		pair[k] = roundNonNeg(float64(r.edges[i+k+2]-r.edges[i+k]) / module)
	}
	best := math.Inf(1)
	for first := 1; first <= 4; first++ {
		var c [rapElements]int
		c[0] = first
		fits := true
		for k := 1; k < rapElements && fits; k++ {
			c[k] = pair[k-1] - c[k-1]
			fits = c[k] >= 1 && c[k] <= 4
		}
		if !fits {
			continue
		}
		// The spread of the runs' excess over the counts, bars' taken as
		// they are and spaces' turned round: one amount for all when the
		// counts are right.
		lo, hi := math.Inf(1), math.Inf(-1)
		for k := range c {
			d := float64(r.width(i+k)) - float64(c[k])*module
			if k%2 == 1 {
				d = -d
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if hi-lo < best {
			best, t = hi-lo, c
		}
	}
	return t, !math.IsInf(best, 1)
}

// roundNonNeg is int(math.Round(x)) for x ≥ 0 (halves away from zero),
// in a few instructions: x less its whole part is exact (the whole part is
// at most x and over half of it, or 0), so the half is told exactly. The
// RAP test rounds every run of every candidate so.
func roundNonNeg(x float64) int {
	n := int(x)
	if x-float64(n) >= 0.5 {
		n++
	}
	return n
}

// fit fits the edge's line and module width to its hits: a median line
// first (the slope the median of the slopes between hits, so that a few
// stray hits do not tilt it), then least squares over the hits near it.
// It reports whether enough hits remain and the edge is steep. Without
// leastSquares the median line stays: a composite component's edge has a
// dozen hits or so, and one a pixel off tilts a least squares line
// across its rows.
func (e *microEdge) fit(leastSquares bool, pool *edgePool) bool {
	stride := max(1, len(e.hits)/40)
	used := (len(e.hits) + stride - 1) / stride
	buf := pool.floats(len(e.hits) + used*(used-1)/2)
	ms := buf[:len(e.hits)]
	for i, h := range e.hits {
		ms[i] = h.module
	}
	e.module = order.Select(ms, len(ms)/2)
	slopes := buf[len(e.hits):len(e.hits)]
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
	e.b = order.Select(slopes, len(slopes)/2)
	offsets := ms // the modules' median is taken
	for i, h := range e.hits {
		offsets[i] = h.x - e.b*float64(h.y)
	}
	e.a = order.Select(offsets, len(offsets)/2)
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
// lines across it, eight or more a row down the edge, and decodes what
// they read. The rows are taken at right angles to the edge; but the
// edge's slope is known only to a pixel or so over its height, which
// across a wide symbol may be half a row. So other angles are tried: the
// view's rows (the angle its cells' bars gave, which for a symbol of a few
// rows is closer than its edge's slope), then, where lines read rows, a
// degree either way of the edge's normal (the lines of one angle may all
// cross a row boundary where those of the next do not) and, for a short
// edge, up to three degrees either way of the view's rows. The first four
// also try the small turns of readSymbolAt. Texture seldom reads a row,
// so it costs one or two tries. A composite component's edge is short
// (three rows of two modules, say, across a hundred modules), and the
// view's angle comes from the linear component beside it: a degree off,
// one line across its rows may read a row and no other, so its edges
// (those that show rows, beside a linear symbol read) try every angle
// where one line read one; of those angles, only the one whose probe
// lines read the most whole rows is sampled in full. Most edges beside an
// EAN/UPC symbol's bars read none and stop there.
func (r *MicroReader) readSymbol(v view, e *microEdge) (*decoded, error) {
	// An edge one RAP pattern shows on over rows and rows is the bars of
	// a 1D symbol: no line is sampled across it (see microRapSpan); nor
	// across a composite component's edge whose RAPs never follow each
	// other in their cycle, as those of texture and of a linear symbol's
	// bars seldom do (rapsFollow): a GS1 Composite component's rows take
	// their left RAPs from the side RAPs' cycle (ISO/IEC 24723). A CC-A of
	// three columns, whose rows have none, is not held to it.
	if r.composite && (!e.rowsDiffer(r.hitRuns) || !e.cca3 && !rapsFollow(e.hits, e.module, r.hitRuns, false) || !e.readsComponentRow(r.hitRuns)) ||
		!r.composite && (e.rapSpans(microRapSpan) || !e.codewordsDiffer(r.hitRuns) || !e.readsRow(r.hitRuns)) {
		return nil, errMicroLayout
	}
	// A MicroPDF417 edge whose RAPs, side or centre, never follow each
	// other in their cycle (ISO/IEC 24728 §5.3: each row's RAP is the
	// next of its cycle; see rapsFollow) is texture's mostly: where the
	// lines along its normal read no rows of several clusters, it is not
	// tried along the view's rows either. It is not left out altogether:
	// at low contrast the search may find only such edges of a symbol
	// whose RAPs it misreads, and the rows their lines read, along the
	// normal or at the other angles, make the reader Promising, so that a
	// later pass (the global histogram's) searches again and reads it.
	outOfCycle := !r.composite && !rapsFollow(e.hits, e.module, r.hitRuns, true)
	// gridProbe is the most whole rows the probe of an angle read whose
	// lines, sampled in full, formed rows of a MicroPDF417 size that
	// failed to decode (their error correction, mostly): another angle
	// whose probe reads no more whole rows is not worth sampling. Not so
	// for a composite component, whose three or four rows a degree off
	// may group into a size by chance (the GS1 Composite sweep lost two
	// reads of 2000 to it).
	gridProbe := -1
	d, err, readSome := r.readSymbolAt(v, e, e.b, true)
	if err == nil || !r.composite && r.ungrouped || outOfCycle && !readSome {
		return d, err
	}
	// An edge whose RAPs advance through their cycle as a symbol's rows
	// do (rapsAdvance) is tried at the other angles whatever its first
	// lines read, with the wider sweep of a short edge: a symbol tilted
	// away from the camera keeps its rows level while perspective leans
	// its edge, so that they run neither along the edge's normal nor,
	// where the view's angle is a few hundredths of a radian off (the
	// leaning bars turn the cells' angle), along the view's rows: rows
	// foreshortened to about a module and a half are crossed by both.
	advances := !r.composite && rapsAdvance(e.hits, e.module, r.hitRuns)
	if !r.composite && !errors.Is(err, errMicroLayout) {
		gridProbe = r.probed
	}
	readOne := len(r.lines) > 0
	componentRow := r.composite && componentRows(r.lines, r.cols)
	tried := []float64{e.b}
	if math.Abs(e.b) >= microRetryTurn/2 {
		// The view's rows, whatever the first lines read: a short edge's
		// slope may be far off.
		var some bool
		if d, err, some = r.readSymbolAt(v, e, 0, true); err == nil {
			return d, nil
		}
		if !r.composite && !errors.Is(err, errMicroLayout) {
			gridProbe = max(gridProbe, r.probed)
		}
		readSome = readSome || some
		readOne = readOne || len(r.lines) > 0
		componentRow = componentRow || r.composite && componentRows(r.lines, r.cols)
		tried = append(tried, 0)
	}
	if !readSome && !(r.composite && readOne) && !advances || r.composite && (e.rapStays() || !componentRow) {
		return nil, err
	}

	slopes := []float64{e.b + microRetryTurn, e.b - microRetryTurn}
	if len(e.hits) < microShortEdge || r.composite || advances {
		for k := 1; k <= 3; k++ {
			slopes = append(slopes, float64(k)*microRetryTurn, -float64(k)*microRetryTurn)
		}
	}
	// Every other angle's probe first (readSymbolAlong's first lines,
	// which it takes again for the angle it samples): of the angles whose
	// probes could be a symbol's, only the microRetries whose probes read
	// the most whole rows are sampled in full. Beside an EAN/UPC symbol's
	// bars most angles' probes read a few rows of something, and sampling
	// each in full, with its turns, cost a thousand lines or more an
	// edge; the zint sweeps read as many symbols with the best one alone.
	type retry struct {
		slope    float64
		turns    bool
		complete int
	}
	var retries []retry
	for i, slope := range slopes {
		if slices.ContainsFunc(tried, func(t float64) bool { return math.Abs(t-slope) < microRetryTurn/2 }) {
			continue
		}
		tried = append(tried, slope)
		r.lines = r.lines[:0]
		complete, probes := r.probe(v, e, slope)
		if !r.probeReads(complete, probes) || complete <= gridProbe {
			continue
		}
		// The small turns about the edge's normal's neighbours; the
		// coarser sweep of a short edge goes without.
		retries = append(retries, retry{slope, i < 2, complete})
	}
	sort.SliceStable(retries, func(i, j int) bool { return retries[i].complete > retries[j].complete })
	for _, t := range retries[:min(len(retries), microRetries)] {
		var e2 error
		if d, e2, _ = r.readSymbolAt(v, e, t.slope, t.turns); e2 == nil {
			return d, nil
		}
		err = e2
	}
	return nil, err
}

// An edge whose lines along its normal, sampled over its whole height,
// read whole rows yet do not group into rows (groupMicroRows: once the
// groups of far fewer lines than most are left out, the lines of the
// layout most of them read form a single group of one cluster) is not
// read at other angles (MicroReader.ungrouped): the lines crossed one
// stretch of bars that reads as one row, as the bars of a 1D symbol do,
// not rows that cycle through the clusters. In the robustness suite (24
// samples a level) no edge read a symbol at another angle after lines
// along its normal that did not group (22 such edges, none read); over
// every eighth dev image the other angles of two such edges, both across
// an EAN-13 symbol's bars, took a quarter of the lines the search sampled
// (587 of 2391).

// componentRows reports whether one of the lines read a row of a layout
// a GS1 Composite component's rows may have: two columns or more (CC-A
// and CC-B have two to four, ISO/IEC 24723 §5; see variantsOf), not a
// MicroPDF417 row of one column. The composite reader tries other angles
// only for an edge whose first angles' lines read one: a line a degree
// or two off a component's rows crosses the same columns and stop bar
// as one along them, which fall where a component's layout puts them,
// not a one-column row's. Where the first lines read one-column rows
// alone (the bars of text or of a linear symbol whose runs happen to
// fit one), the other angles' probes read rows there again to no end:
// over every eighth dev image with every symbology on, 819 of the 919
// lines the composite search sampled at other angles; in the GS1
// Composite sweep (2000 zint scenes) no edge read at another angle
// without such a line at its first. Beside linear components that fix
// their components' columns (cols, see hint.ComponentColumns), a line
// must read a row of those columns: over the EAN/UPC symbols of every
// eighth dev image, the other lines' rows were their bars'.
func componentRows(lines []microLine, cols uint8) bool {
	for i := range lines {
		if lines[i].cols >= 2 && colsIn(cols, lines[i].cols) {
			return true
		}
	}
	return false
}

// colsIn reports whether the mask of column counts cols (bit n for n
// columns, see hint.ComponentColumns; 0 for any) holds n.
func colsIn(cols uint8, n int) bool { return cols == 0 || cols&(1<<n) != 0 }

// microRapSpan is the most modules, down a MicroPDF417 symbol's edge, one
// RAP pattern may show on successive scan rows for readSymbol to sample
// lines across the edge at all. The left RAPs of a symbol's rows differ
// from row to row (ISO/IEC 24728 §5.3), and a row is two modules high or
// more, so that eight modules are four rows of the least height. The
// rows of zint's symbols are two modules high, and in the robustness
// suite (twelve samples a level) no edge that read a symbol showed one
// pattern over more than 2.4 modules; the bars of the 1D symbols the
// development set's photos hold, seen in perspective, which lines across
// read as rows now and then, show one over 8 to 26 modules. Their edges
// were once tried at other angles and turns too (a tenth of the lines
// the MicroPDF417 search sampled over every eighth dev image), then
// along their normal alone; in the robustness suite at 24 samples a
// level, no curve moves when they are not sampled at all.
const microRapSpan = 8

// microRetries is how many of the other angles readSymbol tries, ranked
// by their probes, an edge's first angles read no symbol along.
const microRetries = 1

// microShortEdge is the number of hits under which an edge's slope is
// too rough to go by: readSymbol then tries more angles.
const microShortEdge = 8

// microRetryTurn is the step between the angles readSymbol tries (a
// degree, as a slope).
const microRetryTurn = 0.0175

// readSymbolAt reads the symbol along lines of the slope, and, with turns,
// of slopes near it, decoded in the order of how many lines read a whole
// row along them. When it does not decode, it also reports whether the
// last lines read rows worth other angles: for a composite component, two
// lines or more that read a row; for MicroPDF417, rows of two clusters or
// more, as lines across a symbol's rows a degree or two off do, since its
// rows cycle through three. Lines across the bars of an EAN/UPC symbol
// seen in perspective, or beside its add-on, that read as rows mostly read
// rows of one cluster, and other angles read them again to no end.
func (r *MicroReader) readSymbolAt(v view, e *microEdge, slope float64, turns bool) (d *decoded, err error, readSome bool) {
	d, err = r.readSymbolAlong(v, e, slope, turns)
	if err == nil || r.composite || len(r.lines) < 2 {
		return d, err, len(r.lines) >= 2
	}
	return d, err, severalClusters(r.lines)
}

// readSymbolAlong is readSymbolAt but for what the lines read.
func (r *MicroReader) readSymbolAlong(v view, e *microEdge, slope float64, turns bool) (*decoded, error) {
	type try struct {
		turn float64
		full int
	}
	// Most candidates are texture: a few lines through the edge's hits
	// tell, before the symbol's whole height is sampled.
	r.lines = r.lines[:0]
	r.ungrouped = false
	complete, probes := r.probe(v, e, slope)
	r.probed = complete
	if !r.probeReads(complete, probes) {
		return nil, errMicroLayout
	}
	// Along the edge's normal first: most symbols decode there.
	full := r.sampleRows(v, e, slope)
	if full < 3 {
		return nil, errMicroLayout // not a symbol: rows read nowhere
	}
	d, err := r.decodeRows(v, e, slope)
	if err == nil {
		return d, nil
	}
	rows, _, pitch, grouped := groupMicroRows(r.lines)
	r.ungrouped = !grouped
	if grouped && len(rows) >= 3 {
		r.promising = true
	}
	if !turns || full < 12 && !r.composite {
		return nil, err // too few whole rows to be worth turning for
	}
	// Lines that do not group into rows of cycling clusters crossed bars
	// that happen to hold RAPs and codewords, not a symbol: turning them
	// would not make one. A composite component's edge, which shows rows
	// (rowsDiffer), may be three rows high (a CC-A of four columns):
	// lines a degree off its rows, blurred at two pixels a module, group
	// into two of them.
	least := 3
	if r.composite {
		least = 2
	}
	if !grouped || len(rows) < least || r.composite && pitch > componentMaxPitch*e.module {
		return nil, err
	}
	// The turns are ranked by their probes' whole rows, and the best
	// sampled.
	tries := []try{{0, complete}}
	for _, turn := range [...]float64{0.008, -0.008, 0.016, -0.016, 0.024, -0.024} {
		n, _ := r.probe(v, e, slope+turn)
		tries = append(tries, try{turn, n})
	}
	sort.SliceStable(tries, func(i, j int) bool { return tries[i].full > tries[j].full })
	lastErr := err
	for _, t := range tries[:3] {
		if t.turn == 0 {
			continue
		}
		r.sampleRows(v, e, slope+t.turn)
		d, err := r.decodeRows(v, e, slope+t.turn)
		if err == nil {
			return d, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// componentMaxPitch is the most modules apart, down a composite
// component's edge, the rows its lines along the edge's normal group
// into may lie for readSymbolAlong to try the small turns about it: a
// CC-A or CC-B row is two modules high (ISO/IEC 24723), and where lines
// miss every other row the rows they group into are four modules apart.
// In the GS1 Composite sweep (2000 zint scenes) no edge read at a turn
// after rows more than 4.4 modules apart; over every eighth dev image
// with every symbology on, the turns of one edge whose lines (rows of
// one column, the most) grouped into two rows 15 modules apart took 314
// of the 739 lines the composite search sampled.
const componentMaxPitch = 8

// probeReads reports whether a probe's lines, complete of probes reading
// a whole row and the rows read in r.lines, may be a symbol's: a third of
// them or more read rows, one a whole row, not all the same codewords.
func (r *MicroReader) probeReads(complete, probes int) bool {
	return len(r.lines) >= max(2, probes/3) && complete > 0 && !sameRow(r.lines)
}

// sameRow reports whether the lines all read the same codewords: lines
// across the bars of a 1D barcode that happen to read as a row, where
// those across a symbol's edge cross rows of other codewords.
func sameRow(lines []microLine) bool {
	for _, ln := range lines[1:] {
		if ln.cluster != lines[0].cluster || ln.values != lines[0].values {
			return false
		}
	}
	return true
}

// probe reads lines of the slope through about eight of the rows the
// edge's hits show into r.lines, and returns how many read a whole row, of
// how many lines: a few lines that tell texture from a symbol, and a good
// angle from a worse one, before a symbol's whole height is sampled.
func (r *MicroReader) probe(v view, e *microEdge, slope float64) (complete, lines int) {
	at := r.probeHeights(e)
	for i := 0; i < len(at); i += max(1, len(at)/8) {
		complete += r.readLine(v, e, slope, at[i])
		lines++
	}
	return complete, lines
}

// probeHeights returns where probe's lines leave the edge e. Where the
// edge shows eight rows or more, each on two scan rows or more (a run of
// successive hits with one RAP pattern: the rows' RAPs differ from their
// neighbours'), a row's middle each: lines through every so many hits
// would be as many scan rows apart, a row's height or more, which may be
// a whole number of rows, so that every line falls on a border between
// two rows, which on a blurred symbol no line reads (on zint's CC-B of 17
// rows upside down at 2.5 pixels a module, all nine did). Else the hits:
// lines a few a row, at different heights of it.
func (r *MicroReader) probeHeights(e *microEdge) []float64 {
	r.probeHeld = max(r.probeHeld, len(e.hits)) // a height a hit at most
	// Room for them all at once: an array outgrown is cleared as it is
	// let go, not dropped with another edge's heights.
	r.probeAt = scrub.Grow(r.probeAt[:0], len(e.hits))
	from := 0
	for i := 1; i <= len(e.hits); i++ {
		if i < len(e.hits) && e.hits[i].rap == e.hits[from].rap {
			continue
		}
		if i-from >= 2 {
			r.probeAt = append(r.probeAt, float64(e.hits[from].y+e.hits[i-1].y)/2)
		}
		from = i
	}
	if len(r.probeAt) >= 8 {
		return r.probeAt
	}
	r.probeAt = r.probeAt[:0]
	for _, h := range e.hits {
		r.probeAt = append(r.probeAt, float64(h.y))
	}
	return r.probeAt
}

// severalClusters reports whether the lines read rows of more than one
// cluster: a symbol's rows cycle through three, where the bars of a 1D
// barcode that happen to read as a row read as the same row on every line.
func severalClusters(lines []microLine) bool {
	for _, ln := range lines[1:] {
		if ln.cluster != lines[0].cluster {
			return true
		}
	}
	return false
}

// sampleRows reads rows along lines whose slope against the edge's normal
// is slope into r.lines, eight or more a row (half a pixel to a pixel
// apart) down the edge, and returns how many read a whole row. Lines
// within the edge's hits come first: when fewer than one in 16 of them
// read a whole row, or 32 pixels of them read rows of one cluster only,
// the edge is texture and sampling stops.
func (r *MicroReader) sampleRows(v view, e *microEdge, slope float64) int {
	r.lines = r.lines[:0]
	full := 0
	m := e.module
	top, bot := float64(e.top()), float64(e.bottom())
	// Eight lines or more per row (rows are two modules high or more).
	dt := min(1, max(0.5, m/4))
	n := 0
	for t := top; t <= bot; t += dt {
		full += r.readLine(v, e, slope, t)
		// Lines across a symbol read whole rows often (a row is many
		// lines high); across bars that happen to hold RAPs and
		// codewords, seldom.
		if n++; n%32 == 0 && (full*8 < n || float64(n)*dt >= 32 && len(r.lines) >= 16 && !severalClusters(r.lines)) {
			return 0
		}
	}

	// Beyond the edge's hits too: the RAPs of a few rows may not have shown.
	for t := top - dt; t >= top-10*m; t -= dt {
		full += r.readLine(v, e, slope, t)
	}
	missed := 0.0 // the height of the lines just below that read nothing
	for t := bot + dt; t <= bot+10*m; t += dt {
		n := len(r.lines)
		full += r.readLine(v, e, slope, t)
		if missed += dt; len(r.lines) > n {
			missed = 0
		}
		if r.composite && missed >= 0.75*m {
			// Below a composite component's last row lies the
			// separator, a module high, then the linear component,
			// whose bars may read as a row.
			break
		}
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
	// The edge's module may be a fifth short (a few RAPs, sampled at an
	// angle): the line reaches past the widest row's stop bar even so.
	length := int(math.Ceil((microMaxModules + 12) * 1.2 * m))
	margin := 3 * m
	// The point of the edge on scan row t (whose pixels' centres are at
	// t+0.5), then back into the quiet zone; samples at the centres of
	// unit steps.
	ex, ey := e.a+e.b*t, t+0.5
	sx, sy := ex-margin*rx, ey-margin*ry
	r.linesSampled++
	if v.seen != nil && !v.seen.ready {
		v.seen.prepare(v.w, v.h)
	}
	layouts := microRowLayouts[:]
	if e.cca3 {
		layouts = cca3RowLayouts[:]
	}
	// The samples up to where the row's first bar may start first: the
	// line reads no row where none starts there (about one line in
	// eight, most of them those past a symbol's first and last rows).
	// Then two RAPs' width at a time, as long as the runs so far may still
	// be the start of a row of one of the layouts (rowFit): most
	// lines that start a row there cross bars of text, of a 1D symbol
	// or of texture, whose runs soon fit no row of any width; five in
	// six of those that passed the row's first RAP and codeword were
	// sampled to the end and read no row.
	if head := int(margin+1.5*m) + 2; head < length {
		end := v.sampleLine(&r.runs, head, sx, sy, rx, ry)
		i := r.firstDarkRun(margin, m)
		if i < 0 {
			return 0
		}
		fit := newRowFit(i, layouts)
		stride := max(1, int(math.Ceil(2*rapModules*m)))
		for n := head; n < length; {
			n = min(length, n+stride)
			end = v.extendLine(&r.runs, end, n, sx, sy, rx, ry)
			if !fit.may(&r.runs) {
				return 0
			}
		}
	} else {
		v.sampleLine(&r.runs, length, sx, sy, rx, ry)
	}
	i := r.firstDarkRun(margin, m)
	if i < 0 {
		return 0
	}
	ln, ok := readMicroRow(&r.runs, i, layouts)
	if !ok {
		return 0
	}
	ln.t = t
	// The rows read are kept from line to line and image to image: an
	// array outgrown is cleared as it is let go.
	r.lines = append(scrub.Grow(r.lines, 1), ln)
	if ln.complete() {
		return 1
	}
	return 0
}

// rowFit tells, as a line is sampled, whether its runs so far, its row's
// first bar dark run i, may still turn out a row of one of the layouts
// once the line is sampled to its end (microRowLayout with raps): it
// turns a layout away only where it fails whatever the samples still to
// come, so that a line all of whose layouts failed need not be sampled
// further. The last run may go on: a group of runs that ends there, or
// has not ended, is at least as wide as it is so far.
//
// What microRowLayout asks of a layout bounds the row's unit (its width
// over its modules): within 15 % of the module of its first group, from
// module/1.15 to module/0.85; each group of M modules and width g within a
// fifth of M units, from g/(1.2·M) to g/(0.8·M); the stop bar at most 2.5
// units and the light after it, where the line goes on past it, at least
// 2. A layout whose runs leave no unit fails (the bounds loosened by a
// thousandth, far more than the rounding of the divisions they stand
// for). As readLine's test of a row's first RAP and codeword did, a
// layout that starts with a RAP also fails where that RAP's runs fit no
// RAP of their own module. Each group is looked at once: a layout keeps
// where its next group starts.
type rowFit struct {
	i       int
	layouts []int
	module  float64 // of the first group; 0 until it is seen
	alive   [len(microRowLayouts)]bool
	next    [len(microRowLayouts)]int // the first run of the layout's next group
	group   [len(microRowLayouts)]int // and its index in the layout
	lo, hi  [len(microRowLayouts)]float64
}

// rowFitSlack loosens rowFit's bounds on the unit.
const rowFitSlack = 1e-3

func newRowFit(i int, layouts []int) rowFit {
	f := rowFit{i: i, layouts: layouts}
	for k := range layouts {
		f.alive[k], f.next[k] = true, i
	}
	return f
}

// may reports whether the runs of r, the samples of the line so far, may
// still be a row of one of the layouts.
func (f *rowFit) may(r *runList) bool {
	last := len(r.edges) - 1 // where the samples so far end
	if f.module == 0 {
		first, firstModules := rapElements, rapModules
		startsRAP := microLayouts[f.layouts[0]][0] == 'R'
		if !startsRAP {
			first, firstModules = elementsPerSymbol, modulesPerCodeword
		}
		if !r.dark(f.i) {
			return false
		}
		if f.i+first >= last {
			return true // the first group's end, which gives the module, not seen yet
		}
		module := float64(r.edges[f.i+first]-r.edges[f.i]) / float64(firstModules)
		if module < 0.8 || startsRAP && !rapFits(r, f.i, module) {
			return false
		}
		f.module = module
		for k := range f.layouts {
			f.lo[k], f.hi[k] = module/1.15*(1-rowFitSlack), module/0.85*(1+rowFitSlack)
		}
	}
	any := false
	for k, layout := range f.layouts {
		if f.alive[k] {
			f.alive[k] = f.layoutMay(r, k, layout, last)
			any = any || f.alive[k]
		}
	}
	return any
}

// layoutMay is may for the k-th layout, the runs to edge last seen.
func (f *rowFit) layoutMay(r *runList, k, layout, last int) bool {
	groups := microLayouts[layout]
	for j := f.next[k]; f.group[k] < len(groups); f.group[k]++ {
		var n int
		var modules float64
		switch groups[f.group[k]] {
		case 'R':
			n, modules = rapElements, rapModules
		case 'C':
			n, modules = elementsPerSymbol, modulesPerCodeword
		default: // the stop bar, run j, which ends the row
			return f.stopMay(r, k, j, layout, last)
		}
		if j >= last {
			return true
		}
		w := float64(r.edges[min(j+n, last)] - r.edges[j])
		f.lo[k] = max(f.lo[k], w/(1.2*modules)*(1-rowFitSlack))
		if j+n < last {
			f.hi[k] = min(f.hi[k], w/(0.8*modules)*(1+rowFitSlack))
		}
		if f.lo[k] > f.hi[k] {
			return false
		}
		if j+n >= last {
			return true // the group may go on
		}
		j += n
		f.next[k] = j
	}
	return true
}

// stopMay is layoutMay for the stop bar, run j, and the width of the row
// it ends.
func (f *rowFit) stopMay(r *runList, k, j, layout, last int) bool {
	if j >= last {
		return true
	}
	modules := float64(microRowModules(layout))
	// The stop bar, and the row, at least as wide as they are so far.
	stop := float64(r.edges[min(j+1, last)] - r.edges[j])
	width := float64(r.edges[min(j+1, last)] - r.edges[f.i])
	f.lo[k] = max(f.lo[k], stop/2.5*(1-rowFitSlack), width/modules*(1-rowFitSlack))
	if j+1 < last {
		// The row's end seen: its unit is known.
		f.hi[k] = min(f.hi[k], width/modules*(1+rowFitSlack))
		if j+2 < last {
			// The light after it, whole.
			f.hi[k] = min(f.hi[k], float64(r.edges[j+2]-r.edges[j+1])/2*(1+rowFitSlack))
		}
	}
	return f.lo[k] <= f.hi[k]
}

// firstDarkRun returns the first dark run of r.runs that starts within
// 1.5 modules of margin, or -1.
func (r *MicroReader) firstDarkRun(margin, m float64) int {
	for i := 0; i < r.runs.count(); i++ {
		if float64(r.runs.edges[i]) > margin+1.5*m {
			break
		}
		if r.runs.dark(i) && float64(r.runs.edges[i]) >= margin-1.5*m {
			return i
		}
	}
	return -1
}

// decodeRows decodes the rows in r.lines, read along lines of the slope.
func (r *MicroReader) decodeRows(v view, e *microEdge, slope float64) (*decoded, error) {
	rows, layout, pitch, ok := groupMicroRows(r.lines)
	if !ok {
		return nil, errMicroLayout
	}
	d, err := decodeMicroRows(rows, layout, r.composite)
	if err != nil {
		return nil, err
	}
	n := math.Hypot(slope, 1)
	rx, ry := 1/n, -slope/n
	m := e.module
	// Corners: the edge at the first and last rows' outer bounds, and the
	// row width along the rows.
	w := float64(microRowModules(layout)) * m
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
// the layout most lines read, and the row pitch.
func groupMicroRows(lines []microLine) (rows []microRow, layout int, pitch float64, ok bool) {
	var count [len(microLayouts)]int
	for _, ln := range lines {
		count[ln.layout]++
	}
	for l := 1; l < len(count); l++ {
		if count[l] > count[layout] {
			layout = l
		}
	}
	if layout == 0 {
		return nil, 0, 0, false
	}
	cols := layoutCols(layout)
	type group struct {
		t0, t1  float64
		cluster int
		lines   []microLine
	}
	var groups []group
	for _, ln := range lines {
		if ln.layout != layout {
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
	return rows, layout, pitch, true
}

// decodeMicroRows corrects and interprets the codewords of the rows, with
// rows no line read added at the top or bottom as far as a size needs
// them.
func decodeMicroRows(rows []microRow, layout int, composite bool) (*decoded, error) {
	var lastErr error = errMicroLayout
	for extra := 0; extra <= 2; extra++ {
		for above := 0; above <= extra; above++ {
			for _, v := range variantsOf(layout, len(rows)+extra, composite) {
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

// microReserve is how many of a MicroPDF417 symbol's check codewords a
// repair leaves unused, to detect a miscorrection: a reader that tries
// many angles, groupings and sizes of a symbol's rows would otherwise now
// and then repair a wrong guess into a valid but wrong message.
const microReserve = 2

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
	read := slices.Clone(cw)
	for _, e := range erasures {
		read[e] = -1 // no codeword read there
	}
	nerr, err := correctErrors(cw, erasures, v.ec)
	if err != nil {
		return nil, err
	}
	if v.kind == "" && 2*nerr+len(erasures) > v.ec-microReserve {
		// Rows grouped or sized wrongly can be "corrected" into another
		// valid codeword sequence: a repair that uses up the check
		// codewords proves little.
		return nil, errUncorrectable
	}
	if shiftsShorter(cw, read, v) {
		return nil, errUncorrectable
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

// shiftsShorter reports whether the codewords cw, corrected for size v
// from those read (-1 where none was), are also those of a shorter size
// with as many columns and check codewords, shifted within it: the zeros
// at their ends that correction put there, none of them read as such, as
// many in all as the shorter size has codewords fewer. The sizes share the
// Reed-Solomon generator, and a codeword polynomial times x^k is one too:
// a symbol of 11 rows read with a stray row beside it and two rows
// supposed missing (decodeMicroRows) corrects, the stray row's codeword
// as one error and the missing ones as erasures, into a valid 14-row
// sequence whose data are the 11-row symbol's data and some of its check
// codewords, read as text. Zeros read as such are the symbol's own (text
// that begins with "AAAAAA", say).
func shiftsShorter(cw, read []int, v microVariant) bool {
	sizes := microVariants[:]
	if v.kind == ComponentA {
		sizes = ccaVariants[:]
	}
	supplied := func(i int) bool { return cw[i] == 0 && read[i] != 0 }
	lead, trail := 0, 0
	for lead < len(cw) && supplied(lead) {
		lead++
	}
	for trail < len(cw)-lead && supplied(len(cw)-1-trail) {
		trail++
	}
	for _, u := range sizes {
		if u.cols == v.cols && u.ec == v.ec && u.rows < v.rows && lead+trail >= (v.rows-u.rows)*v.cols {
			return true
		}
	}
	return false
}
