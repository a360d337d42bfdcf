package scanner

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/oned/rss"

	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/linear"
)

// rowReader is one gozxing 1D row decoder and the symbologies it reports.
type rowReader struct {
	dec oned.RowDecoder
	// back and probe are set for a decoder that gathers evidence over
	// rows and answers from all it has gathered (DataBar's pairs, each
	// recorded in the coordinates of the row it came from). back reads
	// the reversed rows, so that its answers are in their coordinates;
	// probe checks one row on its own: it is reset and given the row
	// sightings times.
	back, probe oned.RowDecoder
	sightings   int
	syms        SymbologySet
	// start, when set, tells whether a row holds the decoder's start
	// pattern; rows without one are not given to the decoder.
	start startFilter
	// copiesRows is set for gozxing decoders that reverse the row they
	// are given with BitArray.Reverse, which leaves the row's bits behind
	// in memory nothing can reach to zero: they run with decodeErased.
	copiesRows bool
}

// newRowReaders returns the row readers that gozxing provides: GS1
// DataBar. The linear reader reads the other 1D symbologies.
func newRowReaders() []rowReader {
	return []rowReader{
		{dec: rss.NewRSS14Reader().(oned.RowDecoder), back: rss.NewRSS14Reader().(oned.RowDecoder),
			// gozxing counts a pair from its second sighting on, and
			// answers once both halves have been counted twice.
			probe: rss.NewRSS14Reader().(oned.RowDecoder), sightings: 3,
			syms: NewSymbologySet(DataBar), start: dataBarFinder, copiesRows: true},
	}
}

// renewRowReaders makes the decoder's row readers (newRowReaders) where
// none is made yet or one has read a row since they were: gozxing's
// DataBar reader keeps the pairs of finders and characters it read (each
// half's value, half the symbol's data) and the widths of the bars it
// measured in arrays of its own, which its Reset only shortens and
// nothing outside it can reach to clear. The readers are made with
// decodeErased, so that once dropped for new ones, all they allocated, and
// the pairs allocated as they read, are erased. A build that erases
// nothing (ErasesDecoderMemory) keeps them: new ones would leave the old
// ones' arrays as they are all the same.
func (d *decoder) renewRowReaders() {
	if d.rowReaders != nil && (!d.rowReadersRead || !ErasesDecoderMemory) {
		return
	}
	decodeErased(func() { d.rowReaders = newRowReaders() })
	d.rowReadersRead = false
}

// decoder returns the decoder for rows read left to right, or reversed.
func (r *rowReader) decoder(reversed bool) oned.RowDecoder {
	if reversed && r.back != nil {
		return r.back
	}
	return r.dec
}

func resetDecoder(dec oned.RowDecoder) {
	if rs, ok := dec.(interface{ Reset() }); ok {
		rs.Reset()
	}
}

// lineHit is a 1D barcode read on one or more scan rows.
type lineHit struct {
	sym  Symbology
	text string
	// Read by the linear reader: its format, text as read, identifier,
	// and which way it read the row.
	format   linear.Format
	raw, id  string
	inverted bool
	linked   bool // a DataBar Limited symbol's linkage flag
	// Read by a gozxing row reader (DataBar): the reader and its result.
	reader   int
	res      *gozxing.Result
	x0, x1   float64 // span along the row
	y0, y1   int     // first and last row where it was read
	rows     int     // rows that read it
	reversed bool    // read right to left (upside down)
	// look is how the row a linear read came from was measured, and the
	// rows probed for it are: as it is, with local black points, or
	// averaged with the rows beside it.
	look       rowLook
	rowsProbed bool
	// shapeFailed: a hit of a shapeChecked format, on two rows or more,
	// whose shape did not pass when it last grew (checkShape). Until it
	// does, it neither counts as confirmed nor covers its rows: texture
	// read as Pharmacode on two rows would otherwise end the row search
	// (the dense rows of a frame where a real symbol is still to be read)
	// and hide the rows it spans.
	shapeFailed bool
	// addOn is the EAN add-on most rows read, ahead of any other by
	// addOnVotes rows.
	addOn      string
	addOnVotes int
}

