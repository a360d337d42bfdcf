package scanner

import (
	"image"
	"maps"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
	"github.com/scannerd/scannerd/scanner/aztec"
	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/datamatrix"
	"github.com/scannerd/scannerd/scanner/dotcode"
	"github.com/scannerd/scannerd/scanner/hanxin"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/maxicode"
	"github.com/scannerd/scannerd/scanner/microqr"
	"github.com/scannerd/scannerd/scanner/pdf417"
	"github.com/scannerd/scannerd/scanner/qrlocate"
	"github.com/scannerd/scannerd/scanner/rmqr"
)

// multiReader finds every symbol it can in a binarized image.
type multiReader interface {
	DecodeMultiple(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error)
}

// areaReader reads one symbology found anywhere in the image (2D and
// stacked codes), as opposed to rowReaders that read along scan lines.
type areaReader struct {
	sym Symbology
	// syms, when set, are the symbologies of a reader of several; symOf
	// names the symbology of each of its results.
	syms  SymbologySet
	symOf func(res *gozxing.Result) Symbology
	// read returns every symbol found.
	read func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result
	// readGray, set in place of read, also gets the pass's gray view.
	readGray func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result
	// corners turns the reader's result points into frame corners
	// (top-left, top-right, bottom-right, bottom-left).
	corners func(res *gozxing.Result) ([4]Point, bool)
	// rowBased readers also run on the quarter-turned image.
	rowBased bool
	// turnsItself readers read the symbols turned a quarter in each
	// pass's own image (along its columns, on its binarization) when
	// hint.QuarterTurns is set, as it is with TryRotated, and skip the
	// quarter-turned pass.
	turnsItself bool
	// costly readers search without TRY_HARDER in the first pass.
	costly bool
	// besideLinears readers search only round the linear symbols read
	// (readComponents), once a pass's other steps are done.
	besideLinears bool
	// wipe, when set, zeroes the image rows the reader keeps between
	// frames.
	wipe func()
	// promising, when set, tells after a search whether it found a
	// candidate it could not read; when the first pass of a view found
	// none, the passes that binarize the same pixels another way skip
	// the reader (see pass.again).
	promising func() bool
	// sameSearch readers search a binarized image the same way every
	// time they get the same hints (no state kept between searches), and
	// are costly, so every first pass gives them the same hints: when a
	// view's first pass read nothing searching it whole, the first pass
	// of a later decode of the same view skips them (decoder.readNothing).
	sameSearch bool
}

// reads reports whether the reader reads any of syms.
func (a *areaReader) reads(syms SymbologySet) bool {
	if a.syms != 0 {
		return a.syms&syms != 0
	}
	return syms.Has(a.sym)
}

// symbols returns the symbologies the reader reads.
func (a *areaReader) symbols() SymbologySet {
	if a.syms != 0 {
		return a.syms
	}
	return NewSymbologySet(a.sym)
}

// name names the reader in profiles.
func (a *areaReader) name() string {
	if a.syms != 0 {
		return a.syms.String()
	}
	return a.sym.String()
}

