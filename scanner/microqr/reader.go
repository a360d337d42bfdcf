// Package microqr reads Micro QR Code symbols (ISO/IEC 18004:2015, versions
// M1 to M4) for scannerd. It finds the single finder pattern, fits its
// corners, picks the orientation whose timing patterns and quiet zone fit,
// reads the format information, refines the grid along the timing
// patterns (seen at an angle, fits it to the symbol's four edges),
// corrects errors with Reed–Solomon over GF(256) and decodes numeric,
// alphanumeric, byte and kanji data.
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
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
)

// Reader decodes Micro QR symbols. Use NewReader; a Reader keeps scratch
// buffers and must not be shared between goroutines.
type Reader struct {
	// The adapter's Decode finds and decodes a Micro QR symbol. TRY_HARDER scans every row
	// and also tries mirrored symbols.
	guard.Adapter
	rs      *reedsolomon.ReedSolomonDecoder
	finders qrfinder.Scanner
	grid    moduleGrid
	cw      []byte
	ints    []int
	pts     []correspondence
	side    [][2]float64
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Micro QR reader.
func NewReader() *Reader {
	r := &Reader{rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)}
	r.Find = r.decode
	return r
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) (out []*gozxing.Result, err error) {
	defer guard.Recover("microqr", &out, &err)
	bm, err := guard.Matrix("microqr", image)
	if err != nil {
		return nil, err
	}
	tryHarder := hint.TryHarder(hints)
	return r.finders.Each(bm, hints, tryHarder, all, func(f qrfinder.Finder) (*gozxing.Result, error) {
		return r.decodeFinder(bm, f, hints, tryHarder)
	})
}
