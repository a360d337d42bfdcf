package scanner

import (
	"image"
	"math"
	"slices"
	"sync"
	"time"
)

// Searching what changed. A camera's frames follow one another: where the
// scene did not move since a frame was last searched there, the next
// frame holds the same pixels and reads the same (nothing, or codes that
// were read and delivered already). Adaptive decoding of a live source
// (Options.Rescan) therefore remembers, for each 8×8 block of the frame,
// its mean gray level and its span (darkest to lightest pixel, which
// sharpens as a label comes into focus) when its cell was last searched,
// and searches only the contrasted cells where one of them changed, where
// a cell became contrasted, or where a symbol was read the last time
// (a code held in front of the camera is read in every frame, as the
// dedup filter expects), each with the cells round it. The rest of the
// frame is left: a textured background costs one look at its blocks, not
// a search by every reader.
//
// Every part of the frame is searched again at least once every Rescan,
// so that what a search could not read (a frame given up past its budget,
// a label that reads only now and then) is tried again. Searching the
// whole frame again at once would make one frame in every Rescan cost a
// whole search (at 30 frames a second and the default 500 ms, one in 15
// costs twice or more what the others cost). The search is spread over
// the period instead: a sweep runs over the frame once a Rescan, in the
// order of its cells (row by row, by the frame's capture time modulo
// Rescan), and each frame also searches the regions of contrasted cells
// (clustered as adaptive decoding clusters them, so that a label is never
// cut in two) whose centre the sweep passed since the frame before. A
// region left out of the sweep (one that grew or split since) is searched
// whole once a cell of it has gone unsearched for a Rescan. A scene
// contrasted all over is one region, searched whole once a period.

// sceneMeanChange and sceneSpanChange are the changes of a block's mean
// and span, in gray levels, that count as a change of the scene: above a
// camera's noise, which a mean of 64 pixels averages away and a span of 81
// shows in full, and far below what a label coming into the frame, moving
// by a pixel or coming into focus does to the blocks it crosses.
const (
	sceneMeanChange = 6
	sceneSpanChange = 24
)

// sceneChangedBlocks is how many of a cell's blocks must change for the
// cell to count as changed: one block alone is a camera's noise on a
// sharp texture (a compressed frame's in particular), or less of a symbol
// than can be read.
const sceneChangedBlocks = 2

// sceneMemory is what the adaptive decodes of one live source's frames
// leave for the next. The engine keeps one per source; decodes of
// consecutive frames of the source may overlap on two workers, so it is
// locked while read and written. A decode that reads an older memory than
// the newest only searches more.
type sceneMemory struct {
	mu sync.Mutex
	// w and h are the size of the area searched; a frame of another
	// size starts the memory afresh.
	w, h int
	// means and spans are, per block, its mean and span when its cell
	// was last searched (or last held no contrast).
	means, spans []uint8
	// contrasted and held are, per cell, whether it held a contrast, and
	// whether a symbol was read over it, when it was last searched.
	contrasted, held []bool
	// searched is, per cell, the capture time (Unix nanoseconds) of the
	// frame that last searched it.
	searched []int64
	// swept is the capture time of the last frame looked at: the sweep
	// has passed every cell order position up to it.
	swept time.Time
	// carried is a first look the budget cut short, for the next frame
	// to carry on.
	carried *carriedLook
}

// carriedLook is an adaptive decode's first look at the largest region
// of a live frame that the frame's budget cut short. The next frame whose
// largest region is about the same carries it on from the step where it
// stopped, rather than beginning again, so that a look that costs more
// than the budget (a large textured region, where every reader searches
// in vain) is spread over a few frames, each about the budget and a step,
// instead of costing its whole every frame (and on a slow device it ends
// all the same). When it completes, the memory takes the blocks of the
// frame it began in: whatever changed since is searched again.
type carriedLook struct {
	w, h   int               // the area searched
	region image.Rectangle   // the largest region, in the area's pixels
	steps  int               // the steps of its passes taken, in order
	began  sceneLook         // the blocks of the frame it began in, its own copies
	read   []image.Rectangle // what its frames read (readBoxes), held once it completes
}

// copy returns a copy of l's contrasted cells and blocks, which l's
// buffers, reused by the next frame, are not.
func (l *sceneLook) copy() sceneLook {
	return sceneLook{stats: blockStats{cw: l.stats.cw, means: slices.Clone(l.stats.means), spans: slices.Clone(l.stats.spans)},
		active: slices.Clone(l.active), full: l.full, at: l.at}
}

// wipe zeroes the blocks c holds, a picture of the scene.
func (c *carriedLook) wipe() { c.began.stats.wipe() }

// takeCarried returns the look carried for the next frame, when the next
// frame (w×h its area) is of the same size and its largest region about
// the carried look's (the same label or scene, moved a little): each
// covers half of the other or more. The look is the caller's; another is
// dropped.
func (m *sceneMemory) takeCarried(largest image.Rectangle, w, h int) *carriedLook {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.carried
	if c == nil {
		return nil
	}
	m.carried = nil
	in := area(c.region.Intersect(largest))
	if c.w != w || c.h != h || 2*in < area(c.region) || 2*in < area(largest) {
		c.wipe()
		return nil
	}
	return c
}

