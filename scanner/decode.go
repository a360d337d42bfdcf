package scanner

import (
	"encoding/binary"
	"image"
	"slices"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
)

// PassTiming records one decode strategy's run over a frame.
type PassTiming struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
	Found    int           `json:"found"`
}

// decoder decodes frames with its own set of gozxing readers. gozxing
// readers keep scratch state, so a decoder belongs to one goroutine.
type decoder struct {
	rowReaders []rowReader
	// rowReadersRead: a row reader read a row since the readers were
	// made (see renewRowReaders).
	rowReadersRead bool
	areaReaders    []areaReader

	rows               []rowReader
	row, work, probe   *gozxing.BitArray
	rowScan, probeScan rowScanner
	// localScan and smoothScan measure again the rows that rowScan's read
	// nothing along: with a black point for each pixel, and averaged with
	// the rows beside them.
	localScan, smoothScan rowScanner
	midScan               rowScanner   // at the mid-range black point, when blurred (blurredBlack)
	pairs                 dataBarPairs // scratch of scanRows
	revWords              []uint32     // scratch of reverse
	scannedRows           []uint64     // scratch of scanRows
	scratch               scratch
	normal, harder        map[gozxing.DecodeHintType]interface{}
	panics                int
	regions               []region // proposed by the frame's first pass
	// sign is componentAbove's sampler.
	sign signSampler
	// stepHints, regionHints and cropHints hold the hints of an area
	// reader's step: the pass's and the step's own, those of its search
	// in the busy regions, and those of a crop's.
	stepHints, regionHints, cropHints hintMap
	// unpromising are the symbologies of the readers with a promising
	// signal whose search in the view's first pass found no candidate.
	unpromising SymbologySet
	// unpromisingBefore, set by the caller of decodeView, are those of
	// an earlier decode of the same view, whose first pass was the same:
	// the next decode's first pass skips them too (decodeAdaptive's
	// thorough look at a region its first look read nothing in).
	unpromisingBefore SymbologySet
	// readNothing are the symbologies of the readers marked sameSearch
	// whose search in the view's first pass read nothing, searching the
	// whole binarized image before anything was painted out of it.
	// readNothingBefore, set by the caller of decodeView, are those of an
	// earlier decode of the same view, whose first pass was the same: such
	// a search there, of the same pixels with the same hints, is skipped.
	readNothing, readNothingBefore SymbologySet
	// proposals are the regions of every view the frame's decode
	// searched, in frame pixels, for the report (FrameReport.Proposals).
	proposals []image.Rectangle
	// searchIn are the regions of the first pass's view when they hold
	// every busy cell of it: the Data Matrix finder starts from them only.
	searchIn []image.Rectangle
	// active are the busy cells of the first pass's view (findRegions);
	// darkRegions, once told (groundTold, darkGround), those of its
	// regions that lie on a dark ground, and darkView whether the whole
	// view does.
	active      []bool
	darkRegions []image.Rectangle
	darkView    bool
	groundTold  bool
	labels      stageLabels
	steps       []passStep
	// barsRow and barSpans are the scratch of barsOf.
	barsRow  *gozxing.BitArray
	barSpans [3][]uint32
	// slantA and slantRow are the lines slants and turned read (image
	// data, cleared after each use).
	slantA, slantRow []byte
	// finders are the QR family's finder searches of the pass's
	// binarized image, which its readers share (hint.Finders): bound to
	// it before each read of the whole of it, reset at each pass and
	// whenever a symbol is painted out of it.
	finders qrfinder.Shared
	// columns are the columns of the pass's binarized image, which the
	// readers that search along columns share (hint.Columns), bound and
	// reset as finders are.
	columns bitrow.SharedColumns
	// sharedRows are the rows of the pass's binarized image, which the
	// readers that read its rows share (hint.Rows), bound and reset as
	// finders are, and bound too before the engine's own reads of the
	// whole image (its regions, what is left of it to search).
	sharedRows bitrow.SharedRows
	// crops are the crops of the pass's binarized image the area readers
	// searched since it last changed, each made once for all of them
	// (cropOf); dropped, their images cleared, with the shared searches.
	crops []passCrop
	// doubled are the boxes of the view read at double size so far.
	doubled []image.Rectangle
	// barLook tells where in the view bars lie across its rows and
	// columns, once barsLooked (decoder.bars).
	barLook    barLook
	barsLooked bool
	// view is the view of the frame decodeView reads, unturned, and
	// viewMin its top-left corner in the frame.
	view    gozxing.LuminanceSource
	viewMin image.Point
	// checkpoint, when set, is called between the steps of a decode (the
	// passes, and the readers within a pass); an error stops the decode
	// and is kept in stopped. The engine sets it for background decodes,
	// which step aside for live frames and stop when their caller leaves.
	checkpoint func() error
	stopped    error
	addOns     AddOnMode // what to do with EAN add-ons in this decode
	// passDone, when set (by tests), sees each pass's bitmap and
	// binarizer once the pass is over and they are wiped, and whether its
	// binarized image was computed.
	passDone func(bm *gozxing.BinaryBitmap, bin gozxing.Binarizer, computed bool)
	// A frame's decode stops once it has spent budget (0: never), as the
	// clock tells, counting from spentFrom; overBudget says it did.
	budget, spentFrom time.Duration
	clock             func() time.Duration
	overBudget        bool
	// budgetWaived, while set, keeps the budget from interrupting: an
	// adaptive decode's first look at its largest region always
	// completes, or, when the next frame can carry it on (carriedLook),
	// takes one step at least (searchCrops).
	budgetWaived bool
	// oneStep ends the waiver once a step of the passes' steps begins
	// (stepBegins).
	oneStep bool
	// skipSteps is how many steps of a view's passes, in order, its
	// decode leaves (done in the frames before: carriedLook); lookSteps
	// counts the steps of the view's decode begun or left, and cut says
	// the decode stopped before its last step (interrupted).
	skipSteps, lookSteps int
	cut                  bool

	// scene, when set (by the engine, for a live frame), lets an
	// adaptive decode search only what changed (adaptiveScene).
	scene *adaptiveScene
	// blockStats holds the buffers of the live frames' block stats
	// (frameBlockStats), kept from frame to frame and wiped after each.
	blockStats blockStats
}