func newAreaReaders(d *decoder) []areaReader {
	qrMulti := newQRMultiReader()
	qrSingle := zqr.NewQRCodeReader()
	qrTilted := qrlocate.NewReader()
	dm := datamatrix.NewReader()
	az := aztec.NewReader()
	pdf := pdf417.NewReader()
	mpdf := pdf417.NewMicroReader()
	dbx := databar.NewReader()
	dbxLines := &grayLines{}
	maxi := maxicode.NewReader()
	mqr := microqr.NewReader()
	rmqrReader := rmqr.NewReader()
	hx := hanxin.NewReader()
	dot := dotcode.NewReader()
	dot.ReuseViews() // the global pass reads the hybrid pass's view again
	return []areaReader{
		{sym: QRCode, corners: qrCorners, wipe: qrTilted.Wipe, read: func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			if want == 1 {
				if r, err := qrSingle.Decode(bm, hints); err == nil {
					return []*gozxing.Result{r}
				}
				return nil
			}
			rs, _ := qrMulti.DecodeMultiple(bm, hints)
			if len(rs) == 0 && hint.TryHarder(hints) && qrMulti.candidates > 0 {
				// The single-symbol detector settles for the best finder
				// triple where the multi detector wants clean ones. (Where
				// the multi detector saw no candidate at all, it would see
				// none either: both scan the same rows alike until the
				// first one.)
				// It reads as gozxing's single reader does, then where
				// its grid's module centres lie on pixel edges, reads
				// them from the pixels before the edges.
				if r := qrTilted.DecodeDetected(bm, hints); r != nil {
					return []*gozxing.Result{r}
				}
			}
			if len(rs) == 0 && hint.TryHarder(hints) {
				// Seen at a steep angle, the finders are too squashed for
				// gozxing's detector, or its affine grid drifts off the
				// far corner: locate by the finders' outlines.
				rs, _ = qrTilted.DecodeMultiple(bm, hints)
			}
			return rs
		}},
		// The others cheapest and commonest first: a pass stops searching
		// once what it found leaves nothing else to search, so the readers
		// after the one that reads a frame's symbol cost it little.
		{sym: DataBarExpanded, corners: cornersTLBLBRTR, rowBased: true, costly: true,
			readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
				// Rows measured on the gray levels first; the binarized
				// rows where that found a candidate but no symbol: blurred
				// by two thirds of a module, a narrow element's gray levels
				// may not cross the row's threshold, and sometimes its
				// binarized pixels still show it.
				dbxLines.src = src
				rs, _ := dbx.DecodeMultipleLines(bm, dbxLines, hints)
				dbxLines.src = nil
				if len(rs) == 0 && dbx.Candidates() {
					rs, _ = dbx.DecodeMultiple(bm, hints)
				}
				if want > 0 && len(rs) > want {
					rs = rs[:want]
				}
				return rs
			},
			wipe: func() { dbx.Wipe(); dbxLines.wipe() }},
		{sym: PDF417, corners: cornersTLBLBRTR, read: multiple(pdf), costly: true},
		{sym: MicroPDF417, corners: cornersTLBLBRTR, read: multiple(mpdf), costly: true, promising: mpdf.Promising},
		{sym: DataMatrix, corners: cornersTLBLBRTR, read: multiple(dm), costly: true, sameSearch: true, wipe: dm.Wipe},
		{sym: Aztec, corners: cornersTLBLBRTR, read: multiple(az), costly: true, sameSearch: true},
		{sym: MaxiCode, corners: cornersTLBLBRTR, read: single(maxi), costly: true, wipe: maxi.Wipe},
		{sym: MicroQR, corners: cornersTLBLBRTR, read: multiple(mqr), costly: true, wipe: mqr.Wipe},
		// rMQR reads again, at double size, the boxes round finders of
		// small modules whose symbol did not decode (rmqr.Reader.Small).
		{sym: RMQR, corners: cornersTLBLBRTR, costly: true, wipe: rmqrReader.Wipe, readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			rs := multiple(rmqrReader)(bm, hints, want)
			// A copy: the second look searches again with the same reader.
			for _, b := range slices.Clone(rmqrReader.Small()) {
				if want > 0 && len(rs) >= want {
					break
				}
				if d.doubledBefore(b) {
					continue // an earlier pass of the view read it
				}
				for _, res := range d.readDoubled(rmqrReader, src, b, hints) {
					if !qrfinder.Repeats(rs, res) {
						rs = append(rs, res)
					}
				}
			}
			return rs
		}},
		compositeReader(),
		// Han Xin reads a grid the binarized view fails on again from the
		// gray view.
		{sym: HanXin, corners: cornersTLBLBRTR, costly: true, wipe: hx.Wipe, promising: hx.Promising, readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			rs, _ := hx.DecodeGray(src, bm, hints)
			if want > 0 && len(rs) > want {
				rs = rs[:want]
			}
			return rs
		}},
		postalReader(),
		dxFilmEdgeReader(),
		// DotCode binarizes the gray view for dots itself.
		{sym: DotCode, corners: cornersTLBLBRTR, costly: true, wipe: dot.Wipe, promising: dot.Promising, readGray: func(src gozxing.LuminanceSource, _ *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			rs, _ := dot.DecodeGray(src, hints, want)
			return rs
		}},
	}
}