// carry keeps c for the next frame, unless a look further on is carried
// already (two workers decoding frames of the source at once).
func (m *sceneMemory) carry(c *carriedLook) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.carried != nil && m.carried.steps > c.steps {
		c.wipe()
		return
	}
	if m.carried != nil {
		m.carried.wipe()
	}
	m.carried = c
}

// sceneLook is one frame's look at its blocks, compared with the memory.
type sceneLook struct {
	stats  blockStats
	active []bool // contrasted cells
	search []bool // the contrasted cells to search
	full   bool   // every contrasted cell is searched: no memory of this size
	at     time.Time
}

// look compares a frame's blocks with the memory: the cells to search are
// the contrasted ones that changed, became contrasted or were held, and
// the contrasted cells beside those (the rest of a symbol whose part
// changed, its quiet zone); with them, the regions the rescan sweep passed
// since the last frame and those with a cell unsearched for rescan or
// more; all of them when the memory is of another size.
func (m *sceneMemory) look(l *sceneLook, w, h int, rescan time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cw := l.stats.cw
	l.search = make([]bool, len(l.active))
	if m.w != w || m.h != h || m.means == nil {
		copy(l.search, l.active)
		l.full = true
		m.swept = l.at
		return
	}
	m.rescanRegions(l, rescan)
	bw := w / blockSize
	changed := make([]bool, len(l.active))
	for c, on := range l.active {
		if !on {
			continue
		}
		if !m.contrasted[c] || m.held[c] {
			changed[c] = true
			continue
		}
		cx, cy := c%cw, c/cw
		n := 0
		for by := cy * (cellSize / blockSize); by < min(h/blockSize, (cy+1)*(cellSize/blockSize)); by++ {
			for bx := cx * (cellSize / blockSize); bx < min(bw, (cx+1)*(cellSize/blockSize)); bx++ {
				i := by*bw + bx
				if absDiff(l.stats.means[i], m.means[i]) > sceneMeanChange || absDiff(l.stats.spans[i], m.spans[i]) > sceneSpanChange {
					n++
				}
			}
		}
		changed[c] = n >= sceneChangedBlocks
	}
	ch := len(l.active) / cw
	for c, on := range l.active {
		if !on {
			continue
		}
		cx, cy := c%cw, c/cw
		for y := max(0, cy-1); y <= min(ch-1, cy+1) && !l.search[c]; y++ {
			for x := max(0, cx-1); x <= min(cw-1, cx+1); x++ {
				if changed[y*cw+x] {
					l.search[c] = true
					break
				}
			}
		}
	}
}

// remember records what a frame's completed first look searched: the
// cells inside searched (the whole area when l.full and searched is nil),
// and every cell without contrast, take the frame's blocks; the cells a
// symbol read lies over (read: readBoxes) are held. Contrasted cells left
// unsearched keep what they had when they were last searched.
func (m *sceneMemory) remember(l *sceneLook, w, h int, searched []image.Rectangle, whole bool, read []image.Rectangle) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cw := l.stats.cw
	if m.w != w || m.h != h || m.means == nil {
		if !l.full {
			return // a look at an older size: nothing of it fits
		}
		swept := m.swept
		m.wipeLocked() // the old size's blocks are the scene's, in small
		m.w, m.h, m.swept = w, h, swept
		m.means, m.spans = make([]uint8, len(l.stats.means)), make([]uint8, len(l.stats.spans))
		m.contrasted, m.held = make([]bool, len(l.active)), make([]bool, len(l.active))
		m.searched = make([]int64, len(l.active))
	}
	in := make([]bool, len(l.active))
	for c := range in {
		in[c] = !l.active[c] || whole
	}
	for _, r := range searched {
		markCells(in, cw, r)
	}
	held := make([]bool, len(l.active))
	for _, r := range read {
		markCells(held, cw, r)
	}
	bw := w / blockSize
	per := cellSize / blockSize
	for c := range in {
		if !in[c] {
			continue
		}
		m.contrasted[c], m.held[c] = l.active[c], held[c]
		m.searched[c] = l.at.UnixNano()
		cx, cy := c%cw, c/cw
		for by := cy * per; by < min(h/blockSize, (cy+1)*per); by++ {
			for bx := cx * per; bx < min(bw, (cx+1)*per); bx++ {
				m.means[by*bw+bx], m.spans[by*bw+bx] = l.stats.means[by*bw+bx], l.stats.spans[by*bw+bx]
			}
		}
	}
}