// interrupted reports whether the decode must stop now: stopped by its
// checkpoint, or out of budget.
func (d *decoder) interrupted() bool {
	if d.stopped == nil && d.checkpoint != nil {
		d.stopped = d.checkpoint()
	}
	if !d.overBudget && !d.budgetWaived && d.budget > 0 && d.clock()-d.spentFrom > d.budget {
		d.overBudget = true
	}
	return d.stopped != nil || d.overBudget
}

// stepBegins ends the budget's waiver of a look exempt only until it
// takes a step (oneStep): the step begins now, and the look checks the
// budget again after it. Steps that find nothing to do do not count.
func (d *decoder) stepBegins() {
	if d.oneStep {
		d.oneStep, d.budgetWaived = false, false
	}
}

// stage labels what the decoder does next (stageLabels.enter).
func (d *decoder) stage(pass, stage string) { d.labels.enter(pass, stage, d.budgetWaived) }

// Decoder reads barcodes in frames in the calling goroutine, with the same
// strategies as the Engine's workers (each of which owns one). It is not
// safe for concurrent use, and does not purge the frames it reads.
type Decoder struct{ d *decoder }

// NewDecoder returns a decoder with its own set of readers.
func NewDecoder() *Decoder { return &Decoder{newDecoder()} }

// Decode reads every barcode it finds in f, and says how long each
// strategy took. It runs under pprof labels naming each pass and stage
// (see StageLabel), and leaves the calling goroutine without labels.
func (d *Decoder) Decode(f *Frame, opts Options) ([]Result, []PassTiming) {
	return d.d.decode(f, opts)
}

func newDecoder() *decoder {
	d := &decoder{}
	d.renewRowReaders()
	d.normal = map[gozxing.DecodeHintType]interface{}{hint.Finders: &d.finders, hint.Columns: &d.columns, hint.Rows: &d.sharedRows}
	d.harder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true, hint.Finders: &d.finders, hint.Columns: &d.columns, hint.Rows: &d.sharedRows}
	d.areaReaders = newAreaReaders(d)
	return d
}

// resetShared forgets the searches of the pass's binarized image the
// readers share: the image changed, or another is binarized.
func (d *decoder) resetShared() {
	d.finders.Reset()
	d.columns.Reset()
	d.sharedRows.Reset()
	d.dropCrops()
}

// passCrop is a crop of a pass's view as croppedBitmap made it.
type passCrop struct {
	rect image.Rectangle
	bm   *gozxing.BinaryBitmap
	lum  gozxing.LuminanceSource
	ok   bool
}

// cropOf is croppedBitmap of the pass's view src and its binarized image
// m, made once for every area reader that searches r until m changes
// (resetShared): the readers only read the bitmaps they are given.
func (d *decoder) cropOf(src gozxing.LuminanceSource, m *gozxing.BitMatrix, r image.Rectangle) (*gozxing.BinaryBitmap, gozxing.LuminanceSource, bool) {
	for _, c := range d.crops {
		if c.rect == r {
			return c.bm, c.lum, c.ok
		}
	}
	bm, lum, ok := croppedBitmap(src, m, r, &d.sharedRows)
	d.crops = append(d.crops, passCrop{rect: r, bm: bm, lum: lum, ok: ok})
	return bm, lum, ok
}

// dropCrops clears the crops' images, image data, and forgets them.
func (d *decoder) dropCrops() {
	for i, c := range d.crops {
		if c.ok {
			wipeBitmap(c.bm, true)
		}
		d.crops[i] = passCrop{}
	}
	d.crops = d.crops[:0]
}

func (d *decoder) hints(tryHarder bool) map[gozxing.DecodeHintType]interface{} {
	if tryHarder {
		return d.harder
	}
	return d.normal
}

// A pass is one decode strategy: a view of the frame, a binarizer, which
// reader kinds run, and how its coordinates map back to the frame.
type pass struct {
	name string
	src  gozxing.LuminanceSource
	// makeSrc, when src is nil, makes the view once the pass runs: the
	// resampled views cost a copy of the frame.
	makeSrc   func() gozxing.LuminanceSource
	global    bool // global-histogram binarizer instead of hybrid
	rows      bool // run 1D row readers
	area      bool // run 2D area readers
	rowBased  bool // run only the area readers that read along rows
	rotated   bool // the view is the frame turned a quarter
	slanted   bool // the view is a region of the frame turned (slants)
	toFrame   func(Point) Point
	needsArea bool // skip the pass when no area reader is enabled
	// areaOnly, when set, limits the area readers to these symbologies.
	areaOnly SymbologySet
	// sparseRows: only the guided and middle rows, never the dense scan.
	sparseRows bool
	// rowSyms, when set, limits the row readers to these symbologies.
	rowSyms SymbologySet
	// view maps a rectangle of the (cropped) frame into the pass's view;
	// nil means the same coordinates.
	view func(image.Rectangle) image.Rectangle
	// again: the pass binarizes the first pass's pixels another way (the
	// global histogram, or inverted), so the readers whose first search
	// found no candidate there are skipped (decoder.unpromising).
	again bool
	// lightOnDark: the pass reads the view inverted, where the first
	// search could not have seen a light symbol on a dark ground; the
	// readers skipped as again search it after all, in the regions where
	// the first pass saw busy cells on a dark ground, or in the whole view
	// when it all lies on one (decoder.darkGround).
	lightOnDark bool
}

// fromFrame maps a rectangle in region coordinates (the first pass's
// view) into this pass's view.
func (p *pass) fromFrame(r image.Rectangle) image.Rectangle {
	if p.view == nil {
		return r
	}
	return p.view(r)
}

// guideRows returns extra scan rows through the 1D-looking regions whose
// bars cross this pass's rows: 1D codes away from the middle band of rows
// that an ordinary scan covers.
func (p *pass) guideRows(regions []region) []int {
	var rows []int
	if p.slanted {
		return nil // the view is one region
	}
	for _, rg := range regions {
		if rg.kind != region1D || rg.horizontal == p.rotated {
			continue
		}
		r := p.fromFrame(rg.rect)
		for _, f := range []int{2, 1, 3} { // the middle, then a quarter each way
			rows = append(rows, r.Min.Y+f*r.Dy()/4)
		}
	}
	return rows
}

