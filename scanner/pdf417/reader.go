// Package pdf417 reads PDF417 and compact PDF417 symbols (ISO/IEC 15438),
// and with MicroReader MicroPDF417 symbols (ISO/IEC 24728),
// from binarized images, as a gozxing.Reader.
//
// The reader scans rows and columns for start and stop patterns, follows
// them into the symbol's left and right edges, samples the symbol along many
// lines parallel to its rows, votes each codeword position from every line
// that crossed it, repairs the result with the GF(929) Reed-Solomon code and
// interprets text, byte and numeric compaction, ECIs and Macro PDF417
// control blocks. Symbols may lie in any of the four right-angle
// orientations, with modest skew and perspective.
package pdf417

import (
	"errors"
	"math"
	"sort"
	"strconv"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// Metadata describes a decoded symbol beyond its text. A Result carries it
// under gozxing.ResultMetadataType_PDF417_EXTRA_METADATA.
type Metadata struct {
	Rows, Columns     int  // data rows and data columns
	ECLevel           int  // error correction level 0..8
	ErrorsCorrected   int  // codewords read wrong and repaired
	ErasuresCorrected int  // codewords not read at all and restored
	Compact           bool // no right row indicator and stop pattern
	Micro             bool // a MicroPDF417 symbol (ISO/IEC 24728)
	ReaderInit        bool // the symbol programs the reader (codeword 921)
	// Macro is the Macro PDF417 control block, nil when the symbol is not
	// part of a structured append sequence.
	Macro *MacroMetadata
	// Component, from a composite reader, is the kind of GS1 Composite 2D
	// component read: ComponentA, ComponentB or ComponentC.
	Component string
}

// Reader decodes PDF417 symbols. It keeps scratch buffers, so a Reader must
// not be used by two goroutines at once.
type Reader struct {
	// The adapter's Decode decodes the first symbol found in image. It honours
	// gozxing.DecodeHintType_TRY_HARDER (denser scanning).
	guard.Adapter
	det detector
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Reader.
func NewReader() *Reader { return withFind(&Reader{}) }

// NewCompositeReader returns a Reader that reads the CC-C components of
// GS1 Composite symbols (ISO/IEC 24723), and nothing else: its results'
// text is the component's element string.
func NewCompositeReader() *Reader { return withFind(&Reader{det: detector{composite: true}}) }

func withFind(r *Reader) *Reader {
	r.Find = r.decode
	return r
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, multiple bool) (results []*gozxing.Result, err error) {
	defer guard.Recover("pdf417", &results, &err)
	// Each decode wipes after itself, as MicroReader's does: the
	// scanner's two Readers (PDF417's and the composite's CC-C one) need
	// no wipe registered, and the wipe clears only what the decode wrote.
	defer r.det.wipe()
	m, err := guard.Matrix("pdf417", image)
	if err != nil {
		return nil, err
	}
	step := 5
	if hint.TryHarder(hints) {
		step = 2
	}
	found, lastErr := r.det.find(m, hints, step, multiple)
	if len(found) == 0 {
		return nil, asReaderError(lastErr)
	}
	for _, d := range found {
		results = append(results, newResult(d))
	}
	return results, nil
}

// asReaderError maps an internal failure to the gozxing exception kinds.
func asReaderError(err error) error {
	switch {
	case err == nil:
		return guard.NotFound
	case errors.Is(err, errUncorrectable):
		return gozxing.NewChecksumException()
	case errors.Is(err, errBadData):
		return gozxing.WrapFormatException(err)
	}
	return gozxing.WrapNotFoundException(err)
}

func newResult(d *decoded) *gozxing.Result {
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
	res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, strconv.Itoa(d.lay.ecLevel))
	res.PutMetadata(gozxing.ResultMetadataType_ORIENTATION, d.v.degrees())
	res.PutMetadata(gozxing.ResultMetadataType_PDF417_EXTRA_METADATA, &Metadata{
		Rows: d.lay.rows, Columns: d.lay.cols, ECLevel: d.lay.ecLevel,
		ErrorsCorrected: d.errors, ErasuresCorrected: d.erasures,
		Compact: d.lay.compact, ReaderInit: d.data.readerInit, Macro: d.data.macro,
		Component: d.data.component,
	})
	return res
}

// find scans the image and decodes candidates in every view until one
// symbol is found, or all of them when multiple is set.
func (d *detector) find(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}, step int, multiple bool) ([]*decoded, error) {
	d.scan(m, hints, step)
	var found []*decoded
	var lastErr error
	for _, rot := range []rotation{rot0, rot180, rot90, rot270} {
		set := &d.sets[rot]
		if len(set.starts) == 0 && len(set.stops) == 0 {
			continue
		}
		v := newView(m, rot)
		got, err := d.decodeView(v, set, step, multiple || len(found) > 0)
		if err != nil {
			lastErr = err
		}
		for _, g := range got {
			if !duplicate(found, g) {
				found = append(found, g)
			}
		}
		if len(found) > 0 && !multiple {
			return found[:1], nil
		}
	}
	return found, lastErr
}

