package scanner

import (
	"image"
	"math"
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
// a search by every reader. Every Rescan the whole frame is searched
// again, so that what a search could not read (a frame given up past its
// budget, a label that reads only now and then) is tried again.

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
	// full is when the whole frame was last searched; zero: never.
	full time.Time
}

// sceneLook is one frame's look at its blocks, compared with the memory.
type sceneLook struct {
	stats  blockStats
	active []bool // contrasted cells
	search []bool // the contrasted cells to search
	full   bool   // every contrasted cell is searched (no memory, or Rescan due)
	at     time.Time
}

// look compares a frame's blocks with the memory: the cells to search are
// the contrasted ones that changed, became contrasted or were held, and
// the contrasted cells beside those (the rest of a symbol whose part
// changed, its quiet zone); all of them when the memory is of another
// size, or its last full search is rescan or more before at.
func (m *sceneMemory) look(l *sceneLook, w, h int, rescan time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cw := l.stats.cw
	l.search = make([]bool, len(l.active))
	if m.w != w || m.h != h || m.full.IsZero() || l.at.Sub(m.full) >= rescan || l.at.Before(m.full) {
		copy(l.search, l.active)
		l.full = true
		return
	}
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
// result lies over are held. Contrasted cells left unsearched keep what
// they had when they were last searched.
func (m *sceneMemory) remember(l *sceneLook, w, h int, searched []image.Rectangle, whole bool, results []Result, origin image.Point) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cw := l.stats.cw
	if m.w != w || m.h != h || m.means == nil {
		if !l.full {
			return // a look at an older size: nothing of it fits
		}
		m.wipeLocked() // the old size's blocks are the scene's, in small
		m.w, m.h = w, h
		m.means, m.spans = make([]uint8, len(l.stats.means)), make([]uint8, len(l.stats.spans))
		m.contrasted, m.held = make([]bool, len(l.active)), make([]bool, len(l.active))
		m.full = time.Time{}
	}
	in := make([]bool, len(l.active))
	for c := range in {
		in[c] = !l.active[c] || whole
	}
	for _, r := range searched {
		markCells(in, cw, r)
	}
	held := make([]bool, len(l.active))
	for _, res := range results {
		lo, hi := Point{X: math.Inf(1), Y: math.Inf(1)}, Point{X: math.Inf(-1), Y: math.Inf(-1)}
		for _, p := range res.Points {
			lo.X, lo.Y = min(lo.X, p.X), min(lo.Y, p.Y)
			hi.X, hi.Y = max(hi.X, p.X), max(hi.Y, p.Y)
		}
		if math.IsInf(lo.X, 0) {
			continue
		}
		markCells(held, cw, image.Rect(int(lo.X)-origin.X, int(lo.Y)-origin.Y, int(hi.X)-origin.X+1, int(hi.Y)-origin.Y+1))
	}
	bw := w / blockSize
	per := cellSize / blockSize
	for c := range in {
		if !in[c] {
			continue
		}
		m.contrasted[c], m.held[c] = l.active[c], held[c]
		cx, cy := c%cw, c/cw
		for by := cy * per; by < min(h/blockSize, (cy+1)*per); by++ {
			for bx := cx * per; bx < min(bw, (cx+1)*per); bx++ {
				m.means[by*bw+bx], m.spans[by*bw+bx] = l.stats.means[by*bw+bx], l.stats.spans[by*bw+bx]
			}
		}
	}
	if l.full {
		m.full = l.at
	}
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
	m.means, m.spans, m.contrasted, m.held = nil, nil, nil, nil
	m.w, m.h, m.full = 0, 0, time.Time{}
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