// decode reads every barcode it can find in f with opts, cheapest strategy
// first, and returns them with the time each strategy took. It does not
// purge f.
func (d *decoder) decode(f *Frame, opts Options) ([]Result, []PassTiming) {
	defer d.scratch.wipe()
	defer d.wipeRows()
	defer d.forgetViews()
	defer d.renewRowReaders()
	defer d.labels.leave()
	defer func() { d.view = nil }() // the frame's pixels
	d.regions = d.regions[:0]
	d.proposals = d.proposals[:0]
	d.stopped, d.overBudget, d.budgetWaived, d.oneStep, d.skipSteps = nil, false, false, false, 0
	d.addOns = opts.AddOns
	d.budget = opts.Budget
	if d.clock == nil {
		d.clock = wallClock()
	}
	d.spentFrom = d.clock()
	d.labels.start()
	region := image.Rect(0, 0, f.Width, f.Height)
	if !opts.Region.Empty() {
		region = region.Intersect(opts.Region)
		if region.Empty() {
			return nil, nil
		}
	}
	var src gozxing.LuminanceSource = newPlaneSource(f, &d.scratch)
	if region != image.Rect(0, 0, f.Width, f.Height) {
		src, _ = src.Crop(region.Min.X, region.Min.Y, region.Dx(), region.Dy())
	}
	asked := opts.Symbologies
	if asked == 0 {
		asked = DefaultSymbologies()
	}
	if asked.Has(GS1Composite) {
		// The linear components are read too; and a composite is two
		// symbols until they are joined.
		opts.Symbologies = asked | compositeLinears
		opts.ExpectedCount *= 2
	}
	var results []Result
	var timings []PassTiming
	if opts.Adaptive && !opts.TryHarder {
		results, timings = d.decodeAdaptive(src, region, opts)
	} else {
		results, timings = d.decodeView(src, region, opts)
	}
	if asked.Has(GS1Composite) {
		results = joinComposites(results, asked)
	}
	return results, timings
}

// forgetViews zeroes what the decode kept of where things lay in its
// views: the regions proposed and searched, the busy cells and those on a
// dark ground, the boxes read at double size, where bars lie across the
// rows and columns, and the hints that named any of them (bars read,
// regions). How many regions there were stays for the report, as do the
// proposals, which it gives.
func (d *decoder) forgetViews() {
	clear(d.regions[:cap(d.regions)]) // findRegions leaves out some of its array
	clear(d.searchIn[:cap(d.searchIn)])
	clear(d.active[:cap(d.active)])
	clear(d.darkRegions[:cap(d.darkRegions)])
	clear(d.doubled[:cap(d.doubled)])
	d.barLook.forget()
	clear(d.stepHints)
	clear(d.regionHints)
	clear(d.cropHints)
}

// foundNothing reports whether a is a reader with a promising signal
// whose search in the view's first pass found no candidate
// (decoder.unpromising).
func (d *decoder) foundNothing(a *areaReader) bool {
	return a.promising != nil && a.symbols()&d.unpromising != 0
}

// darkGround returns the regions of the first pass's view that lie on a
// dark ground, or whole when the view as a whole does (onDarkGround),
// told once a view, when first asked: only the inverted pass asks, and
// only for a reader the first pass found no candidate for.
func (d *decoder) darkGround() (regions []image.Rectangle, whole bool) {
	if !d.groundTold {
		d.groundTold = true
		d.darkRegions, d.darkView = onDarkGround(d.view, d.regions, d.active, d.darkRegions[:0])
	}
	return d.darkRegions, d.darkView
}

// sawDarkGround reports whether the first pass's view, or any of its
// regions, lies on a dark ground (darkGround).
func (d *decoder) sawDarkGround() bool {
	regions, whole := d.darkGround()
	return whole || len(regions) > 0
}

// decodeView reads the view src of the frame, which covers region of it,
// cheapest strategy first.
func (d *decoder) decodeView(src gozxing.LuminanceSource, region image.Rectangle, opts Options) ([]Result, []PassTiming) {
	syms := opts.Symbologies
	if syms == 0 {
		syms = DefaultSymbologies()
	}
	d.view, d.viewMin = src, region.Min
	ox, oy := float64(region.Min.X), float64(region.Min.Y)
	shift := func(p Point) Point { return Point{p.X + ox, p.Y + oy} }
	w, h := region.Dx(), region.Dy()

	passes := []pass{
		{name: "hybrid", src: src, rows: true, area: true, toFrame: shift},
	}
	if opts.TryHarder {
		passes = append(passes, pass{name: "global", src: src, global: true, area: true, toFrame: shift, needsArea: true, again: true})
	}
	if opts.TryInverted {
		// The hybrid pass has read 1D codes light on dark already, but for
		// GS1 DataBar, whose reader is gozxing's.
		passes = append(passes, pass{name: "inverted", src: src.Invert(), rows: true, sparseRows: true, rowSyms: NewSymbologySet(DataBar),
			area: true, toFrame: shift, again: true, lightOnDark: true})
	}
	if opts.TryRotated {
		rot, err := src.RotateCounterClockwise()
		if err == nil {
			passes = append(passes, pass{name: "rotated", src: rot, global: true, rows: true, rowBased: true, rotated: true,
				toFrame: func(p Point) Point { return shift(Point{float64(w-1) - p.Y, p.X}) },
				view: func(r image.Rectangle) image.Rectangle {
					return image.Rect(r.Min.Y, w-r.Max.X, r.Max.Y, w-r.Min.X)
				}})
		}
	}
	if opts.TryHarder && max(w, h) <= maxUpscaled/2 {
		passes = append(passes, d.upscaledPass(src, w, h, shift))
	}
	if opts.TryHarder && max(w, h) >= 1000 {
		passes = append(passes, pass{name: "downscaled", makeSrc: func() gozxing.LuminanceSource { return d.halfSource(src, w, h) },
			rows: true, area: true,
			toFrame: func(p Point) Point { return shift(Point{p.X*2 + 0.5, p.Y*2 + 0.5}) },
			view: func(r image.Rectangle) image.Rectangle {
				return image.Rect(r.Min.X/2, r.Min.Y/2, r.Max.X/2, r.Max.Y/2)
			}})
	}

	var results []Result
	var timings []PassTiming
	d.unpromising, d.unpromisingBefore = d.unpromisingBefore, 0
	d.readNothing, d.readNothingBefore = d.readNothingBefore, 0
	d.doubled = d.doubled[:0]
	d.barsLooked = false
	areaEnabled := false
	for _, a := range d.areaReaders {
		areaEnabled = areaEnabled || a.reads(syms)
	}
	d.lookSteps, d.cut = 0, false
	for _, p := range passes {
		if p.needsArea && !areaEnabled {
			continue
		}
		if d.interrupted() {
			d.cut = true
			break
		}
		start := time.Now()
		if p.src == nil {
			d.stage(p.name, stageResample)
			p.src = p.makeSrc()
		}
		before := len(results)
		results = d.runPass(p, syms, opts, results)
		timings = append(timings, PassTiming{Name: p.name, Duration: time.Since(start), Found: len(results) - before})
		if enoughResults(results, opts) {
			break
		}
	}
	if opts.TryHarder && opts.TryRotated && !enoughResults(results, opts) {
		results, timings = d.readSlanted(src, syms, opts, shift, results, timings)
	}
	return joinSequences(results), timings
}

