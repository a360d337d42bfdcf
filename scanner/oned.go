package scanner

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/oned/rss"
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
	// minEdges is the fewest black/white changes a row through the
	// shortest symbol of these symbologies has; rows with fewer are not
	// given to the decoder.
	minEdges int
	// start, when set, tells whether a row holds the decoder's start
	// pattern; rows without one are not given to the decoder.
	start startFilter
}

func newRowReaders() []rowReader {
	upcean := NewSymbologySet(EAN13, EAN8, UPCA, UPCE)
	// Edge counts from the symbologies' structure: UPC-E has 17 bars, a
	// one-character Code 39 symbol 15, Codabar with one character 12, ITF
	// with two digit pairs 13, Code 128 and Code 93 with one data and one
	// check character at least 16, a stacked DataBar row 12.
	return []rowReader{
		{dec: oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder), syms: upcean, minEdges: 33, start: oneWay(upceanStart)},
		{dec: oned.NewCode128Reader().(oned.RowDecoder), syms: NewSymbologySet(Code128), minEdges: 31, start: oneWay(code128Start)},
		{dec: oned.NewCode39Reader().(oned.RowDecoder), syms: NewSymbologySet(Code39), minEdges: 29, start: oneWay(code39Start)},
		{dec: oned.NewCode93Reader().(oned.RowDecoder), syms: NewSymbologySet(Code93), minEdges: 31, start: oneWay(code93Start)},
		{dec: oned.NewCodaBarReader().(oned.RowDecoder), syms: NewSymbologySet(Codabar), minEdges: 23, start: oneWay(codabarStart)},
		{dec: oned.NewITFReader().(oned.RowDecoder), syms: NewSymbologySet(ITF), minEdges: 25, start: oneWay(itfStart)},
		{dec: rss.NewRSS14Reader().(oned.RowDecoder), back: rss.NewRSS14Reader().(oned.RowDecoder),
			// gozxing counts a pair from its second sighting on, and
			// answers once both halves have been counted twice.
			probe: rss.NewRSS14Reader().(oned.RowDecoder), sightings: 3,
			syms: NewSymbologySet(DataBar), minEdges: 23, start: dataBarFinder},
	}
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
	reader     int
	sym        Symbology
	res        *gozxing.Result
	x0, x1     float64 // span along the row
	y0, y1     int     // first and last row where it was read
	rows       int     // rows that read it
	reversed   bool    // read right to left (upside down)
	rowsProbed bool
}