// result returns the hit as a result, its corners mapped by toFrame.
func (h *lineHit) result(strategy string, toFrame func(Point) Point) Result {
	pts := h.corners()
	for i := range pts {
		pts[i] = toFrame(pts[i])
	}
	if h.res != nil {
		return newResult(h.sym, h.res, pts, strategy)
	}
	return Result{Symbology: h.sym, Text: h.text, Points: pts, SymbologyID: h.id, Strategy: strategy, AddOn: h.confirmedAddOn(),
		unlinked: h.format == linear.DataBarLimited && !h.linked}
}

// scanRows reads 1D barcodes along rows of src (binarized as bm for the
// gozxing row readers): first through the rows the region proposals give
// (guides) and 15 rows spread over the middle of the frame; then, when
// trying harder and that found nothing (or fewer than want), every few
// rows of the whole frame. Each row is read both ways, and light on dark
// too when inverted, and the whole row: several barcodes side by side are
// all read. A hit counts once two rows agree (the rows next to a first
// read are probed at once), which keeps single-row misreads of noise out.
// found is how many results the frame already has; readers limits the
// gozxing row readers to those of these symbologies.
func (d *decoder) scanRows(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, syms SymbologySet, rs rowSearch,
	want, found int, guides []int) []lineHit {
	formats := linearFormats(syms & rs.linear)
	readers := d.rows[:0:0]
	var idx []int
	for i, r := range d.rowReaders {
		if r.syms&syms&rs.readers != 0 {
			readers = append(readers, r)
			idx = append(idx, i)
		}
	}
	if formats == 0 && len(readers) == 0 {
		return nil
	}
	for _, r := range readers {
		resetDecoder(r.dec)
		if r.back != nil {
			resetDecoder(r.back)
		}
	}
	height, width := src.GetHeight(), src.GetWidth()
	// A row is read as measured from the fewest changes a symbol on
	// needs; it is measured, and looked at again, from fewer
	// (minAgainEdges).
	read := fewestEdges(syms & rs.linear)
	d.rowScan.minEdges = min(read, minAgainEdges)
	short := shortRowFormats(formats)
	d.probeScan.minEdges = read
	if len(readers) > 0 && (d.row == nil || d.row.GetSize() != width) {
		// Rows are reversed in place, so their size must be the image
		// width exactly: gozxing reuses any larger row it is given.
		d.clearRows() // the old rows hold the previous pass's image
		d.row = gozxing.NewBitArray(width)
		d.probe = gozxing.NewBitArray(width)
	}
	hints := d.hints(rs.thorough)
	stackedDataBar := syms.Has(DataBar) && rs.linear.Has(DataBar)
	d.pairs.reset()
	enough := func(hits []lineHit) bool {
		n := found + confirmed(hits)
		return want > 0 && n >= want || want <= 0 && n > 0
	}
	var hits []lineHit
	// Which rows were scanned, a bit each: a dense scan visits most of
	// them.
	words := (height + 63) / 64
	if cap(d.scannedRows) < words {
		d.scannedRows = make([]uint64, words)
	}
	scanned := d.scannedRows[:words]
	clear(scanned)
	rows := &d.rowScan
	d.localScan.minEdges, d.localScan.local, d.localScan.unevenOnly = read, true, true
	d.smoothScan.minEdges, d.smoothScan.smooth = read, smoothRows
	d.midScan.minEdges = read
	// again says whether the row being read is looked at again when it
	// reads no linear symbol (averaged with its neighbours when noisy, at
	// the mid-range black point when blurred along it, with local black
	// points when unevenly lit): every guided and middle
	// row is, and every againStride-th dense row.
	again := true
	var y int // the row being read
	// readLinear reads the linear symbols along one view of row y, the
	// row measured as look says, and tells whether it read any.
	readLinear := func(v rowView, look rowLook) bool {
		fs := formats
		if e := v.edges(); e < minRowTransitions {
			fs = short[max(e, 0)]
		}
		if v.reversed {
			fs &^= forwardOnly
		}
		if fs == 0 {
			return false
		}
		lin := &rows.lin
		switch look {
		case lookLocal:
			lin = &d.localScan.lin
		case lookSmooth:
			lin = &d.smoothScan.lin
		case lookMid:
			lin = &d.midScan.lin
		}
		found := lin.Read(v.runs, fs, rows.found[:0])
		rows.found = found
		for i := range found {
			ls := &found[i]
			sym, text, ok := linearSymbology(ls, syms)
			if !ok {
				continue
			}
			x0, x1 := v.span(ls.First, ls.Last, width)
			h := lineHit{sym: sym, text: text, format: ls.Format, raw: ls.Text, id: ls.ID, linked: ls.Linked,
				inverted: v.inverted, x0: x0, x1: x1, y0: y, y1: y, rows: 1, reversed: v.reversed, look: look}
			h.voteAddOn(d.readAddOn(sym, v.runs, ls))
			hits = d.addLineHit(src, bm, hits, h, hints)
		}
		return len(found) > 0
	}
	// lookAgain reads row y measured by s, as look says, and tells
	// whether it read a linear symbol. The row's gray levels are those
	// rows has read.
	lookAgain := func(s *rowScanner, look rowLook) bool {
		if !s.runsOf(src, y, rows.lum[:width]) {
			return false
		}
		read := false
		for _, v := range s.views() {
			if !v.inverted || rs.inverted {
				read = readLinear(v, look) || read
			}
		}
		return read
	}
	scan := func(row int) {
		y = row
		if y < 0 || y >= height || scanned[y>>6]&(1<<(y&63)) != 0 || rowCovered(hits, y) {
			return
		}
		scanned[y>>6] |= 1 << (y & 63)
		if !rows.runs(src, y) {
			return
		}
		// Too few changes to be read as measured, the row is only looked
		// at again. DataBar's readers (gozxing's and the stacked pairs)
		// read the rows of minRowTransitions or more, as with the
		// defaults, whatever else is on.
		plain := len(rows.fwd)-2 >= read
		long := len(rows.fwd)-2 >= minRowTransitions
		if formats != 0 {
			read := false // a linear symbol along the row
			for _, v := range rows.views() {
				if !plain || v.inverted && !rs.inverted {
					continue
				}
				read = readLinear(v, lookPlain) || read
				if stackedDataBar && long {
					for _, h := range d.pairs.read(v, y, width) {
						hits = d.addLineHit(src, bm, hits, h, hints)
					}
				}
			}
			if !read && again && noisyRow(rows.fwd) {
				// Sensor noise the sharpening doubles splits the row's
				// runs: the rows beside it average it out along the bars.
				read = lookAgain(&d.smoothScan, lookSmooth)
			}
			if !read && again {
				// Blurred along the row, its narrow elements' gray
				// levels may not cross the histogram's black point. Its
				// edges are counted at the mid-range one first (over
				// every eighth dev image, measuring again each row whose
				// histogram was as skewed cost about 50 M instructions at
				// the guided and middle rows alone; counting first, 7 M
				// at every row looked again).
				if mid, ok := blurredBlack(&rows.buckets, rows.lastBlack, width); ok && rows.splitsAt(rows.lum[:width], mid) {
					d.midScan.given, d.midScan.givenBlack = true, mid
					read = lookAgain(&d.midScan, lookMid)
					d.midScan.given = false
				}
			}
			if !read && again {
				// The row's one black point read nothing: the light may
				// change along it (localBlackPoints). Its black point is
				// the one just found.
				d.localScan.given, d.localScan.givenBlack = true, rows.lastBlack
				lookAgain(&d.localScan, lookLocal)
				d.localScan.given = false
			}
		}
		if len(readers) == 0 || !long {
			return
		}
		fwd, rev := rows.fwd[1:], rows.rev[1:]
		got := false // d.row holds the row's bits
		for dir := 0; dir < 2; dir++ {
			if dir == 1 {
				fwd, rev = rev, fwd
			}
			for k, r := range readers {
				if r.start != nil && !r.start(fwd, rev) {
					continue
				}
				if !got {
					row, err := bm.GetBlackRow(y, d.row)
					if err != nil {
						return
					}
					d.row, got = row, true
					if dir == 1 {
						d.reverse(row)
					}
				}
				hits = d.readAlongRow(src, bm, r, idx[k], y, dir == 1, hints, hits)
			}
			if got && dir == 0 {
				d.reverse(d.row)
			}
		}
	}
	if !rs.denseOnly {
		for _, y := range guides {
			scan(y)
		}
		middleOut(height, max(1, height>>5), 15, func(y int) bool {
			scan(y)
			return !(want > 0 && enough(hits))
		})
	}
	if rs.thorough && !rs.sparse && (rs.denseOnly || !enough(hits)) {
		n := 0
		middleOut(height, max(1, height>>8), height, func(y int) bool {
			again = n%againStride == 0
			n++
			if rs.denseIn != nil && !rs.denseIn(y) {
				return true
			}
			scan(y)
			return !(want > 0 && enough(hits))
		})
	}
	out := hits[:0]
	for i, h := range hits {
		if (h.rows >= 2 || height < 16) && !truncated(hits, i) && d.shapePasses(bm, &h) {
			out = append(out, h)
		}
	}
	return out
}