// enoughResults tells whether a decode has read what opts asks for.
func enoughResults(results []Result, opts Options) bool {
	return opts.ExpectedCount > 0 && len(results) >= opts.ExpectedCount || opts.ExpectedCount <= 0 && anyReported(results)
}

// readSlanted reads the rows of the regions of the view src whose bars
// lean (slants), each turned bars upright: the last strategy of a decode
// that tries harder, all the others having read too little.
func (d *decoder) readSlanted(src gozxing.LuminanceSource, syms SymbologySet, opts Options, shift func(Point) Point,
	results []Result, timings []PassTiming) ([]Result, []PassTiming) {
	for _, sl := range d.slants(src) {
		if d.interrupted() {
			break
		}
		start := time.Now()
		d.stage("slanted", stageResample)
		view, at := d.turned(src, sl)
		p := pass{name: "slanted", src: view, global: true, rows: true, slanted: true,
			toFrame: func(q Point) Point { return shift(at(q)) }}
		before := len(results)
		results = d.runPass(p, syms, opts, results)
		timings = append(timings, PassTiming{Name: p.name, Duration: time.Since(start), Found: len(results) - before})
		if enoughResults(results, opts) {
			break
		}
	}
	return results, timings
}

func (d *decoder) runPass(p pass, syms SymbologySet, opts Options, results []Result) []Result {
	var bin gozxing.Binarizer
	if p.global {
		bin = newPassGlobalBinarizer(p.src, &d.scratch)
	} else {
		bin = newPassBinarizer(p.src, &d.scratch)
	}
	d.resetShared() // a new image, though maybe the last one's matrix
	bm, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return results
	}
	defer func() {
		d.resetShared()
		// A pass whose steps never binarized the whole view (rows only,
		// or nothing to search) has no matrix to clear: asking for one
		// would binarize the view just to clear it, and leave rows of
		// the view in the binarizer's row buffer.
		built := (p.area || p.rowBased) && matrixBuilt(bin)
		wipeBitmap(bm, built)
		wipeBinarizer(bin)
		if d.passDone != nil {
			d.passDone(bm, bin, built)
		}
	}()
	want := 0
	if opts.ExpectedCount > 0 {
		want = opts.ExpectedCount - len(results)
	}
	hints := d.hints(opts.TryHarder)
	var matrix *gozxing.BitMatrix // the pass's binarized image, once computed
	if p.name == "hybrid" {
		// The first pass proposes the regions every later pass uses.
		d.stage(p.name, stageBinarize)
		d.searchIn, d.active, d.groundTold = d.searchIn[:0], nil, false
		// Its rows are kept for the readers as the binarizer sets them:
		// the region search reads them all at once.
		d.scratch.keepRows = &d.sharedRows
		m, err := bm.GetBlackMatrix()
		d.scratch.keepRows = nil
		if err == nil {
			d.stage(p.name, stageProposals)
			var complete bool
			d.sharedRows.Bind(m)
			d.regions, complete, d.active = findRegions(m, maxRegions, &d.sharedRows)
			if complete {
				for _, rg := range d.regions {
					d.searchIn = append(d.searchIn, rg.rect)
				}
			}
			for _, rg := range d.regions {
				lo, hi := p.toFrame(Point{float64(rg.rect.Min.X), float64(rg.rect.Min.Y)}), p.toFrame(Point{float64(rg.rect.Max.X), float64(rg.rect.Max.Y)})
				d.proposals = append(d.proposals, image.Rect(int(lo.X), int(lo.Y), int(hi.X), int(hi.Y)))
			}
			matrix = m
		}
	}
	// The steps of the pass: the QR reader, the cheapest of the area
	// readers, then the 1D rows (the guided and middle ones), then the
	// other area readers, then, when trying harder and nothing was found,
	// the rest of the rows. Once a step finds something, what it found is
	// painted out of the binarized image, and the steps after it search
	// only what is left.
	var crops []image.Rectangle // nil: the whole view
	// bars are the rectangles of the view the bars of the 1D symbols the
	// pass read cover (barsOf), which the MicroPDF417 and DotCode readers
	// leave out (leavesBars); followed only when one of them searches.
	var bars []image.Rectangle
	followBars := (syms.Has(MicroPDF417) || syms.Has(DotCode)) && p.area && !p.rowBased
	steps, components := d.passSteps(p, syms)