// decodeView pairs start and stop chains of one view into candidates and
// decodes them.
func (d *detector) decodeView(v view, set *scanSet, step int, multiple bool) ([]*decoded, error) {
	minLines := 2 * step
	starts := d.chains(v, set.starts, true, minLines)
	if len(starts) == 0 {
		return nil, nil
	}
	stops := d.chains(v, set.stops, false, minLines)
	sort.Slice(starts, func(i, j int) bool { return starts[i].height() > starts[j].height() })
	var out []*decoded
	var lastErr error
	for _, s := range starts {
		c := &candidate{v: v, start: s, stop: pairStop(s, stops)}
		got, err := d.decodeCandidate(c)
		if err != nil && c.stop != nil {
			c.stop = nil
			got, err = d.decodeCandidate(c)
		}
		if err != nil {
			lastErr = err
			continue
		}
		out = append(out, got)
		if !multiple {
			break
		}
	}
	return out, lastErr
}

// pairStop returns the stop chain that closes the symbol whose start chain
// is s: to its right, beside it for most of its height, with a similar
// module width.
func pairStop(s *chain, stops []*chain) *chain {
	var best *chain
	bestDist := 0.0
	for _, t := range stops {
		lo := max(s.top(), t.top())
		hi := min(s.bottom(), t.bottom())
		if hi-lo < min(s.height(), t.height())/2 {
			continue
		}
		ratio := t.module / s.module
		if ratio < 0.5 || ratio > 2 {
			continue
		}
		mid := float64(lo+hi) / 2
		dist := t.innerAt(mid) - s.innerAt(mid)
		if dist < 2*modulesPerCodeword*s.module {
			continue
		}
		if best == nil || dist < bestDist {
			best, bestDist = t, dist
		}
	}
	return best
}

// duplicate reports whether d is a symbol already found: same text, centre
// inside the other's bounds.
func duplicate(found []*decoded, d *decoded) bool {
	cx, cy := d.center()
	for _, f := range found {
		if f.data.text != d.data.text {
			continue
		}
		fx, fy := f.center()
		if math.Hypot(cx-fx, cy-fy) < f.size()/2 {
			return true
		}
	}
	return false
}

// center returns the symbol's centre in image coordinates.
func (d *decoded) center() (float64, float64) {
	var sx, sy float64
	for _, p := range d.corners {
		x, y := d.v.toImage(p.x, p.y)
		sx += x
		sy += y
	}
	return sx / 4, sy / 4
}

// size returns the length of the symbol's shorter diagonal.
func (d *decoded) size() float64 {
	c := d.corners
	return math.Min(math.Hypot(c[2].x-c[0].x, c[2].y-c[0].y), math.Hypot(c[3].x-c[1].x, c[3].y-c[1].y))
}