// readBoxes returns the pixels of the area (origin its corner in the
// frame) that the results' points bound, the symbols read.
func readBoxes(results []Result, origin image.Point) []image.Rectangle {
	var boxes []image.Rectangle
	for _, res := range results {
		lo, hi := Point{X: math.Inf(1), Y: math.Inf(1)}, Point{X: math.Inf(-1), Y: math.Inf(-1)}
		for _, p := range res.Points {
			lo.X, lo.Y = min(lo.X, p.X), min(lo.Y, p.Y)
			hi.X, hi.Y = max(hi.X, p.X), max(hi.Y, p.Y)
		}
		if math.IsInf(lo.X, 0) {
			continue
		}
		boxes = append(boxes, image.Rect(int(lo.X)-origin.X, int(lo.Y)-origin.Y, int(hi.X)-origin.X+1, int(hi.Y)-origin.Y+1))
	}
	return boxes
}

// wipe zeroes what the memory holds: its blocks' means and spans are a
// picture of the scene at an eighth of its size.
func (m *sceneMemory) wipe() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wipeLocked()
}

func (m *sceneMemory) wipeLocked() {
	clear(m.means)
	clear(m.spans)
	clear(m.contrasted)
	clear(m.held)
	clear(m.searched)
	if m.carried != nil {
		m.carried.wipe()
		m.carried = nil
	}
	m.means, m.spans, m.contrasted, m.held, m.searched = nil, nil, nil, nil, nil
	m.w, m.h, m.swept = 0, 0, time.Time{}
}

// rescanRegions marks for search in l the regions of contrasted cells
// whose centre the rescan sweep passed since the last frame looked at
// (all of them when that was rescan or more before), and those with a
// contrasted cell last searched rescan or more before l.at.
func (m *sceneMemory) rescanRegions(l *sceneLook, rescan time.Duration) {
	at := l.at.UnixNano()
	var from, to float64 // the sweep's positions at the last frame and this one, in [0, 1)
	// A period or more since the last frame, or before it (the clock was
	// set back): every region. Not after it (frames decoded out of order
	// by two workers): none but those due.
	all := l.at.Sub(m.swept) >= rescan || m.swept.Sub(l.at) >= rescan
	none := !all && !l.at.After(m.swept)
	if !all && !none {
		from, to = sweepPosition(m.swept, rescan), sweepPosition(l.at, rescan)
		m.swept = l.at
	} else if all {
		m.swept = l.at
	}
	passed := func(p float64) bool {
		switch {
		case all:
			return true
		case none:
			return false
		case from <= to:
			return from < p && p <= to
		default: // the sweep went round the end of the frame
			return p > from || p <= to
		}
	}
	cw := l.stats.cw
	label, centres := cellClusters(l.active, cw)
	due := make([]bool, len(centres))
	for i, c := range centres {
		due[i] = passed(float64(c) / float64(len(l.active)))
	}
	for c, k := range label {
		// A cell unsearched for a period (or searched, by the clock, more
		// than a period in the future: the clock was set back) is due.
		if k >= 0 && !due[k] && (at-m.searched[c] >= int64(rescan) || m.searched[c]-at >= int64(rescan)) {
			due[k] = true
		}
	}
	for c, k := range label {
		if k >= 0 && due[k] {
			l.search[c] = true
		}
	}
}

// sweepPosition is where the rescan sweep is at t: the share of the
// period rescan gone by, in [0, 1).
func sweepPosition(t time.Time, rescan time.Duration) float64 {
	p := t.UnixNano() % int64(rescan)
	if p < 0 {
		p += int64(rescan)
	}
	return float64(p) / float64(rescan)
}

// cellClusters labels the active cells of a grid cw cells wide by the
// cluster of touching active cells (sideways or diagonally, as
// clusterCells joins them) each belongs to, -1 for the others, and
// returns for each cluster the index of the cell at the centre of its
// bounding box.
func cellClusters(active []bool, cw int) (label []int, centres []int) {
	ch := len(active) / cw
	label = make([]int, len(active))
	for i := range label {
		label[i] = -1
	}
	var stack []int
	for start, on := range active {
		if !on || label[start] >= 0 {
			continue
		}
		k := len(centres)
		x0, y0, x1, y1 := cw, ch, -1, -1
		label[start] = k
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cx, cy := c%cw, c/cw
			x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
			for y := max(0, cy-1); y <= min(ch-1, cy+1); y++ {
				for x := max(0, cx-1); x <= min(cw-1, cx+1); x++ {
					if j := y*cw + x; active[j] && label[j] < 0 {
						label[j] = k
						stack = append(stack, j)
					}
				}
			}
		}
		centres = append(centres, (y0+y1)/2*cw+(x0+x1)/2)
	}
	return label, centres
}

// markCells sets the cells of a grid cw cells wide that r, in pixels,
// touches.
func markCells(cells []bool, cw int, r image.Rectangle) {
	ch := len(cells) / cw
	for cy := max(0, r.Min.Y/cellSize); cy <= min(ch-1, (r.Max.Y-1)/cellSize); cy++ {
		for cx := max(0, r.Min.X/cellSize); cx <= min(cw-1, (r.Max.X-1)/cellSize); cx++ {
			cells[cy*cw+cx] = true
		}
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}