search:
	for _, st := range steps {
		if d.skipSteps > 0 {
			d.skipSteps--
			d.lookSteps++
			continue
		}
		if d.interrupted() {
			d.cut = true
			break
		}
		d.lookSteps++
		before := len(results)
		if st.area == nil {
			rs := rowSearch{thorough: opts.TryHarder, inverted: opts.TryInverted,
				linear: AllSymbologies(), readers: AllSymbologies()}
			if p.rowSyms != 0 {
				rs.linear, rs.readers = p.rowSyms, p.rowSyms
			}
			if st.denseRows {
				if !opts.TryHarder || p.sparseRows || want > 0 && len(results) >= want || want <= 0 && anyReported(results) {
					continue
				}
				rs.denseOnly = true
				// Labelled rows already: the look at the view's bars
				// is theirs, not the area reader's before them.
				d.stage(p.name, stageRows)
				// Only the lines that cross bars (decoder.bars): the
				// turned view's rows are the view's columns, the last
				// first.
				switch {
				case p.slanted:
					// The view is the region, turned: every row.
				case p.rotated:
					rs.denseIn = inBands(d.bars().cols, p.src.GetHeight(), true)
				case p.view == nil:
					rs.denseIn = inBands(d.bars().rows, p.src.GetHeight(), false)
				}
			} else {
				rs.sparse = true
			}
			d.stepBegins()
			d.stage(p.name, stageRows)
			for _, h := range d.scanRows(p.src, bm, syms, rs, want, len(results), p.guideRows(d.regions)) {
				r := h.result(p.name, p.toFrame)
				if opts.AddOns == AddOnRequire && hasAddOns(r.Symbology) && r.AddOn == "" || !finishLinear(&r, opts) {
					continue
				}
				results = addResult(results, r)
				if matrix != nil {
					if followBars {
						var b image.Rectangle
						b, d.barsRow = barsOf(matrix, h.x0, h.x1, h.y0, h.y1, barsEdges, d.barsRow, &d.barSpans)
						if !b.Empty() {
							bars = append(bars, b)
						}
						if a := r.AddOn; a != "" {
							// Its add-on's bars too, read on the same rows.
							if lo, hi, ok := addOnSpan(h.sym, h.x0, h.x1, h.reversed, len(a)); ok {
								b, d.barsRow = barsOf(matrix, lo, hi, h.y0, h.y1, addOnEdges, d.barsRow, &d.barSpans)
								if !b.Empty() {
									bars = append(bars, b)
								}
							}
						}
					}
					eraseQuad(matrix, h.viewCorners(), 0.1)
					d.resetShared()
				}
			}
		} else {
			a := st.area
			if matrix == nil {
				d.stage(p.name, stageBinarize)
				// Its rows kept for the readers as they are set, as the
				// first pass's: the shared rows are bound to no image
				// until this one's.
				d.scratch.keepRows = &d.sharedRows
				matrix, _ = bm.GetBlackMatrix()
				d.scratch.keepRows = nil
			}
			// The whole view, as binarized: nothing read in the pass yet
			// (the first pass of a view starts with no results).
			whole := p.name == "hybrid" && crops == nil && len(results) == 0
			if a.sameSearch && whole && a.symbols()&d.readNothing != 0 {
				continue // this very search of an earlier decode read nothing
			}
			d.stepBegins()
			d.stage(p.name, a.name())
			h := hints
			if a.costly && p.name == "hybrid" {
				// The thorough search of the costly readers waits for the
				// later passes: most symbols read in the first pass without
				// it.
				h = d.hints(false)
			}
			if a.sym == MaxiCode && p.name == "upscaled" {
				// Its thorough search scans every row; every other row of
				// the doubled view, as without it, is every row of the
				// frame, where that search ran already.
				h = d.hints(false)
			}
			h = d.areaHints(a, h, opts, bars)
			in := crops
			if in == nil && p.lightOnDark && d.foundNothing(a) {
				// It searches only for light symbols on the dark ground
				// the first pass saw (passSteps): there, or in the whole
				// view when it all lies on one.
				if dark, everywhere := d.darkGround(); !everywhere {
					in = dark
				}
			}
			promising := false
			if in == nil {
				wh := h
				if a.sym == DataMatrix && p.name == "hybrid" && len(d.searchIn) > 0 {
					// Its finder starts only from the busy regions, which
					// hold every busy cell of the view. (The crops below
					// are regions already, in their own coordinates.)
					wh = d.regionHints.from(h)
					wh[hint.Regions] = d.searchIn
				}
				if matrix != nil {
					d.finders.Bind(matrix)
					d.columns.Bind(matrix)
					d.sharedRows.Bind(matrix)
				}
				found := d.readArea(*a, p.src, bm, wh, want)
				if a.sameSearch && whole {
					if len(found) == 0 {
						d.readNothing |= a.symbols()
					} else {
						d.readNothing &^= a.symbols()
					}
				}
				results = d.collect(*a, found, p, syms, results, matrix, image.Point{})
				promising = a.promising != nil && a.promising()
			}
			for _, c := range in {
				if cbm, clum, ok := d.cropOf(p.src, matrix, c); ok {
					ch := h
					if leavesBars(a.sym) && len(bars) > 0 {
						// In the crop's own pixels.
						in := make([]image.Rectangle, 0, len(bars))
						for _, b := range bars {
							if b.Overlaps(c) {
								in = append(in, b.Intersect(c).Sub(c.Min))
							}
						}
						ch = d.cropHints.from(h)
						ch[hint.Erase] = in
					}
					results = d.collect(*a, d.readArea(*a, clum, cbm, ch, want), p, syms, results, matrix, c.Min)
					promising = promising || a.promising != nil && a.promising()
				}
			}
			if a.promising != nil && !promising && p.name == "hybrid" {
				d.unpromising |= a.symbols()
			}
		}
		if len(results) == before || matrix == nil {
			continue
		}
		if want > 0 && len(results) >= opts.ExpectedCount {
			return results
		}
		d.sharedRows.Bind(matrix)
		left, done := leftToSearch(matrix, &d.sharedRows)
		if done {
			break search
		}
		if crops == nil {
			crops = left
		}
	}
	// Last, whatever the steps read: the 2D components of GS1 Composite
	// symbols, beside the linear symbols read.
	if components != nil && !d.interrupted() {
		h := hints
		if p.name == "hybrid" {
			h = d.hints(false) // as for the costly readers
		}
		d.stage(p.name, components.name())
		results = d.readComponents(*components, p, syms, results, h)
	}
	return results
}

// areaHints returns the hints area reader a reads a pass's view with,
// the pass's hints h with its own added: dotted modules (DPM Data
// Matrix), the boxes of the bars read in the pass (bars, to erase), and
// quarter turns. They are built in d.stepHints, h itself where a adds
// none.
func (d *decoder) areaHints(a *areaReader, h map[gozxing.DecodeHintType]interface{}, opts Options, bars []image.Rectangle) map[gozxing.DecodeHintType]interface{} {
	dots, erase, turns := opts.DPM && a.sym == DataMatrix, leavesBars(a.sym) && len(bars) > 0, a.turnsItself && opts.TryRotated
	if !dots && !erase && !turns {
		return h
	}
	h = d.stepHints.from(h)
	if dots {
		h[hint.DottedModules] = true
	}
	if erase {
		h[hint.Erase] = bars
	}
	if turns {
		h[hint.QuarterTurns] = true
	}
	return h
}

