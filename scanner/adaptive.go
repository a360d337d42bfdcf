package scanner

import (
	"image"
	"time"

	"github.com/makiuchi-d/gozxing"
)

// Adaptive decoding, for live video (Options.Adaptive). A camera sees the
// same scene frame after frame, and most of a frame is not a barcode. The
// frame is first looked at in 8×8 blocks: their darkest and lightest
// pixels, one pass over it. Cells of 32×32 pixels where several blocks hold
// a strong contrast (printed marks on paper) are clustered into regions,
// and only those are binarized and searched, each as a view of its own
// with the ordinary strategies (the first pass, and the quarter turn for
// 1D codes when TryRotated). When that reads nothing, the thorough
// strategies of TryHarder and TryInverted (every binarizer, every row,
// inversion, the resampled views) run over the regions in turn, largest
// first, until one reads something or the frame's budget is spent.
//
// A frame with nothing printed on it costs one look at its blocks. When
// the contrasted cells cover most of the frame (texture, or a symbol
// filling it) the whole frame is the one region: the ordinary strategies,
// then the thorough ones within the budget.
// A symbol printed at less than minBlockContrast gray levels of contrast
// is not looked for.

// minBlockContrast is the range of gray levels (lightest less darkest
// pixel) of an 8×8 block that holds printed marks rather than paper, a
// shadow or a blurred background.
const minBlockContrast = 40

// minContrastBlocks is how many of a cell's 16 blocks must hold such a
// contrast for the cell to be looked at.
const minContrastBlocks = 4

// maxEscalations bounds the regions one frame searches thoroughly.
const maxEscalations = 4

// adaptiveScene is what the engine hands a live worker's decoder for a
// frame of a source with Options.Rescan: the source's memory and when the
// frame was captured. The decode sets unchanged.
type adaptiveScene struct {
	memory *sceneMemory
	at     time.Time
	// unchanged is the share of the frame's contrasted cells the decode
	// left because they did not change (FrameReport.Unchanged).
	unchanged float64
}

func (d *decoder) decodeAdaptive(src gozxing.LuminanceSource, area image.Rectangle, opts Options) ([]Result, []PassTiming) {
	w, h := area.Dx(), area.Dy()
	var crops []image.Rectangle
	var whole bool
	var look *sceneLook
	d.stage("", "blocks")
	if sc := d.scene; sc != nil && sc.memory != nil && opts.Rescan > 0 {
		look = &sceneLook{stats: frameBlockStats(&d.blockStats, src.GetMatrix(), w, h), at: sc.at}
		defer look.stats.wipe()
		look.active = activeCells(look.stats.count)
		sc.memory.look(look, w, h, opts.Rescan)
		crops, whole = cropsOfCells(look.search, look.stats.cw, w, h)
		contrasted, left := 0, 0
		for c, on := range look.active {
			if on {
				contrasted++
				if !look.search[c] {
					left++
				}
			}
		}
		if contrasted > 0 {
			sc.unchanged = float64(left) / float64(contrasted)
		}
	} else {
		crops, whole = contrastCrops(src.GetMatrix(), w, h)
	}
	if look == nil {
		results, timings, _ := d.searchCrops(src, area, opts, crops, whole, false, 0)
		return results, timings
	}
	m := d.scene.memory
	if whole {
		crops = append(crops[:0], image.Rect(0, 0, w, h))
	}
	n := len(crops)
	var carried *carriedLook
	skip := 0
	if n > 0 {
		if carried = m.takeCarried(crops[0], w, h); carried != nil {
			skip = carried.steps
		}
	}
	results, timings, first := d.searchCrops(src, area, opts, crops, whole, true, skip)
	began, read := look, readBoxes(results, area.Min) // the frame whose blocks the first look saw first, and what it read
	if carried != nil {
		began, read = &carried.began, append(carried.read, read...)
	}
	if first.searched > 0 || n == 0 {
		// What the first look searched: every region, or those before
		// the budget cut it short.
		m.remember(began, w, h, crops[:first.searched], whole, read)
	}
	if first.largestCut {
		if carried == nil {
			carried = &carriedLook{w: w, h: h, began: look.copy()}
		}
		carried.region, carried.steps, carried.read = first.largest, first.largestSteps, read
		m.carry(carried)
	} else if carried != nil {
		carried.wipe()
	}
	return results, timings
}

// firstLook is what became of an adaptive decode's first look: it
// searched the first searched regions (all of them, or those before the
// budget cut it short); largestCut says the budget cut short the look at
// the largest region, after largestSteps steps of its passes (those of the
// frames before it carried on included).
type firstLook struct {
	searched     int
	largest      image.Rectangle
	largestCut   bool
	largestSteps int
}