// shapePasses tells whether a hit's shape passes where its symbology
// needs that: as checkShape found it when its rows last changed, where
// it keeps it, else checked now.
func (d *decoder) shapePasses(bm *gozxing.BinaryBitmap, h *lineHit) bool {
	if h.shapeKept() {
		return !h.shapeFailed
	}
	return d.verified(bm, h)
}

// verified checks a confirmed hit's shape in the pass's binarized image,
// where its symbology needs that (verifyShape).
func (d *decoder) verified(bm *gozxing.BinaryBitmap, h *lineHit) bool {
	if !shapeChecked.Has(h.format) {
		return true
	}
	m, err := bm.GetBlackMatrix()
	return err == nil && verifyShape(m, h)
}

// truncated reports whether hit i of one of the less common symbologies is
// a shorter reading of another hit of its symbology beside it: rows that
// cross a tilted symbol near its top or bottom miss its end bars, and a
// symbol without start and stop patterns (Pharmacode) still reads there.
func truncated(hits []lineHit, i int) bool {
	h := &hits[i]
	if h.format < linear.Code11 {
		return false
	}
	length := h.x1 - h.x0
	for j := range hits {
		o := &hits[j]
		if j == i || o.sym != h.sym || o.rows < 2 || o.x1-o.x0 <= length*1.02 {
			continue
		}
		slack := (o.x1 - o.x0) * 0.1
		gap := max(o.y0-h.y1, h.y0-o.y1)
		if o.x0 <= h.x0+slack && h.x1 <= o.x1+slack && float64(gap) < (o.x1-o.x0)/2 {
			return true
		}
	}
	return false
}

