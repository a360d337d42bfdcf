package scanner

import (
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

// DecodeFrame decodes f with a fresh decoder.
func DecodeFrame(f *Frame, opts Options) []Result {
	res, _ := NewDecoder().Decode(f, opts)
	return res
}