// passStep is one step of a pass: an area reader, or a row search
// (sparse, or dense).
type passStep struct {
	area      *areaReader
	denseRows bool
}

// passSteps returns the steps of pass p in order: the QR reader, the
// sparse rows, the other area readers, the dense rows; and the reader
// that searches beside the linear symbols read once they are done, nil
// when p has none.
func (d *decoder) passSteps(p pass, syms SymbologySet) ([]passStep, *areaReader) {
	steps := d.steps[:0]
	var beside *areaReader
	for i := range d.areaReaders {
		a := &d.areaReaders[i]
		if a.besideLinears {
			// Every pass that reads linear symbols may read a linear
			// component; the quarter-turned one too, though the reader
			// is not row-based.
			if a.reads(syms) && (p.rows || p.area) && !p.slanted {
				beside = a
			}
			continue
		}
		if !a.reads(syms) || p.areaOnly != 0 && !a.reads(p.areaOnly) ||
			!(p.area && !p.rowBased || a.rowBased && (p.area || p.rowBased)) {
			continue
		}
		if (p.again || p.name == "hybrid") && d.foundNothing(a) && !(p.lightOnDark && d.sawDarkGround()) {
			// Its search of these pixels found no candidate (in the first
			// pass, of an earlier decode of the view).
			continue
		}
		if a.turnsItself && p.rotated {
			continue // it read the turned symbols in the other passes
		}
		if a.rowBased && p.global && !p.rotated {
			// Rows are binarized alike by both binarizers (the hybrid one
			// falls back to the global histogram for single rows), so a
			// row reader would only repeat the first pass.
			continue
		}
		steps = append(steps, passStep{area: a})
	}
	if p.rows {
		at := 0
		if len(steps) > 0 && steps[0].area.sym == QRCode {
			at = 1
		}
		steps = slices.Insert(steps, at, passStep{})
		steps = append(steps, passStep{denseRows: true})
	}
	d.steps = steps
	return steps, beside
}

// doubleRows writes upper and lower, the two rows of twice the width of
// cur that double it, from the source row cur and the ones above (up) and
// below (down) it: output pixels 2x and 2x+1 weigh cur[x] 9, the row
// beside's pixel at x 3, and cur and that row at x-1 (or x+1), held
// inside the row, 3 and 1. That is 3t[x]+t[x±1] over 16 with the column
// sums t = 3cur+up (or down), each computed once, 3cur once for both.
func doubleRows(upper, lower, up, cur, down []byte) {
	w := len(cur)
	upper, lower, up, down = upper[:2*w], lower[:2*w], up[:w], down[:w]
	// Vector registers do 16 pixels at a time from the second on where
	// there are (doubleRowsWide), the first pixel alone then. The rest,
	// four pixels at a time: the column sums of four neighbours in the
	// 16-bit lanes of a word (at most 4·255, and 3t[x]+t[x±1]+8 at most
	// 16·255+8: no lane overflows), their eight doubled pixels stored at
	// once, each lane's two bytes in order. The next four's sums are made
	// a step ahead: their first is the right neighbour of these.
	x := 0
	if n := doubleRowsWide(upper, lower, up, cur, down); n > 0 {
		doubleFirst(upper, up, cur)
		doubleFirst(lower, down, cur)
		x = n + 1
	}
	if x+8 <= w {
		cur3 := 3 * spreadBytes(binary.LittleEndian.Uint32(cur[x:]))
		midU := cur3 + spreadBytes(binary.LittleEndian.Uint32(up[x:]))
		midD := cur3 + spreadBytes(binary.LittleEndian.Uint32(down[x:]))
		leftU, leftD := midU&0xffff, midD&0xffff // the row's first, held
		if x > 0 {
			leftU = 3*uint64(cur[x-1]) + uint64(up[x-1])
			leftD = 3*uint64(cur[x-1]) + uint64(down[x-1])
		}
		for ; x+8 <= w; x += 4 {
			cur3 = 3 * spreadBytes(binary.LittleEndian.Uint32(cur[x+4:]))
			nextU := cur3 + spreadBytes(binary.LittleEndian.Uint32(up[x+4:]))
			nextD := cur3 + spreadBytes(binary.LittleEndian.Uint32(down[x+4:]))
			binary.LittleEndian.PutUint64(upper[2*x:], doubledLanes(midU, midU<<16|leftU, midU>>16|nextU<<48))
			binary.LittleEndian.PutUint64(lower[2*x:], doubledLanes(midD, midD<<16|leftD, midD>>16|nextD<<48))
			leftU, leftD = midU>>48, midD>>48
			midU, midD = nextU, nextD
		}
	}
	doubleTail(upper, up, cur, x)
	doubleTail(lower, down, cur, x)
}

// doubledLanes returns the eight doubled pixels of the four column sums
// mid, whose left and right neighbours' sums are lefts and rights: each
// lane's (3mid+left+8)/16 in its even byte, (3mid+right+8)/16 in its odd.
func doubledLanes(mid, lefts, rights uint64) uint64 {
	even := (3*mid + lefts + 8*lanes16) >> 4 & lanesFF
	odd := (3*mid + rights + 8*lanes16) >> 4 & lanesFF
	return even | odd<<8
}

// doubleFirst writes dst's first two pixels, doubling the first of cur
// (of at least two) with other's, its left neighbour itself.
func doubleFirst(dst, other, cur []byte) {
	t0 := 3*uint(cur[0]) + uint(other[0])
	t1 := 3*uint(cur[1]) + uint(other[1])
	dst[0] = uint8((4*t0 + 8) >> 4)
	dst[1] = uint8((3*t0 + t1 + 8) >> 4)
}