// againStride is how many dense rows apart the rows are that are looked at
// again: a symbol under uneven light or in noise still has several, and
// rows probed round the first that reads it, while a frame without one
// costs a quarter of what every row would (local black points on every
// row cost 9% more CPU per image of the dev set, and read 14 more images
// where every fourth row read 11, for about 1%).
const againStride = 4

// rowLook is how a row is measured.
type rowLook uint8

const (
	lookPlain  rowLook = iota
	lookLocal          // local black points (localBlackPoints)
	lookSmooth         // averaged with the rows beside it (smoothRows)
	lookMid            // at the mid-range black point (blurredBlack)
)

// rowSearch says how a pass scans rows.
type rowSearch struct {
	thorough  bool // all rows, when the first ones find nothing
	sparse    bool // only the guided and middle rows, even when thorough
	denseOnly bool // only all rows, the guided and middle ones read already
	inverted  bool // light bars on dark too
	// denseIn, when set, says which rows the dense scan reads.
	denseIn func(y int) bool
	// linear and readers limit the linear reader and the gozxing row
	// readers to these symbologies.
	linear, readers SymbologySet
}

// middleOut visits up to n rows step apart, from the middle of the image
// outwards, alternating above and below, while visit returns true.
func middleOut(height, step, n int, visit func(y int) bool) {
	middle := height / 2
	for x := 0; x < n; x++ {
		off := step * ((x + 1) / 2)
		y := middle + off
		if x&1 == 1 {
			y = middle - off
		}
		if y < 0 || y >= height || !visit(y) {
			return
		}
	}
}