// scanRows reads 1D barcodes along rows of bm: first through the rows the
// region proposals give (guides) and 15 rows spread over the middle of the
// frame; then, when trying harder and that found nothing (or fewer than
// want), every few rows of the whole frame. Each row is read in both
// directions and, after a barcode is found, again to the right of it, so
// several barcodes side by side are all read. A hit counts once two rows
// agree (the rows next to a first read are probed at once), which keeps
// single-row misreads of noise out. found is how many results the frame
// already has.
func (d *decoder) scanRows(bm *gozxing.BinaryBitmap, syms SymbologySet, tryHarder bool, want, found int, guides []int) []lineHit {
	readers := d.rows[:0:0]
	var idx []int
	for i, r := range d.rowReaders {
		if r.syms&syms != 0 {
			readers = append(readers, r)
			idx = append(idx, i)
		}
	}
	if len(readers) == 0 {
		return nil
	}
	for _, r := range readers {
		resetDecoder(r.dec)
		if r.back != nil {
			resetDecoder(r.back)
		}
	}
	height := bm.GetHeight()
	// Rows are reversed in place, so their size must be the image width
	// exactly: gozxing reuses any larger row it is given.
	if d.row == nil || d.row.GetSize() != bm.GetWidth() {
		d.row = gozxing.NewBitArray(bm.GetWidth())
		d.probe = gozxing.NewBitArray(bm.GetWidth())
	}
	hints := d.hints(tryHarder)
	enough := func(hits []lineHit) bool {
		n := found + confirmed(hits)
		return want > 0 && n >= want || want <= 0 && n > 0
	}
	var hits []lineHit
	scanned := make(map[int]bool, 64)
	scan := func(y int) {
		if y < 0 || y >= height || scanned[y] || rowCovered(hits, y) {
			return
		}
		scanned[y] = true
		row, err := bm.GetBlackRow(y, d.row)
		if err != nil {
			return
		}
		d.row = row
		edges := transitions(row)
		if edges < minRowTransitions {
			return
		}
		d.runs = runLengths(row, d.runs)
		d.revRuns = reverseRuns(d.runs, d.revRuns)
		fwd, rev := d.runs, d.revRuns
		for dir := 0; dir < 2; dir++ {
			if dir == 1 {
				row.Reverse()
				fwd, rev = rev, fwd
			}
			for k, r := range readers {
				if edges >= r.minEdges && (r.start == nil || r.start(fwd, rev)) {
					hits = d.readAlongRow(bm, r, idx[k], y, dir == 1, hints, hits)
				}
			}
		}
	}
	for _, y := range guides {
		scan(y)
	}
	middleOut(height, max(1, height>>5), 15, func(y int) bool {
		scan(y)
		return !(want > 0 && enough(hits))
	})
	if tryHarder && !enough(hits) {
		middleOut(height, max(1, height>>8), height, func(y int) bool {
			scan(y)
			return !(want > 0 && enough(hits))
		})
	}
	out := hits[:0]
	for _, h := range hits {
		if h.rows >= 2 || height < 16 {
			out = append(out, h)
		}
	}
	return out
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
func (d *decoder) readAlongRow(bm *gozxing.BinaryBitmap, r rowReader, ri, y int, reversed bool,
	hints map[gozxing.DecodeHintType]interface{}, hits []lineHit) []lineHit {
	width := bm.GetWidth()
	work := d.work
	if work == nil || work.GetSize() != d.row.GetSize() {
		work = gozxing.NewBitArray(d.row.GetSize())
		d.work = work
	}
	copy(work.GetBitArray(), d.row.GetBitArray())
	for attempt := 0; attempt < 4; attempt++ {
		res, ok := d.decodeRow(r.decoder(reversed), y, work, hints)
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
			hits = d.addLineHit(bm, hits, lineHit{reader: ri, sym: sym, res: res, x0: x0, x1: x1,
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
// records it and probes the rows above and below for its extent.
func (d *decoder) addLineHit(bm *gozxing.BinaryBitmap, hits []lineHit, h lineHit,
	hints map[gozxing.DecodeHintType]interface{}) []lineHit {
	for i := range hits {
		o := &hits[i]
		if o.sym == h.sym && o.res.GetText() == h.res.GetText() && h.x0 <= o.x1 && o.x0 <= h.x1 {
			if h.y0 < o.y0 || h.y0 > o.y1 {
				o.rows++
			}
			o.y0, o.y1 = min(o.y0, h.y0), max(o.y1, h.y1)
			return hits
		}
	}
	d.probeRows(bm, &h, hints)
	return append(hits, h)
}

// probeRows extends a fresh hit up and down while the same reader reads the
// same text, stepping a twentieth of the barcode's length, and stops after
// two misses in a row. It confirms the hit and gives its height.
func (d *decoder) probeRows(bm *gozxing.BinaryBitmap, h *lineHit, hints map[gozxing.DecodeHintType]interface{}) {
	height := bm.GetHeight()
	step := max(2, int((h.x1-h.x0)/20))
	text := h.res.GetText()
	r := d.rowReaders[h.reader]
	for _, dir := range []int{-1, 1} {
		misses := 0
		for y := h.y0 + dir*step; y >= 0 && y < height && misses < 2; y += dir * step {
			if dir > 0 && y <= h.y1 {
				continue
			}
			row, err := bm.GetBlackRow(y, d.probe)
			if err != nil {
				misses++
				continue
			}
			d.probe = row
			if h.reversed {
				row.Reverse()
			}
			res, ok := d.probeRow(&r, y, row, h.reversed, hints)
			if !ok || res.GetText() != text {
				misses++
				continue
			}
			misses = 0
			h.rows++
			h.y0, h.y1 = min(h.y0, y), max(h.y1, y)
		}
	}
	h.rowsProbed = true
}

// probeRow reads one row on its own.
func (d *decoder) probeRow(r *rowReader, y int, row *gozxing.BitArray, reversed bool,
	hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, bool) {
	if r.probe == nil {
		return d.decodeRow(r.decoder(reversed), y, row, hints)
	}
	resetDecoder(r.probe)
	var res *gozxing.Result
	ok := false
	for range r.sightings {
		res, ok = d.decodeRow(r.probe, y, row, hints)
	}
	return res, ok
}

// decodeRow runs one row decoder, turning a decoder panic into a miss.
func (d *decoder) decodeRow(dec oned.RowDecoder, y int, row *gozxing.BitArray,
	hints map[gozxing.DecodeHintType]interface{}) (res *gozxing.Result, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			d.panics++
			res, ok = nil, false
		}
	}()
	res, err := dec.DecodeRow(y, row, hints)
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

// minRowTransitions is the fewest black/white changes a row crossing a 1D
// barcode can have: the shortest codes (EAN-8, UPC-E, a one-character Code
// 39 or Codabar) all have more than 20 bars and spaces. Rows with fewer are
// skipped before any decoder runs; in photos most rows are such.
const minRowTransitions = 23

// transitions counts the changes between adjacent bits of a row.
func transitions(row *gozxing.BitArray) int {
	words := row.GetBitArray()
	n := 0
	var carry uint32
	for i, w := range words {
		shifted := w<<1 | carry
		if i == 0 {
			shifted |= w & 1 // no change before the first bit
		}
		n += bits.OnesCount32(w ^ shifted)
		carry = w >> 31
	}
	return n
}

func rowCovered(hits []lineHit, y int) bool {
	for _, h := range hits {
		if y >= h.y0 && y <= h.y1 && h.rows >= 2 {
			return true
		}
	}
	return false
}

func confirmed(hits []lineHit) int {
	n := 0
	for _, h := range hits {
		if h.rows >= 2 {
			n++
		}
	}
	return n
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