// doubleTail writes dst's pixels from 2·from on, doubling cur with other
// a pixel at a time (as doubleRows does four at a time).
func doubleTail(dst, other, cur []byte, from int) {
	w := len(cur)
	col := func(x int) uint64 { return 3*uint64(cur[x]) + uint64(other[x]) }
	mid := col(from)
	left := mid
	if from > 0 {
		left = col(from - 1)
	}
	for x := from; x < w-1; x++ {
		right := col(x + 1)
		dst[2*x] = uint8((3*mid + left + 8) >> 4)
		dst[2*x+1] = uint8((3*mid + right + 8) >> 4)
		left, mid = mid, right
	}
	dst[2*w-2] = uint8((3*mid + left + 8) >> 4)
	dst[2*w-1] = uint8((4*mid + 8) >> 4)
}

// spreadBytes puts the four bytes of v, the first in the lowest, in the
// four 16-bit lanes of a word.
func spreadBytes(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000ffff0000ffff
	return (x | x<<8) & lanesFF
}

// fromDouble maps a point of a double-size copy (doubleSource) back to
// the source: a doubled pixel's centre lies a quarter pixel from its
// source pixel's.
func fromDouble(p Point) Point { return Point{p.X/2 - 0.25, p.Y/2 - 0.25} }

// maxUpscaled is the largest side of a frame doubled for the upscaled pass.
const maxUpscaled = 2048

// upscaledPass reads the frame at double size, for symbols whose modules
// are under two pixels: PDF417, whose narrowest elements blur away first,
// MaxiCode, whose bullseye rings (four fifths of a module) merge in the
// frame's binarization, and the 1D codes along the guided and middle
// rows. (The other 2D readers gain nothing there on the test images, at
// the cost of a search four times the size.)
func (d *decoder) upscaledPass(src gozxing.LuminanceSource, w, h int, shift func(Point) Point) pass {
	return pass{name: "upscaled", makeSrc: func() gozxing.LuminanceSource { return d.doubleSource(src, w, h) },
		rows: true, sparseRows: true, area: true, areaOnly: NewSymbologySet(PDF417, MaxiCode),
		toFrame: func(p Point) Point { return shift(fromDouble(p)) },
		view: func(r image.Rectangle) image.Rectangle {
			return image.Rect(2*r.Min.X, 2*r.Min.Y, 2*r.Max.X, 2*r.Max.Y)
		}}
}

// maxRegions bounds the candidate regions proposed per frame, so a frame
// full of texture costs a bounded amount.
const maxRegions = 24

// collect adds an area reader's results, mapped to frame coordinates from
// those of the pass's view, the reader's origin in it at origin.
//
// Each symbol read is then painted white in the pass's binarized image
// (erase), so the readers after this one do not search it again: a QR
// Code's finder patterns, for one, look to a Micro QR reader like three
// symbols of its own.
func (d *decoder) collect(a areaReader, found []*gozxing.Result, p pass, syms SymbologySet, results []Result, erase *gozxing.BitMatrix, origin image.Point) []Result {
	for _, res := range found {
		sym := a.sym
		if a.symOf != nil {
			if sym = a.symOf(res); !syms.Has(sym) {
				continue
			}
		}
		pts, ok := a.corners(res)
		if !ok {
			continue
		}
		for i := range pts {
			pts[i].X += float64(origin.X)
			pts[i].Y += float64(origin.Y)
		}
		if erase != nil {
			eraseQuad(erase, pts, 0.1)
			d.resetShared()
		}
		for i := range pts {
			pts[i] = p.toFrame(pts[i])
		}
		results = addResult(results, newResult(sym, res, pts, p.name))
	}
	return results
}

// leavesBars reports whether the reader of sym takes the bars of the 1D
// symbols read as light (hint.Erase): MicroPDF417's, whose search for
// barred regions would propose them, and DotCode's, whose blob search
// labels every run of every bar, none of them a dot.
func leavesBars(sym Symbology) bool { return sym == MicroPDF417 || sym == DotCode }

// readArea runs one area reader, turning a decoder panic into a miss.
func (d *decoder) readArea(a areaReader, src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) (out []*gozxing.Result) {
	defer func() {
		if p := recover(); p != nil {
			d.panics++
			out = nil
		}
	}()
	if a.readGray != nil {
		return a.readGray(src, bm, hints, want)
	}
	return a.read(bm, hints, want)
}

// wipeBitmap clears the binarized image the bitmap cached, which is image
// data like the frame itself.
func wipeBitmap(bm *gozxing.BinaryBitmap, computed bool) {
	if !computed {
		return
	}
	if m, err := bm.GetBlackMatrix(); err == nil {
		m.Clear()
	}
}

// matrixBuilt reports whether bin made the binarized image of its whole
// view; true for a binarizer that cannot tell.
func matrixBuilt(bin gozxing.Binarizer) bool {
	switch b := bin.(type) {
	case *hybridBinarizer:
		return b.matrix != nil || b.built
	case *globalBinarizer:
		return b.built
	}
	return true
}

// wipeBinarizer clears the row of pixels a binarizer keeps.
func wipeBinarizer(bin gozxing.Binarizer) {
	switch b := bin.(type) {
	case *globalBinarizer:
		clear(b.lum)
	case *hybridBinarizer:
		clear(b.lum)
	}
}

// anyReported reports whether results hold a symbol to report: not only
// GS1 Composite 2D components, which wait for their linear components.
func anyReported(results []Result) bool {
	for i := range results {
		if !results[i].component {
			return true
		}
	}
	return false
}

func addResult(results []Result, r Result) []Result {
	for i := range results {
		if sameSymbol(&results[i], &r) {
			if results[i].AddOn == "" {
				results[i].AddOn = r.AddOn // a later pass read its add-on
			}
			return results
		}
	}
	return append(results, r)
}

