// Package rmqr reads rMQR (Rectangular Micro QR Code, ISO/IEC 23941:2022)
// symbols for scannerd: the 32 sizes R7x43 to R17x139 at error correction
// levels M and H. It finds the finder pattern, picks the orientation whose
// separator, timing pattern and quiet zone fit, reads the version
// information beside the finder, follows the timing patterns along the
// top, bottom and left edges to fit the grid, checks every function
// pattern, corrects errors with Reed–Solomon over GF(256) and decodes
// numeric, alphanumeric, byte and kanji data with ECI and FNC1.
//
// The Reader implements gozxing.Reader; one Reader serves one goroutine.
// A QR or Micro QR finder pattern is not an rMQR symbol: the version
// information, the function patterns, the quiet zone and the error
// correction must all agree.
package rmqr

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
)

// Reader decodes rMQR symbols. Use NewReader; a Reader keeps scratch
// buffers and must not be shared between goroutines.
type Reader struct {
	// The adapter's Decode finds and decodes an rMQR symbol. TRY_HARDER scans every row and
	// also tries mirrored symbols.
	guard.Adapter
	rs      *reedsolomon.ReedSolomonDecoder
	finders qrfinder.Scanner
	grid    moduleGrid
	cw      []byte
	ints    []int
	pts     []correspondence
	near    []correspondence
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns an rMQR reader.
func NewReader() *Reader {
	r := &Reader{rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)}
	r.Find = r.decode
	return r
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) (out []*gozxing.Result, err error) {
	defer guard.Recover("rmqr", &out, &err)
	bm, err := guard.Matrix("rmqr", image)
	if err != nil {
		return nil, err
	}
	tryHarder := hint.TryHarder(hints)
	return r.finders.Each(bm, tryHarder, all, func(f qrfinder.Finder) (*gozxing.Result, error) {
		return r.decodeFinder(bm, f, tryHarder)
	})
}

// Info is stored under gozxing.ResultMetadataType_OTHER: the symbol's size
// ("R7x43") and how many codewords were corrected.
type Info struct {
	Version         string
	ErrorsCorrected int
}