// readAlongRow decodes d.row repeatedly with one reader, whiting out each
// barcode found so the next read finds the one to its right.
func (d *decoder) readAlongRow(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, r rowReader, ri, y int, reversed bool,
	hints map[gozxing.DecodeHintType]interface{}, hits []lineHit) []lineHit {
	width := bm.GetWidth()
	work := d.work
	if work == nil || work.GetSize() != d.row.GetSize() {
		if work != nil {
			work.Clear()
		}
		work = gozxing.NewBitArray(d.row.GetSize())
		d.work = work
	}
	copy(work.GetBitArray(), d.row.GetBitArray())
	for attempt := 0; attempt < 4; attempt++ {
		res, ok := d.decodeRow(r.decoder(reversed), r.copiesRows, y, work, hints)
		if !ok {
			return hits
		}
		x0, x1, ok := rowSpan(res)
		if !ok {
			return hits
		}
		sym, ok := d.symbologyOf(res, r.syms)
		if ok {
			if reversed {
				x0, x1 = float64(width-1)-x1, float64(width-1)-x0
			}
			hits = d.addLineHit(src, bm, hits, lineHit{reader: ri, sym: sym, text: res.GetText(), res: res, x0: x0, x1: x1,
				y0: y, y1: y, rows: 1, reversed: reversed}, hints)
		}
		end := int(math.Max(x0, x1)) + 1
		if reversed {
			end = width - int(math.Min(x0, x1))
		}
		if end >= width || !clearBits(work, end) {
			return hits
		}
	}
	return hits
}

// addLineHit merges a read with an earlier read of the same barcode, or
// records it and probes the rows above and below for its extent, unless
// its symbology's shape check could accept it in no image (mayVerifyShape).
func (d *decoder) addLineHit(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hits []lineHit, h lineHit,
	hints map[gozxing.DecodeHintType]interface{}) []lineHit {
	for i := range hits {
		o := &hits[i]
		if o.sym == h.sym && o.text == h.text && h.x0 <= o.x1 && o.x0 <= h.x1 {
			if h.y0 < o.y0 || h.y0 > o.y1 {
				o.rows++
				o.voteAddOn(h.addOn)
			}
			y0, y1 := o.y0, o.y1
			o.y0, o.y1 = min(o.y0, h.y0), max(o.y1, h.y1)
			if o.y0 != y0 || o.y1 != y1 { // a row more widens it too
				d.checkShape(bm, o) // its middle row may have moved
			}
			return hits
		}
	}
	// A hit its shape check would turn away in any image is not probed,
	// nor kept: it would never be reported.
	if shapeChecked.Has(h.format) && h.res == nil && !mayVerifyShape(&h) {
		return hits
	}
	d.probeRows(src, bm, &h, hints)
	d.checkShape(bm, &h)
	return append(hits, h)
}

// checkShape sets h.shapeFailed for a hit whose shape is kept
// (shapeKept), from its shape as it now stands (its rows and span).
func (d *decoder) checkShape(bm *gozxing.BinaryBitmap, h *lineHit) {
	if h.shapeKept() {
		h.shapeFailed = !d.verified(bm, h)
	}
}

// shapeKept tells whether h.shapeFailed holds the hit's shape check: a
// hit of a shapeChecked format on two rows or more, checked each time
// its rows change (checkShape).
func (h *lineHit) shapeKept() bool { return shapeChecked.Has(h.format) && h.rows >= 2 }

// probeRows extends a fresh hit up and down while the same reader reads the
// same text, stepping a twentieth of the barcode's length, and stops after
// two misses in a row. It confirms the hit and gives its height.
func (d *decoder) probeRows(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, h *lineHit, hints map[gozxing.DecodeHintType]interface{}) {
	height := src.GetHeight()
	step := max(2, int((h.x1-h.x0)/20))
	d.probeScan.local = h.look == lookLocal
	d.probeScan.midrange = h.look == lookMid
	if h.look == lookSmooth {
		d.probeScan.smooth = smoothRows
	}
	defer func() { d.probeScan.local, d.probeScan.midrange, d.probeScan.smooth = false, false, 0 }()
	for _, dir := range []int{-1, 1} {
		misses := 0
		for y := h.y0 + dir*step; y >= 0 && y < height && misses < 2; y += dir * step {
			if dir > 0 && y <= h.y1 {
				continue
			}
			ok := false
			if h.res == nil {
				ok = d.probeLinear(src, h, y)
			} else {
				ok = d.probeGozxing(bm, h, y, hints)
			}
			if !ok {
				misses++
				continue
			}
			misses = 0
			h.rows++
			h.y0, h.y1 = min(h.y0, y), max(h.y1, y)
		}
	}
	h.rowsProbed = true
	d.confirmAddOn(src, h)
}