func newResult(sym Symbology, res *gozxing.Result, pts [4]Point, strategy string) Result {
	r := Result{Symbology: sym, Text: res.GetText(), Points: pts, Strategy: strategy}
	md := res.GetResultMetadata()
	if id, ok := md[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string); ok {
		r.SymbologyID = id
	}
	r.Text, r.SymbologyID = leadingFNC1(sym, r.Text, r.SymbologyID)
	if segs, ok := md[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte); ok && len(segs) > 0 {
		for _, s := range segs {
			r.Bytes = append(r.Bytes, s...)
		}
	}
	r.Sequence = sequenceOf(sym, res)
	r.component = sym == GS1Composite
	if info, ok := md[gozxing.ResultMetadataType_OTHER].(databar.Info); ok {
		r.unlinked = !info.Linked
	}
	switch {
	case sym == Code39:
		r.Text, _ = code39FullASCII(r.Text)
	case sym == EAN13 && res.GetBarcodeFormat() == gozxing.BarcodeFormat_UPC_A:
		r.Text = "0" + r.Text
	case sym == UPCA && res.GetBarcodeFormat() == gozxing.BarcodeFormat_EAN_13:
		r.Text = strings.TrimPrefix(r.Text, "0")
	}
	return r
}

// symbologyOf names a row decoder's result, or reports that it is not one
// of the wanted symbologies. A UPC-A code is an EAN-13 code whose first
// digit is 0: it is reported as UPC-A when that is wanted, else as EAN-13
// (newResult adjusts the text to match).
func (d *decoder) symbologyOf(res *gozxing.Result, wanted SymbologySet) (Symbology, bool) {
	s := symbologyOfFormat(res.GetBarcodeFormat())
	switch {
	case s == EAN13 && strings.HasPrefix(res.GetText(), "0") && wanted.Has(UPCA):
		s = UPCA
	case s == UPCA && !wanted.Has(UPCA) && wanted.Has(EAN13):
		s = EAN13
	}
	return s, wanted.Has(s)
}

var formatSymbologies = map[gozxing.BarcodeFormat]Symbology{
	gozxing.BarcodeFormat_QR_CODE:      QRCode,
	gozxing.BarcodeFormat_DATA_MATRIX:  DataMatrix,
	gozxing.BarcodeFormat_AZTEC:        Aztec,
	gozxing.BarcodeFormat_EAN_13:       EAN13,
	gozxing.BarcodeFormat_EAN_8:        EAN8,
	gozxing.BarcodeFormat_UPC_A:        UPCA,
	gozxing.BarcodeFormat_UPC_E:        UPCE,
	gozxing.BarcodeFormat_CODE_39:      Code39,
	gozxing.BarcodeFormat_CODE_93:      Code93,
	gozxing.BarcodeFormat_CODE_128:     Code128,
	gozxing.BarcodeFormat_CODABAR:      Codabar,
	gozxing.BarcodeFormat_ITF:          ITF,
	gozxing.BarcodeFormat_RSS_14:       DataBar,
	gozxing.BarcodeFormat_RSS_EXPANDED: DataBarExpanded,
	gozxing.BarcodeFormat_PDF_417:      PDF417,
	gozxing.BarcodeFormat_MAXICODE:     MaxiCode,
}

func symbologyOfFormat(f gozxing.BarcodeFormat) Symbology { return formatSymbologies[f] }

// halfSource returns a half-size copy of src (2×2 box average) in the
// decoder's scratch memory. Large blurred or noisy codes often read better
// at half size, where the binarizer's blocks span more of each module.
func (d *decoder) halfSource(src gozxing.LuminanceSource, w, h int) gozxing.LuminanceSource {
	hw, hh := w/2, h/2
	out := d.scratch.halfPlane(hw * hh)
	var r0, r1 []byte
	for y := 0; y < hh; y++ {
		r0, _ = src.GetRow(2*y, r0)
		r1, _ = src.GetRow(2*y+1, r1)
		dst := out[y*hw : (y+1)*hw]
		for x := range dst {
			dst[x] = uint8((uint(r0[2*x]) + uint(r0[2*x+1]) + uint(r1[2*x]) + uint(r1[2*x+1]) + 2) / 4)
		}
	}
	clear(r0)
	clear(r1)
	return &planeSource{pix: out, stride: hw, width: hw, height: hh, scratch: &d.scratch}
}

// doubleSource returns a double-size copy of src in the decoder's scratch
// memory, each pixel interpolated bilinearly from the four source pixels
// nearest its centre (weights 9:3:3:1, the centres being a quarter pixel
// apart). Symbols whose modules are under two pixels wide read better at
// double size: the binarizer's threshold then falls between interpolated
// samples, which places each edge to half a pixel, where on the source
// pixels a blurred module may vanish or merge with its neighbour.
func (d *decoder) doubleSource(src gozxing.LuminanceSource, w, h int) gozxing.LuminanceSource {
	return d.doubleInto(d.scratch.doublePlane(4*w*h), src, w, h)
}

// doubleInto is doubleSource into out, of 4·w·h bytes.
func (d *decoder) doubleInto(out []byte, src gozxing.LuminanceSource, w, h int) gozxing.LuminanceSource {
	dw := 2 * w
	// The rows above, at and below y, each read from src once: bufs[y%3]
	// holds row y.
	var bufs [3][]byte
	row := func(y int) []byte {
		i := (y + 3) % 3
		bufs[i], _ = src.GetRow(max(0, min(h-1, y)), bufs[i])
		return bufs[i]
	}
	up, cur := row(-1), row(0)
	for y := 0; y < h; y++ {
		down := row(y + 1)
		doubleRows(out[2*y*dw:(2*y+1)*dw], out[(2*y+1)*dw:(2*y+2)*dw], up, cur[:w], down)
		up, cur = cur, down
	}
	for i := range bufs {
		clear(bufs[i])
	}
	return &planeSource{pix: out, stride: dw, width: dw, height: 2 * h, scratch: &d.scratch}
}

// leadingFNC1 drops the group separator that the Data Matrix and Aztec
// decoders put for an FNC1 in first position. That FNC1 marks the data as
// GS1 and is not transmitted: the symbology identifier says it (]d2, ]d5
// with ECI, and ]z1; ISO/IEC 16022 Annex N, ISO/IEC 24778 Annex F), as
// QR Code's ]Q3 and GS1-128's ]C1 do, whose text never starts with one.
// The Aztec decoder reports no modifier, so its ]z0 becomes ]z1.
func leadingFNC1(sym Symbology, text, id string) (string, string) {
	if !strings.HasPrefix(text, "\x1d") {
		return text, id
	}
	switch {
	case sym == DataMatrix && (id == "]d2" || id == "]d5"):
		return text[1:], id
	case sym == Aztec && id == "]z0":
		return text[1:], "]z1"
	}
	return text, id
}
