package pdf417

import (
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// MicroPDF417 (ISO/IEC 24728) shares PDF417's codewords, clusters,
// Reed-Solomon code and data compaction, but has neither start nor stop
// pattern nor row indicators. Each row is
//
//	left RAP, 1 or 2 codewords, [centre RAP, 2 codewords], right RAP, stop bar
//
// where a row address pattern (RAP) is three bars and three spaces, ten
// modules in all, and the stop bar one module. Rows cycle through the
// clusters as in PDF417. Only 34 sizes exist, each with its own fixed
// number of error correction codewords, and the data begins at the first
// codeword: there is no symbol length descriptor.

// microVariant is one of the sizes of ISO/IEC 24728 Table 1, or of a
// GS1 Composite component (kind "CC-A" or "CC-B", see composite.go).
type microVariant struct {
	cols, rows, ec int
	kind           string
}

var microVariants = [...]microVariant{
	{1, 11, 7, ""}, {1, 14, 7, ""}, {1, 17, 7, ""}, {1, 20, 8, ""}, {1, 24, 8, ""}, {1, 28, 8, ""},
	{2, 8, 8, ""}, {2, 11, 9, ""}, {2, 14, 9, ""}, {2, 17, 10, ""}, {2, 20, 11, ""}, {2, 23, 13, ""}, {2, 26, 15, ""},
	{3, 6, 12, ""}, {3, 8, 14, ""}, {3, 10, 16, ""}, {3, 12, 18, ""}, {3, 15, 21, ""}, {3, 20, 26, ""}, {3, 26, 32, ""}, {3, 32, 38, ""}, {3, 38, 44, ""}, {3, 44, 50, ""},
	{4, 4, 8, ""}, {4, 6, 12, ""}, {4, 8, 14, ""}, {4, 10, 16, ""}, {4, 12, 18, ""}, {4, 15, 21, ""}, {4, 20, 26, ""}, {4, 26, 32, ""}, {4, 32, 38, ""}, {4, 38, 44, ""}, {4, 44, 50, ""},
}

// microVariantOf returns the size with cols columns and rows rows.
func microVariantOf(cols, rows int) (microVariant, bool) {
	for _, v := range microVariants {
		if v.cols == cols && v.rows == rows {
			return v, true
		}
	}
	return microVariant{}, false
}

// Row layouts in elements: R a row address pattern (6 elements, 10
// modules), C a codeword (8, 17), S the stop bar (1, 1). A layout's index
// is its number of columns, but for cca3Layout: the rows of a CC-A of
// three columns (ISO/IEC 24723 clause 8), which have no left RAP and start
// with a codeword, where those of a CC-B or MicroPDF417 of three columns
// start with their left RAP.
var microLayouts = [...]string{1: "RCRS", 2: "RCCRS", 3: "RCRCCRS", 4: "RCCRCCRS", cca3Layout: "CRCCRS"}

const cca3Layout = 5

const (
	rapModules      = 10
	rapElements     = 6
	microMaxModules = 99
)

// layoutCols returns the number of columns of a layout: its codewords.
func layoutCols(layout int) int {
	return strings.Count(microLayouts[layout], "C")
}

// microRowModules returns the width of a row of the layout in modules.
func microRowModules(layout int) int {
	n := 0
	for _, c := range microLayouts[layout] {
		switch c {
		case 'R':
			n += rapModules
		case 'C':
			n += modulesPerCodeword
		case 'S':
			n++
		}
	}
	return n
}

// microRowElements returns the number of bars and spaces of a row of the
// layout, from the first bar to the stop bar.
func microRowElements(layout int) int {
	n := 0
	for _, c := range microLayouts[layout] {
		switch c {
		case 'R':
			n += rapElements
		case 'C':
			n += elementsPerSymbol
		case 'S':
			n++
		}
	}
	return n
}

// MicroReader decodes MicroPDF417 symbols lying at any angle. It keeps
// scratch buffers, so a MicroReader must not be used by two goroutines at
// once.
type MicroReader struct {
	// The adapter's Decode decodes the first symbol found in image. It honours
	// gozxing.DecodeHintType_TRY_HARDER (denser scanning).
	guard.Adapter
	runs  runList
	row   *gozxing.BitArray
	lines []microLine
	// composite: read GS1 Composite CC-A and CC-B components instead.
	composite bool
	// cells is the scratch of turnedRegions, of which cellsHeld the most
	// a count has sized it to since the last wipe: the coarse count,
	// which comes after the fine one, leaves it shorter.
	cells     []cellChanges
	cellsHeld int
	// speckled: the frame's noise turned its ground to speckle
	// (belowNoise).
	speckled bool
	// barred and coarseBarred are the cells with bars of the fine and
	// the coarse count (see coarseRegions), each as long as its count's
	// cells, so no longer than cellsHeld.
	barred, coarseBarred []bool
	// clusterSeen, clusterStack and clusterMembers are the scratch of
	// clusters, angles that of clusterAngles; regions and coarseFound
	// hold the regions turnedRegions returns and the coarse count's.
	clusterSeen                  []bool
	clusterStack, clusterMembers []int
	angles                       []float64
	regions, coarseFound         []turnedRegion
	// coarseWords is the image sampled for the coarse count (see
	// sampled), coarseStride words a row.
	coarseWords  []uint32
	coarseStride int
	// fwdHits and backHits are the RAPs edgeChains found reading the
	// scan rows forwards and backwards, of which hitsUsed the most a view
	// has used, set once its rows are scanned: scanning is set until
	// then, and a panic that cuts a scan short leaves it set, its hits
	// past hitsUsed. rowHits are where each scan row's lie in them, of
	// which rowHitsHeld the most a view has used.
	fwdHits, backHits []microHit
	hitsUsed          [2]int
	scanning          bool
	rowHits           []rowHits
	rowHitsHeld       int
	// edgePool keeps the edges the chainers made (see edgePool).
	edgePool edgePool
	// hitRuns are the run edges leftRAPs keeps of the hits' scan rows
	// (see settleCodeword), of which hitRunsUsed the most a view has used.
	hitRuns     []int
	hitRunsUsed int
	// probeAt is the scratch of probeHeights, of which probeHeld the
	// most an edge may have used since the last wipe.
	probeAt   []float64
	probeHeld int
	// probed is how many of the last angle's probe lines read a whole
	// row (readSymbolAlong); ungrouped is set when its lines, sampled in
	// full, did not group into rows (see readSymbol).
	probed    int
	ungrouped bool
	// words are the matrix searched, stride words a row, for the turned
	// views' samples (see view): the rows the engine shares (hint.Rows,
	// read through rows) where they are the matrix's and nothing is
	// erased from them, else ownWords, a copy.
	words, ownWords []uint32
	stride          int
	rows            bitrow.Rows
	// blocks is the map of the matrix's uniform blocks, bstride a row
	// (see uniformBlocks).
	blocks  []uint8
	bstride int
	// seen keeps the samples of a cluster's view and of the view turned
	// round (see samples).
	seen [2]samples
	// promising is set when the last search read rows of a symbol it
	// could not decode (see Promising).
	promising bool
	// linesSampled counts the lines the last search sampled across
	// candidate edges (readLine), rowsScanned the scan rows it read for
	// their RAPs (edgeChains).
	linesSampled, rowsScanned int
	// modLo and modHi bound the module of the linear components beside
	// which the composite reader searches, where modKnown (hint.Modules).
	modLo, modHi float64
	modKnown     bool
	// cols has bit n set for each number of columns n the composite
	// components sought may have (hint.ComponentColumns), 0 for any.
	cols uint8
	// facing are the directions the rows of the symbols sought run in
	// (hint.Facing), nil for any: the views that face away from all of
	// them are not searched.
	facing [][2]float64
	// erase are the rectangles of the image taken as light (hint.Erase):
	// the bars of the 1D symbols read already.
	erase []image.Rectangle
}

var _ gozxing.Reader = (*MicroReader)(nil)

// NewMicroReader returns a MicroReader.
func NewMicroReader() *MicroReader { return withMicroFind(&MicroReader{}) }

// NewCompositeMicroReader returns a MicroReader that reads the CC-A and
// CC-B components of GS1 Composite symbols (ISO/IEC 24723), and nothing
// else: its results' text is the component's element string.
func NewCompositeMicroReader() *MicroReader { return withMicroFind(&MicroReader{composite: true}) }

func withMicroFind(r *MicroReader) *MicroReader {
	r.Find = r.decode
	return r
}

func (r *MicroReader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, multiple bool) (results []*gozxing.Result, err error) {
	defer guard.Recover("micropdf417", &results, &err)
	defer r.wipe()
	r.promising, r.linesSampled, r.rowsScanned = false, 0, 0
	r.modLo, r.modHi, r.modKnown = hint.ModulesOf(hints)
	r.facing = hint.FacingOf(hints)
	r.cols = hint.ComponentColumnsOf(hints)
	r.erase = hint.EraseOf(hints)
	m, err := guard.Matrix("micropdf417", image)
	if err != nil {
		return nil, err
	}
	r.rows.Of(m, hints)
	step := 3
	if hint.TryHarder(hints) {
		step = 2
	}
	if r.composite {
		// Every row: a component's rows are two modules high, at two
		// pixels a module four scan rows, and its edge needs each of
		// two rows' RAPs on two scan rows; every other row, one of the
		// two falls on a row's blurred border as often as not. The
		// search is confined to the boxes beside linear symbols read.
		step = 1
	}
	found, err := r.find(m, step, multiple)
	if len(found) == 0 {
		return nil, asReaderError(err)
	}
	for _, d := range found {
		results = append(results, newMicroResult(d))
	}
	return results, nil
}

// Promising reports whether the last search found rows of a symbol that
// it could not decode: lines across one of its candidates read three rows
// or more, of clusters that cycle as a symbol's do, or the RAPs down a
// candidate's edge advanced through their cycle (rapsAdvance). Where it
// found none, the image holds no symbol this reader sees, and searching
// it again (binarized another way, say) is seldom worth its cost.
func (r *MicroReader) Promising() bool { return r.promising }

// wipe clears what the reader keeps of the image between calls: the last
// scanned row, its runs, the RAPs its scan rows read and the codewords its
// lines read, its counts of the image's cells, and what the hints told of
// the linear symbols read (they are the image's too).
func (r *MicroReader) wipe() {
	if r.row != nil {
		r.row.Clear()
	}
	clear(r.runs.edges[:cap(r.runs.edges)])
	clear(r.lines[:cap(r.lines)])
	clear(scrub.UpTo(r.hitRuns, max(r.hitRunsUsed, len(r.hitRuns))))
	if r.scanning {
		// A panic cut a scan short (guard.Recover caught it): its hits
		// lie past hitsUsed, some past the arrays' lengths.
		r.hitsUsed = [2]int{cap(r.fwdHits), cap(r.backHits)}
	}
	clear(scrub.UpTo(r.fwdHits, r.hitsUsed[0]))
	clear(scrub.UpTo(r.backHits, r.hitsUsed[1]))
	clear(scrub.UpTo(r.rowHits, r.rowHitsHeld))
	r.hitsUsed, r.scanning, r.rowHitsHeld = [2]int{}, false, 0
	r.hitRunsUsed = 0
	clear(scrub.UpTo(r.probeAt, r.probeHeld))
	r.probeHeld = 0
	clear(scrub.UpTo(r.cells, r.cellsHeld))
	clear(scrub.UpTo(r.barred, r.cellsHeld))
	clear(scrub.UpTo(r.coarseBarred, r.cellsHeld))
	r.cellsHeld = 0
	r.modLo, r.modHi, r.modKnown, r.cols = 0, 0, false, 0
	r.facing, r.erase = nil, nil
	// The image's words, their coarse count's and the block map, each
	// sized once a decode (find reads one matrix), which wipes after it:
	// their lengths are what it wrote, and past them they were cleared
	// before (a small image after a large one clears its own size).
	clear(r.ownWords) // empty where the shared rows were read
	r.ownWords, r.words = r.ownWords[:0], nil
	r.rows.Done()
	clear(r.coarseWords)
	r.coarseWords = r.coarseWords[:0]
	clear(r.blocks)
	r.blocks = r.blocks[:0]
	r.seen[0].wipe()
	r.seen[1].wipe()
	r.edgePool.wipe()
	clear(r.clusterSeen[:cap(r.clusterSeen)])
	clear(r.clusterStack[:cap(r.clusterStack)])
	clear(r.clusterMembers[:cap(r.clusterMembers)])
	clear(r.angles[:cap(r.angles)])
	clear(r.regions[:cap(r.regions)])
	clear(r.coarseFound[:cap(r.coarseFound)])
}

// find looks for symbols in the clusters of barred cells of m (see
// turnedRegions), each seen turned to its angle and turned round, scanning
// every step-th row of those views for their left edges, until one is
// found or, when multiple is set, all of them.
func (r *MicroReader) find(m *gozxing.BitMatrix, step int, multiple bool) ([]*decoded, error) {
	var found []*decoded
	var lastErr error
	for k, rg := range r.turnedRegions(m) {
		if k == 0 {
			r.blocks, r.bstride = uniformBlocks(r.words, r.stride, m.GetWidth(), m.GetHeight(), r.blocks)
		}
		// A view that faces away from every direction the symbols' rows
		// run in shows them upside down, where their rows read as no
		// row (a row's end is its stop bar, not a left RAP); of the
		// other, only the hits are left out.
		fwdOn, backOn := r.faces(rg.angle), r.faces(rg.angle+math.Pi)
		if !fwdOn && !backOn {
			continue
		}
		v, back := r.regionViews(m, rg)
		edges, backEdges := r.edgeChains(v, r.componentStep(v, step), fwdOn, backOn)
		for k, v := range [...]view{v, back} {
			chains := edges
			if k == 1 {
				chains = backEdges
			}
			if !r.composite {
				chains = chains[:min(len(chains), microMaxEdges)]
			}
			for _, c := range chains {
				d, err := r.readSymbol(v, c)
				if err != nil {
					lastErr = err
					if !r.composite && !r.promising {
						r.promising = rapsAdvance(c.hits, c.module, r.hitRuns)
					}
					continue
				}
				if !duplicate(found, d) {
					found = append(found, d)
				}
				if !multiple {
					return found, nil
				}
			}
		}
	}
	return found, lastErr
}

// componentStep returns the scan step of view v: step, but for the
// composite reader where the module of the linear components beside
// which it searches is known (hint.Modules), whose 2D components' rows
// are two of its modules high: a step of half the least module a
// component's RAPs may show (moduleWindow), in view pixels, which scans
// a component row on four rows or more, as every row does at two pixels
// a module.
func (r *MicroReader) componentStep(v view, step int) int {
	if !r.composite || !r.modKnown {
		return step
	}
	return max(step, int(r.moduleWindow(v).lo/2))
}

// regionViews returns the views of region rg of m, as it lies and turned
// round, that read the reader's words and map of uniform blocks and keep
// their samples in its scratch.
func (r *MicroReader) regionViews(m *gozxing.BitMatrix, rg turnedRegion) (v, back view) {
	v, back = rg.view(m, 0), rg.view(m, math.Pi)
	v.words, v.stride = r.words, r.stride
	back.words, back.stride = r.words, r.stride
	v.blocks, v.bstride = r.blocks, r.bstride
	back.blocks, back.bstride = r.blocks, r.bstride
	// Made ready for each view where its first line is sampled.
	r.seen[0].ready, r.seen[1].ready = false, false
	v.seen, back.seen = &r.seen[0], &r.seen[1]
	return v, back
}

// faces reports whether a view whose rows run at angle a (radians,
// clockwise from the image's x axis) faces within a quarter turn of one
// of the directions the symbols' rows run in (hint.Facing); true when
// they are not given.
func (r *MicroReader) faces(a float64) bool {
	if r.facing == nil {
		return true
	}
	ux, uy := math.Cos(a), math.Sin(a)
	for _, f := range r.facing {
		if ux*f[0]+uy*f[1] > 0 {
			return true
		}
	}
	return false
}

// microMaxEdges bounds the edges read per view of a cluster, tallest
// first: a symbol's left edge is one of its cluster's tallest, and
// texture whose bars happen to hold RAPs makes many short ones.
const microMaxEdges = 6

func newMicroResult(d *decoded) *gozxing.Result {
	pts := make([]gozxing.ResultPoint, 4)
	for i, p := range d.corners {
		x, y := d.v.toImage(p.x, p.y)
		pts[i] = gozxing.NewResultPoint(x, y)
	}
	res := gozxing.NewResult(d.data.text, d.data.raw, pts, gozxing.BarcodeFormat_PDF_417)
	id := "]L2"
	if d.data.hasECI {
		id = "]L1"
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, id)
	res.PutMetadata(gozxing.ResultMetadataType_ORIENTATION, d.v.degrees())
	res.PutMetadata(gozxing.ResultMetadataType_PDF417_EXTRA_METADATA, &Metadata{
		Rows: d.lay.rows, Columns: d.lay.cols, Micro: true,
		ErrorsCorrected: d.errors, ErasuresCorrected: d.erasures,
		ReaderInit: d.data.readerInit, Macro: d.data.macro, Component: d.data.component,
	})
	return res
}

// microLine is one row read along a sampling line.
type microLine struct {
	t       float64 // where the line leaves the left edge (view y)
	layout  int     // the row's layout (see microLayouts)
	cols    int
	cluster int
	values  [4]int // -1 where unread
	weights [4]int
}

// complete reports whether the line read every codeword of its row.
func (ln *microLine) complete() bool {
	for s := range ln.cols {
		if ln.values[s] < 0 {
			return false
		}
	}
	return true
}

// The layouts readMicroRow tries: of the rows that start with a left RAP,
// widest first (a row may start like a wider one); of those that start
// with a codeword, a CC-A's of three columns.
var (
	microRowLayouts = [...]int{4, 3, 2, 1}
	cca3RowLayouts  = [...]int{cca3Layout}
)

// readMicroRow reads the row of one of the layouts whose first bar is dark
// run i of r: the layout (from where the stop bar and the quiet zone
// after it fall) and each codeword the runs spell.
func readMicroRow(r *runList, i int, layouts []int) (microLine, bool) {
	layout := microRowLayout(r, i, layouts, true)
	if layout == 0 {
		return microLine{}, false
	}
	ln := microLine{layout: layout, cols: layoutCols(layout), cluster: -1}
	j, slot, read := i, 0, 0
	for _, c := range microLayouts[layout] {
		switch c {
		case 'R':
			j += rapElements
		case 'S':
			j++
		case 'C':
			v, cl, _, w := readCodeword(r, j, ln.cluster)
			ln.values[slot], ln.weights[slot] = -1, 0
			if w > 0 && (ln.cluster < 0 || cl == ln.cluster) {
				ln.values[slot], ln.weights[slot], ln.cluster = v, w, cl
				read++
			}
			j += elementsPerSymbol
			slot++
		}
	}
	return ln, read > 0
}

// microRowLayout returns the first of the layouts whose row, its first bar
// dark run i of r, the runs hold: from where its stop bar and the quiet
// zone after it fall, and the widths of its RAPs and codewords (see
// microGroupsFit for raps); 0 when they hold none.
func microRowLayout(r *runList, i int, layouts []int, raps bool) int {
	if !r.dark(i) {
		return 0
	}
	for _, layout := range layouts {
		n := microRowElements(layout)
		if i+n > r.count() {
			continue
		}
		// The module, from the row's first group.
		first, firstModules := rapElements, rapModules
		if microLayouts[layout][0] == 'C' {
			first, firstModules = elementsPerSymbol, modulesPerCodeword
		}
		module := float64(r.edges[i+first]-r.edges[i]) / float64(firstModules)
		if module < 0.8 {
			continue
		}
		width := float64(r.edges[i+n] - r.edges[i])
		if math.Abs(width-float64(microRowModules(layout))*module) > 0.15*width {
			continue
		}
		unit := width / float64(microRowModules(layout))
		// The stop bar: one module, then light for two modules or more.
		stop := float64(r.width(i + n - 1))
		if stop > 2.5*unit || i+n < r.count() && float64(r.width(i+n)) < 2*unit || !microGroupsFit(r, i, layout, unit, raps) {
			continue
		}
		return layout
	}
	return 0
}

// microGroupsFit reports whether the row's RAPs and codewords, as the
// layout cuts the runs from i, each have their width: which tells a row
// from the first part of a wider one. With raps, the RAPs' runs must also
// fit a RAP's (rapFits).
func microGroupsFit(r *runList, i, layout int, unit float64, raps bool) bool {
	j := i
	for _, c := range microLayouts[layout] {
		var n, modules int
		switch c {
		case 'R':
			n, modules = rapElements, rapModules
		case 'C':
			n, modules = elementsPerSymbol, modulesPerCodeword
		default:
			return true
		}
		w := float64(r.edges[j+n]-r.edges[j]) / unit
		if math.Abs(w-float64(modules)) > 0.2*float64(modules) || raps && c == 'R' && !rapFits(r, j, w*unit/rapModules) {
			return false
		}
		j += n
	}
	return true
}

// errMicroLayout reports rows that do not make up a MicroPDF417 size.
var errMicroLayout = fmt.Errorf("%w: rows and columns of no MicroPDF417 size", errBadData)