// probeLinear tells whether row y reads the same symbol as h, read the same
// way, where h lies. It has buffers of its own: the row that read h is
// still being read.
func (d *decoder) probeLinear(src gozxing.LuminanceSource, h *lineHit, y int) bool {
	rows := &d.probeScan
	if !rows.runs(src, y) {
		return false
	}
	for _, v := range rows.views() {
		if v.reversed != h.reversed || v.inverted != h.inverted {
			continue
		}
		rows.found = rows.lin.Read(v.runs, linear.NewFormats(h.format), rows.found[:0])
		for i := range rows.found {
			s := &rows.found[i]
			if x0, x1 := v.span(s.First, s.Last, src.GetWidth()); s.Text == h.raw && x0 <= h.x1 && h.x0 <= x1 {
				h.voteAddOn(d.readAddOn(h.sym, v.runs, s))
				return true
			}
		}
	}
	return false
}

// probeGozxing tells whether row y reads the same text as h with h's
// gozxing row reader.
func (d *decoder) probeGozxing(bm *gozxing.BinaryBitmap, h *lineHit, y int, hints map[gozxing.DecodeHintType]interface{}) bool {
	row, err := bm.GetBlackRow(y, d.probe)
	if err != nil {
		return false
	}
	d.probe = row
	if h.reversed {
		d.reverse(row)
	}
	r := d.rowReaders[h.reader]
	res, ok := d.probeRow(&r, y, row, h.reversed, hints)
	return ok && res.GetText() == h.text
}

// probeRow reads one row on its own.
func (d *decoder) probeRow(r *rowReader, y int, row *gozxing.BitArray, reversed bool,
	hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, bool) {
	if r.probe == nil {
		return d.decodeRow(r.decoder(reversed), r.copiesRows, y, row, hints)
	}
	resetDecoder(r.probe)
	var res *gozxing.Result
	ok := false
	for range r.sightings {
		res, ok = d.decodeRow(r.probe, r.copiesRows, y, row, hints)
	}
	return res, ok
}

// reverse reverses row in place, as gozxing's BitArray.Reverse does but
// without leaving the row behind in a copy: the bits are image data.
func (d *decoder) reverse(row *gozxing.BitArray) {
	words, size := row.GetBitArray(), row.GetSize()
	n := (size + 31) / 32
	if cap(d.revWords) < n {
		clear(d.revWords)
		d.revWords = make([]uint32, n)
	}
	rev := d.revWords[:n]
	for i := 0; i < n; i++ {
		rev[n-1-i] = bits.Reverse32(words[i])
	}
	if shift := uint(n*32 - size); shift != 0 {
		for i := 0; i < n-1; i++ {
			rev[i] = rev[i]>>shift | rev[i+1]<<(32-shift)
		}
		rev[n-1] >>= shift
	}
	copy(words, rev)
	clear(rev)
}

// wipeRows zeroes the rows the row readers keep between frames: binarized
// rows, gray rows, their widths, and what the linear reader read; and the
// columns the area readers share and what each of them keeps.
func (d *decoder) wipeRows() {
	d.clearRows()
	d.rowScan.wipe()
	d.probeScan.wipe()
	d.localScan.wipe()
	d.smoothScan.wipe()
	d.midScan.wipe()
	clear(d.pairs.seen[:cap(d.pairs.seen)])
	d.columns.Wipe()
	d.sharedRows.Wipe()
	d.finders.Wipe()
	for _, a := range d.areaReaders {
		if a.wipe != nil {
			a.wipe()
		}
	}
}