// multiple adapts a reader that finds every symbol itself.
func multiple(r multiReader) func(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}, int) []*gozxing.Result {
	return func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
		rs, _ := r.DecodeMultiple(bm, hints)
		if want > 0 && len(rs) > want {
			rs = rs[:want]
		}
		return rs
	}
}

// single adapts a reader that reports one symbol.
func single(r gozxing.Reader) func(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}, int) []*gozxing.Result {
	return func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
		res, err := r.Decode(bm, hints)
		r.Reset()
		if err != nil || res == nil {
			return nil
		}
		return []*gozxing.Result{res}
	}
}

// eraseQuad clears (paints white) the convex quadrilateral q grown by grow
// of its size around its centre.
func eraseQuad(m *gozxing.BitMatrix, q [4]Point, grow float64) {
	var c Point
	for _, p := range q {
		c.X += p.X / 4
		c.Y += p.Y / 4
	}
	minY, maxY := math.Inf(1), math.Inf(-1)
	for i := range q {
		q[i].X = c.X + (q[i].X-c.X)*(1+grow) + math.Copysign(2, q[i].X-c.X)
		q[i].Y = c.Y + (q[i].Y-c.Y)*(1+grow) + math.Copysign(2, q[i].Y-c.Y)
		minY, maxY = math.Min(minY, q[i].Y), math.Max(maxY, q[i].Y)
	}
	w, h := m.GetWidth(), m.GetHeight()
	var row *gozxing.BitArray // a copy of a row, for the long spans
	for y := max(0, int(minY)); y <= min(h-1, int(maxY)); y++ {
		fy := float64(y) + 0.5
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range q {
			a, b := q[i], q[(i+1)%4]
			if (a.Y <= fy) == (b.Y <= fy) {
				continue
			}
			x := a.X + (fy-a.Y)*(b.X-a.X)/(b.Y-a.Y)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		from, to := max(0, int(lo)), min(w-1, int(hi))
		if to-from < 64 {
			for x := from; x <= to; x++ {
				m.Unset(x, y)
			}
			continue
		}
		// A long span is cleared a word at a time, in a copy of the row
		// (gozxing's matrix clears only single pixels).
		row = m.GetRow(y, row)
		clearSpan(row.GetBitArray(), from, to)
		m.SetRow(y, row)
	}
	if row != nil {
		row.Clear() // it held a row of the image
	}
}

// clearSpan clears bits from to to (both included) of words.
func clearSpan(words []uint32, from, to int) {
	first, last := from>>5, to>>5
	lowMask := ^uint32(0) << (from & 31)   // bits from..31 of the first word
	highMask := ^uint32(0) >> (31 - to&31) // bits 0..to of the last word
	if first == last {
		words[first] &^= lowMask & highMask
		return
	}
	words[first] &^= lowMask
	clear(words[first+1 : last])
	words[last] &^= highMask
}

// cornersTLBLBRTR reads four result points given as top-left, bottom-left,
// bottom-right, top-right (gozxing's Data Matrix and Aztec order).
func cornersTLBLBRTR(res *gozxing.Result) ([4]Point, bool) {
	p := res.GetResultPoints()
	if len(p) < 4 {
		return [4]Point{}, false
	}
	pt := func(i int) Point { return Point{p[i].GetX(), p[i].GetY()} }
	return [4]Point{pt(0), pt(3), pt(2), pt(1)}, true
}

// qrCorners extends the three finder pattern centres (bottom-left, top-left,
// top-right) to the symbol's corners: each centre lies 3.5 modules in from
// its corner, and the version (hence the module count) follows from the
// number of codewords at the reported error correction level.
func qrCorners(res *gozxing.Result) ([4]Point, bool) {
	p := res.GetResultPoints()
	if len(p) < 3 {
		return [4]Point{}, false
	}
	bl, tl, tr := Point{p[0].GetX(), p[0].GetY()}, Point{p[1].GetX(), p[1].GetY()}, Point{p[2].GetX(), p[2].GetY()}
	dim := qrDimension(res)
	if dim == 0 {
		ms := 1.0
		if fp, ok := p[1].(*qrdetector.FinderPattern); ok {
			ms = fp.GetEstimatedModuleSize()
		}
		d := (math.Hypot(tr.X-tl.X, tr.Y-tl.Y) + math.Hypot(bl.X-tl.X, bl.Y-tl.Y)) / 2
		dim = int(math.Round(d/ms)) + 7
	}
	// Affine map from module coordinates (u right, v down) to the image.
	span := float64(dim) - 7
	ux, uy := (tr.X-tl.X)/span, (tr.Y-tl.Y)/span
	vx, vy := (bl.X-tl.X)/span, (bl.Y-tl.Y)/span
	at := func(u, v float64) Point {
		u, v = u-3.5, v-3.5
		return Point{tl.X + u*ux + v*vx, tl.Y + u*uy + v*vy}
	}
	d := float64(dim)
	return [4]Point{at(0, 0), at(d, 0), at(d, d), at(0, d)}, true
}

func qrDimension(res *gozxing.Result) int {
	ec, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	level, err := qrdecoder.ErrorCorrectionLevel_ValueOf(ec)
	if err != nil {
		return 0
	}
	n := len(res.GetRawBytes())
	for v := 1; v <= 40; v++ {
		ver, err := qrdecoder.Version_GetVersionForNumber(v)
		if err != nil {
			return 0
		}
		if ver.GetTotalCodewords()-ver.GetECBlocksForLevel(level).GetTotalECCodewords() == n {
			return ver.GetDimensionForVersion()
		}
	}
	return 0
}

// hintMap is a map a decoder builds the hints of one read in: a pass's
// hints and a few of the read's own, cleared and filled again for each
// read instead of a copy made (no reader keeps the hints past its read),
// so that adding hints allocates no map once it has grown.
type hintMap map[gozxing.DecodeHintType]interface{}

// from returns m holding h's hints alone.
func (m *hintMap) from(h map[gozxing.DecodeHintType]interface{}) map[gozxing.DecodeHintType]interface{} {
	if *m == nil {
		*m = make(hintMap, len(h)+4)
	}
	clear(*m)
	maps.Copy(*m, h)
	return *m
}

// readDoubled reads box b of the view src at double size with reader r,
// and returns its results in the view's pixels.
func (d *decoder) readDoubled(r multiReader, src gozxing.LuminanceSource, b image.Rectangle, hints map[gozxing.DecodeHintType]interface{}) []*gozxing.Result {
	if !src.IsCropSupported() {
		return nil
	}
	b = b.Intersect(image.Rect(0, 0, src.GetWidth(), src.GetHeight()))
	if b.Empty() {
		return nil
	}
	crop, err := src.Crop(b.Min.X, b.Min.Y, b.Dx(), b.Dy())
	if err != nil {
		return nil
	}
	w, h := b.Dx(), b.Dy()
	dbl := d.doubleInto(d.scratch.boxPlane(4*w*h), crop, w, h)
	bin := newCropBinarizer(dbl, &d.scratch)
	defer wipeBinarizer(bin)
	bm, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return nil
	}
	defer wipeBitmap(bm, true)
	found, _ := r.DecodeMultiple(bm, hints)
	out := found[:0]
	for _, res := range found {
		pts := res.GetResultPoints()
		mapped := make([]gozxing.ResultPoint, len(pts))
		for i, p := range pts {
			q := fromDouble(Point{p.GetX(), p.GetY()})
			mapped[i] = gozxing.NewResultPoint(q.X+float64(b.Min.X), q.Y+float64(b.Min.Y))
		}
		m := gozxing.NewResult(res.GetText(), res.GetRawBytes(), mapped, res.GetBarcodeFormat())
		m.PutAllMetadata(res.GetResultMetadata())
		out = append(out, m)
	}
	return out
}

// doubledBefore reports whether a box holding b was read at double size
// in the view already, and notes b otherwise.
func (d *decoder) doubledBefore(b image.Rectangle) bool {
	for _, t := range d.doubled {
		if b.In(t) {
			return true
		}
	}
	d.doubled = append(d.doubled, b)
	return false
}
