// Package microqr reads Micro QR Code symbols (ISO/IEC 18004:2015, versions
// M1 to M4) for scannerd. It finds the single finder pattern, fits its
// corners, picks the orientation whose timing patterns and quiet zone fit,
// reads the format information, refines the grid along the timing
// patterns, corrects errors with Reed–Solomon over GF(256) and decodes
// numeric, alphanumeric, byte and kanji data.
//
// The Reader implements gozxing.Reader; one Reader serves one goroutine.
// A QR Code's finder patterns are not Micro QR symbols: the timing pattern,
// quiet zone, format information and error correction must all agree.
package microqr

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// Reader decodes Micro QR symbols. Use NewReader; a Reader keeps scratch
// buffers and must not be shared between goroutines.
type Reader struct {
	rs      *reedsolomon.ReedSolomonDecoder
	row     *gozxing.BitArray
	runs    []int
	finders []finder
	grid    moduleGrid
	cw      []byte
	ints    []int
	pts     []correspondence
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Micro QR reader.
func NewReader() *Reader {
	return &Reader{rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)}
}

// DecodeWithoutHints decodes the first Micro QR symbol found.
func (r *Reader) DecodeWithoutHints(image *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return r.Decode(image, nil)
}

// Reset does nothing: a Reader keeps no state between images besides
// scratch space.
func (r *Reader) Reset() {}

// Decode finds and decodes a Micro QR symbol. TRY_HARDER scans every row
// and also tries mirrored symbols.
func (r *Reader) Decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	res, err := r.decode(image, hints, false)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// DecodeMultiple returns every distinct Micro QR symbol in the image.
func (r *Reader) DecodeMultiple(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	return r.decode(image, hints, true)
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) (out []*gozxing.Result, err error) {
	defer guard.Recover("microqr", &out, &err)
	bm, err := guard.Matrix("microqr", image)
	if err != nil {
		return nil, err
	}
	tryHarder := hint.TryHarder(hints)
	step := 2
	if tryHarder {
		step = 1
	}
	lastErr := error(gozxing.NewNotFoundException())
	for _, f := range r.findFinders(bm, step) {
		res, err := r.decodeFinder(bm, f, tryHarder)
		if err != nil {
			lastErr = err
			continue
		}
		if !all {
			return []*gozxing.Result{res}, nil
		}
		if !duplicate(out, res) {
			out = append(out, res)
		}
	}
	if len(out) == 0 {
		return nil, lastErr
	}
	return out, nil
}

// duplicate reports whether a result repeats one already found: the same
// text with its first corner inside the other's outline.
func duplicate(have []*gozxing.Result, res *gozxing.Result) bool {
	p := res.GetResultPoints()[0]
	for _, h := range have {
		if h.GetText() != res.GetText() {
			continue
		}
		q := h.GetResultPoints()
		minX, maxX, minY, maxY := q[0].GetX(), q[0].GetX(), q[0].GetY(), q[0].GetY()
		for _, c := range q[1:] {
			minX, maxX = min(minX, c.GetX()), max(maxX, c.GetX())
			minY, maxY = min(minY, c.GetY()), max(maxY, c.GetY())
		}
		if p.GetX() >= minX && p.GetX() <= maxX && p.GetY() >= minY && p.GetY() <= maxY {
			return true
		}
	}
	return false
}