// clearRows zeroes the binarized rows the row readers read, and the
// words rows are reversed in: scanRows replaces the rows where a pass's
// width differs, what the readers keep staying until the decode ends
// (wipeRows; a wipe of the readers' in the middle of a pass threw away
// the finder search the pass's QR readers share).
func (d *decoder) clearRows() {
	for _, r := range []*gozxing.BitArray{d.row, d.work, d.probe} {
		if r != nil {
			r.Clear()
		}
	}
	clear(d.revWords[:cap(d.revWords)])
}

// decodeRow runs one row decoder, turning a decoder panic into a miss.
func (d *decoder) decodeRow(dec oned.RowDecoder, copiesRows bool, y int, row *gozxing.BitArray,
	hints map[gozxing.DecodeHintType]interface{}) (res *gozxing.Result, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			d.panics++
			res, ok = nil, false
		}
	}()
	var err error
	d.rowReadersRead = true
	if copiesRows {
		decodeErased(func() {
			// gozxing's DataBar reader turns its row round by giving it a
			// new array of words: handed the decoder's row, the words the
			// row had (allocated outside, not erased) would be dropped
			// with the image's row in them. It reads a copy made here,
			// whose every array is erased once dropped.
			c := gozxing.NewBitArray(row.GetSize())
			copy(c.GetBitArray(), row.GetBitArray())
			res, err = dec.DecodeRow(y, c, hints)
			c.Clear()
		})
	} else {
		res, err = dec.DecodeRow(y, row, hints)
	}
	return res, err == nil && res != nil
}

// rowSpan returns the x range a row decoder reported for its barcode.
func rowSpan(res *gozxing.Result) (x0, x1 float64, ok bool) {
	pts := res.GetResultPoints()
	if len(pts) < 2 {
		return 0, 0, false
	}
	x0, x1 = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if p == nil {
			continue
		}
		x0, x1 = math.Min(x0, p.GetX()), math.Max(x1, p.GetX())
	}
	return x0, x1, x1 > x0
}

// clearBits whites out bits [0, end) of a row; false when nothing is left.
func clearBits(row *gozxing.BitArray, end int) bool {
	words := row.GetBitArray()
	full := end / 32
	for i := 0; i < full && i < len(words); i++ {
		words[i] = 0
	}
	if full < len(words) {
		words[full] &^= (1 << uint(end%32)) - 1
	}
	return row.GetNextSet(end) < row.GetSize()
}

// minAgainEdges is the fewest black/white changes a row is measured from,
// to be looked at again (scanRows) when it shows too few to be read as
// measured: a symbol's narrow elements blurred short of the row's black
// point, or its bars in light brighter than it, merge at that one black
// point into a few wide runs, down to a single dark one, which the looks
// at the mid-range and the local black points part again. (Only rows of
// minRowTransitions or more were looked at again: at blur 0.65 modules,
// 12 samples a level, EAN-8 read 25 % and UPC-E none, which read 100 and
// 75 % looked at from two changes.)
const minAgainEdges = 2

// minRowTransitions is the fewest black/white changes a row crossing a 1D
// barcode can have: the shortest codes (EAN-8, UPC-E, a one-character Code
// 39 or Codabar) all have more than 20 bars and spaces. Rows with fewer are
// skipped before any reader runs; in photos most rows are such.
const minRowTransitions = 23

func rowCovered(hits []lineHit, y int) bool {
	for _, h := range hits {
		if y >= h.y0 && y <= h.y1 && h.rows >= 2 && !h.shapeFailed {
			return true
		}
	}
	return false
}

func confirmed(hits []lineHit) int {
	n := 0
	for _, h := range hits {
		if h.rows >= 2 && !h.shapeFailed {
			n++
		}
	}
	return n
}

// viewCorners returns the hit's box in the coordinates of the pass's view,
// in any order.
func (h *lineHit) viewCorners() [4]Point {
	return [4]Point{{h.x0, float64(h.y0)}, {h.x1, float64(h.y0)}, {h.x1, float64(h.y1)}, {h.x0, float64(h.y1)}}
}

