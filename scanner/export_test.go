package scanner

import (
	"sync/atomic"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// panickyRow is a row decoder that crashes on every row, standing in for a
// decoder bug.
type panickyRow struct{}

func (panickyRow) DecodeRow(int, *gozxing.BitArray, map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	panic("decoder bug")
}

var _ oned.RowDecoder = panickyRow{}

// WithPanickingDecoder makes every worker's first 1D reader crash.
func WithPanickingDecoder(e *Engine) *Engine {
	e.makeDecoder = func() *decoder {
		d := newDecoder()
		d.rowReaders = append([]rowReader{{dec: panickyRow{}, syms: AllSymbologies()}}, d.rowReaders...)
		return d
	}
	return e
}

// OnStepAside makes fn be called, with the engine's lock held, each time
// a background decode starts waiting for live frames.
func OnStepAside(e *Engine, fn func()) *Engine {
	e.onStepAside = fn
	return e
}

// CountDecoders counts the decoders (sets of readers) the engine's workers
// make into n.
func CountDecoders(e *Engine, n *atomic.Int64) *Engine {
	makeDecoder := e.makeDecoder
	e.makeDecoder = func() *decoder {
		n.Add(1)
		return makeDecoder()
	}
	return e
}

// DecodeFrame decodes f with a fresh decoder.
func DecodeFrame(f *Frame, opts Options) []Result {
	res, _ := NewDecoder().Decode(f, opts)
	return res
}

// StartFilterMisses runs every row decoder that has a start-pattern filter
// on row, and returns the names of those whose filter rejected the row
// although the decoder reads a barcode on it (a read the filter would
// lose), how many filters rejected it, and the symbologies that the
// decoders the filters let through read on it. Decoders that gather
// evidence over rows (DataBar) are given the row as often as they need to
// answer from it alone.
func StartFilterMisses(row *gozxing.BitArray) (lost []Symbology, rejected int, read []Symbology) {
	runs := runLengths(row, nil)
	rev := reverseRuns(runs, nil)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, r := range newRowReaders() {
		if r.start == nil {
			continue
		}
		pass := r.start(runs, rev)
		if !pass {
			rejected++
		}
		var err error
		for range max(1, r.sightings) {
			_, err = r.dec.DecodeRow(0, cloneRow(row), hints)
		}
		if err == nil {
			if pass {
				read = append(read, r.syms.All()...)
			} else {
				lost = append(lost, r.syms.All()...)
			}
		}
	}
	return lost, rejected, read
}

func cloneRow(row *gozxing.BitArray) *gozxing.BitArray {
	c := gozxing.NewBitArray(row.GetSize())
	copy(c.GetBitArray(), row.GetBitArray())
	return c
}

// DecodeUpscaled runs only the upscaled pass over f, with the area readers
// of only (instead of the pass's own), and returns what it read.
func DecodeUpscaled(f *Frame, only SymbologySet) []Result {
	d := newDecoder()
	defer d.scratch.wipe()
	src := newPlaneSource(f, &d.scratch)
	p := d.upscaledPass(src, f.Width, f.Height, func(p Point) Point { return p })
	p.src, p.areaOnly = p.makeSrc(), only
	return d.runPass(p, AllSymbologies(), Options{TryHarder: true}, nil)
}

// MidRangeRows returns the whole buffers of the gray levels and widths of
// the rows d read again at their mid-range black point.
func MidRangeRows(d *Decoder) ([]byte, []int) {
	m := &d.d.midScan
	return m.lum[:cap(m.lum)], m.fwd[:cap(m.fwd)]
}