// searchCrops searches the crops of the view src of the frame (area of
// it), or all of it when whole: the first look, and when that reads
// nothing, the thorough one. It says what became of the first look.
//
// The first look at the largest region completes whatever the budget
// unless carry is set (a live source's frame, whose scene memory keeps a
// look the budget cut short for the next frame to carry on: carriedLook);
// then the look leaves the first skip steps of its passes (the frames
// before took them) and is exempt from the budget only until it begins a
// step of its own.
func (d *decoder) searchCrops(src gozxing.LuminanceSource, area image.Rectangle, opts Options, crops []image.Rectangle, whole bool,
	carry bool, skip int) (results []Result, timings []PassTiming, look firstLook) {
	first := opts
	first.TryInverted = false
	if whole {
		// The whole frame is the one region: searched with the first
		// pass, then, when that read nothing, thoroughly.
		crops = append(crops[:0], image.Rect(0, 0, area.Dx(), area.Dy()))
	}
	views := make([]gozxing.LuminanceSource, len(crops))
	// The readers whose search of a view found no candidate: the thorough
	// look's first pass is the same as the first look's, and skips them.
	unpromising := make([]SymbologySet, len(crops))
	// And those whose very search of it read nothing (areaReader.sameSearch).
	readNothing := make([]SymbologySet, len(crops))
	for i, r := range crops {
		// The first look at the largest region completes whatever the
		// budget, or carries on over the next frames: on a device slower
		// than the budget assumes (or a textured frame whose block pass
		// alone spends it) the live default would otherwise never read
		// anything; the budget bounds the looks after it. Carried over
		// frames, it costs a frame about the budget and a step, not a
		// whole look at a large textured region by every reader
		// (several budgets).
		d.budgetWaived = i == 0
		if d.interrupted() {
			d.budgetWaived = false
			return results, timings, look
		}
		view, err := src.Crop(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
		if err != nil {
			look.searched = i + 1
			continue
		}
		views[i] = view
		if i == 0 && carry {
			d.oneStep, d.skipSteps = true, skip
		}
		found, t := d.decodeView(view, r.Add(area.Min), first)
		switch {
		case !d.cut:
			look.searched = i + 1
		case i == 0 && carry:
			look.largest, look.largestCut, look.largestSteps = r, true, d.lookSteps
		}
		d.budgetWaived, d.oneStep, d.skipSteps = false, false, 0
		unpromising[i], readNothing[i] = d.unpromising, d.readNothing
		timings = append(timings, t...)
		for _, res := range found {
			results = addResult(results, res)
		}
	}
	if anyReported(results) {
		return results, timings, look
	}
	thorough := opts
	thorough.TryHarder, thorough.TryInverted, thorough.TryRotated = true, true, true
	for i, r := range crops {
		if i == maxEscalations || d.interrupted() {
			break
		}
		if views[i] == nil {
			continue
		}
		start := time.Now()
		d.unpromisingBefore, d.readNothingBefore = unpromising[i], readNothing[i]
		found, _ := d.decodeView(views[i], r.Add(area.Min), thorough)
		timings = append(timings, PassTiming{Name: "thorough", Duration: time.Since(start), Found: len(found)})
		for _, res := range found {
			res.Strategy = "thorough " + res.Strategy
			results = addResult(results, res)
		}
		if anyReported(results) {
			break
		}
	}
	return results, timings, look
}

// contrastCrops returns the regions of the w×h plane lum where printed
// marks are, largest first, or whole when they cover most of it.
func contrastCrops(lum []byte, w, h int) (crops []image.Rectangle, whole bool) {
	cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
	count := make([]uint8, cw*ch)
	countContrastBlocks(lum, w, h, count, cw, nil, nil)
	return cropsOfCells(activeCells(count), cw, w, h)
}

// frameBlockStats looks at the blocks of the w×h plane lum: the contrast
// counts of its cells, and each block's mean and span. The stats are made
// in keep's buffers, grown as needed and kept there for the next frame
// (a live worker's decoder keeps them: 65 KB a 1080p frame otherwise
// allocated for each); they are the caller's until the next call, and
// wiped by it (blockStats.wipe) once it is done with them.
func frameBlockStats(keep *blockStats, lum []byte, w, h int) blockStats {
	cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
	nb := (w / blockSize) * (h / blockSize)
	grow := func(b []uint8, n int) []uint8 {
		if cap(b) < n {
			return make([]uint8, n)
		}
		return b[:n]
	}
	keep.count, keep.cw = grow(keep.count, cw*ch), cw
	keep.means, keep.spans = grow(keep.means, nb), grow(keep.spans, nb)
	clear(keep.count) // counted into
	countContrastBlocks(lum, w, h, keep.count, cw, keep.means, keep.spans)
	return *keep
}

// activeCells returns which cells hold enough contrasted blocks to be
// looked at.
func activeCells(count []uint8) []bool {
	active := make([]bool, len(count))
	for i, n := range count {
		active[i] = n >= minContrastBlocks
	}
	return active
}

// cropsOfCells returns the regions round the active cells of the w×h
// plane (cw cells a row), largest first, or whole when they cover most of
// it.
func cropsOfCells(active []bool, cw, w, h int) (crops []image.Rectangle, whole bool) {
	all := clusterCells(active, cw, w, h, nil, nil)
	// Whether the marks cover most of the frame is judged among the cells
	// that hold a whole block: in a frame a few pixels wider than a
	// multiple of cellSize (a tight crop of a small symbol, 38 pixels
	// square) the last column and row of cells hold none, and can never
	// show marks.
	perCell := cellSize / blockSize
	looked := ((w/blockSize + perCell - 1) / perCell) * ((h/blockSize + perCell - 1) / perCell)
	crops, whole = cropsOf(all, looked, w, h)
	// Largest first: the thorough strategies try them in this order.
	for i := 1; i < len(crops); i++ {
		for j := i; j > 0 && area(crops[j]) > area(crops[j-1]); j-- {
			crops[j], crops[j-1] = crops[j-1], crops[j]
		}
	}
	return crops, whole
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// wallClock returns a clock of elapsed wall time, for budgets where no
// CPU clock of the decoding thread is at hand.
func wallClock() func() time.Duration {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}
