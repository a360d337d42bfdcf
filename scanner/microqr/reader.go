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
	// perspPts are pts and the far patches' points perspective fits
	// the full homography through.
	perspPts []correspondence
	side     [][2]float64
	// held: a finder was read since the last Wipe, leaving its symbol's
	// modules, codewords and points in the arrays above.
	held bool
}

var _ gozxing.Reader = (*Reader)(nil)

// The most entries the scratch arrays take, a largest (M4) symbol's:
// its 192 data modules' codewords; the finder's four corners, five
// timing modules each way and the far edges' modules (traceEdges); a
// fitted edge's samples, every half module (outline). Made that large
// at once, no array is grown and dropped with what it held of a symbol,
// which nothing would clear; correct's scratch, cut from ints, stays
// in ints.
const (
	maxCodewords = 24
	maxPoints    = 4 + 2*5 + 2*16
	maxSide      = 2 * 17
)

// NewReader returns a Micro QR reader.
func NewReader() *Reader {
	r := &Reader{
		rs:   reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256),
		cw:   make([]byte, 0, maxCodewords),
		ints: make([]int, 0, maxCodewords),
		pts:  make([]correspondence, 0, maxPoints),
		// The points and the six far patches perspective measures.
		perspPts: make([]correspondence, 0, maxPoints+6),
		side:     make([][2]float64, 0, maxSide),
	}
	r.Find = r.decode
	return r
}

// Wipe zeroes what the reads since the last Wipe left: the finders
// found and their run lengths, and of every finder read, the modules
// sampled, the codewords (the data, corrected) and the points fitted
// to the image. The scanner calls it after its passes.
func (r *Reader) Wipe() {
	r.finders.Wipe()
	if !r.held {
		return
	}
	r.held = false
	r.grid = moduleGrid{}
	clear(r.cw[:cap(r.cw)])
	clear(r.ints[:cap(r.ints)])
	clear(r.pts[:cap(r.pts)])
	clear(r.perspPts[:cap(r.perspPts)])
	clear(r.side[:cap(r.side)])
	r.cw, r.ints, r.pts, r.perspPts, r.side = r.cw[:0], r.ints[:0], r.pts[:0], r.perspPts[:0], r.side[:0]
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