// corners of a 1D hit: the box spanned by its rows, as read.
func (h *lineHit) corners() [4]Point {
	tl, tr := Point{h.x0, float64(h.y0)}, Point{h.x1, float64(h.y0)}
	br, bl := Point{h.x1, float64(h.y1)}, Point{h.x0, float64(h.y1)}
	if h.reversed {
		return [4]Point{br, bl, tl, tr}
	}
	return [4]Point{tl, tr, br, bl}
}

// dataBarPairs joins the pairs of GS1 DataBar Stacked and Stacked
// Omnidirectional symbols read on one scan's rows (databar.OmniLeftAt,
// OmniRightAt): a left pair above a right one, each read on two rows at
// least, whose checksum agrees with their finders, is a symbol. gozxing's
// reader, which joins them too, takes only the first finder pattern of
// a row from either end, from rows binarized pixel by pixel.
type dataBarPairs struct {
	seen []seenPair
}

// seenPair is a pair read on one or more rows, one way.
type seenPair struct {
	p                  databar.OmniPair
	x0, x1             float64
	y0, y1, rows       int
	reversed, inverted bool
}

func (s *dataBarPairs) reset() { s.seen = s.seen[:0] }

// read notes the pairs of view v of row y, and returns the symbols they
// make with the pairs seen before as hits read on the rows of both.
func (s *dataBarPairs) read(v rowView, y, width int) []lineHit {
	var out []lineHit
	databar.OmniPairs(v.runs, func(p databar.OmniPair) {
		x0, x1 := v.span(p.First, p.Last, width)
		i := s.note(seenPair{p: p, x0: x0, x1: x1, y0: y, y1: y, rows: 1, reversed: v.reversed, inverted: v.inverted})
		if h, ok := s.join(i); ok {
			out = append(out, h)
		}
	})
	return out
}

// note adds a pair read on a row to the same pair read before near it,
// or records it, and returns its index.
func (s *dataBarPairs) note(n seenPair) int {
	for i := range s.seen {
		o := &s.seen[i]
		if o.p.Right != n.p.Right || o.p.Finder != n.p.Finder || o.p.Value != n.p.Value || o.p.Check != n.p.Check ||
			o.reversed != n.reversed || o.inverted != n.inverted || n.x0 > o.x1 || o.x0 > n.x1 ||
			float64(n.y0-o.y1) > (o.x1-o.x0)/2 || float64(o.y0-n.y0) > (o.x1-o.x0)/2 {
			continue
		}
		if n.y0 < o.y0 || n.y0 > o.y1 {
			o.rows++
		}
		o.y0, o.y1 = min(o.y0, n.y0), max(o.y1, n.y0)
		return i
	}
	s.seen = append(s.seen, n)
	return len(s.seen) - 1
}

// join returns the symbol pair i makes with a pair of the other side read
// the same way: both read on two rows, overlapping along the rows by half
// their length, the left one above the right one in the symbol's own
// orientation and at most one and a half lengths away.
func (s *dataBarPairs) join(i int) (lineHit, bool) {
	a := s.seen[i]
	if a.rows < 2 {
		return lineHit{}, false
	}
	for _, b := range s.seen {
		if b.rows < 2 || b.p.Right == a.p.Right || b.reversed != a.reversed || b.inverted != a.inverted {
			continue
		}
		l, r := a, b
		if l.p.Right {
			l, r = b, a
		}
		length := min(l.x1-l.x0, r.x1-r.x0)
		if min(l.x1, r.x1)-max(l.x0, r.x0) < length/2 || (l.y1 < r.y0) == l.reversed ||
			float64(max(r.y0-l.y1, l.y0-r.y1)) > 1.5*length {
			continue
		}
		text, ok := databar.JoinOmni(l.p, r.p)
		if !ok {
			continue
		}
		return lineHit{sym: DataBar, text: text, format: linear.DataBar, raw: text, id: "]e0", inverted: a.inverted,
			x0: min(l.x0, r.x0), x1: max(l.x1, r.x1), y0: min(l.y0, r.y0), y1: max(l.y1, r.y1), rows: l.rows + r.rows,
			reversed: a.reversed}, true
	}
	return lineHit{}, false
}
