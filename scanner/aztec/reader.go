// Package aztec reads Aztec Code symbols (ISO/IEC 24778), compact and
// full-range, from binarized images, as a gozxing.Reader.
//
// The detector scans rows for the bull's-eye's run pattern anywhere in the
// image, casts rays from each candidate centre to the ring boundaries,
// fits them into the projective map from module coordinates to the image
// (so rotation and perspective do not matter), takes the orientation from
// the marks on the mode message ring, and corrects the mode message. Reader
// initialization symbols, whose mode message sets the top bit of the
// codeword count, are read too. The sampled symbol is decoded with
// gozxing's Aztec decoder (Reed-Solomon correction and the text modes).
package aztec

import (
	"errors"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// Metadata describes a decoded symbol beyond its text. A Result carries it
// under gozxing.ResultMetadataType_OTHER.
type Metadata struct {
	Compact    bool // compact rather than full-range
	Layers     int  // data layers
	Codewords  int  // data codewords
	ReaderInit bool // the symbol programs the reader
}

// Reader decodes Aztec symbols. It keeps scratch buffers, so a Reader must
// not be used by two goroutines at once.
type Reader struct {
	// The adapter's Decode decodes the first symbol found in image. It honours
	// gozxing.DecodeHintType_TRY_HARDER (every other row is scanned for the
	// bull's-eye instead of every third).
	guard.Adapter
	det detector
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Reader.
func NewReader() *Reader {
	r := &Reader{det: detector{
		rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_AZTEC_PARAM),
	}}
	r.Find = r.decode
	return r
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, multiple bool) (results []*gozxing.Result, err error) {
	defer guard.Recover("aztec", &results, &err)
	m, err := guard.Matrix("aztec", image)
	if err != nil {
		return nil, err
	}
	step, budget := 3, maxChecks
	if hint.TryHarder(hints) {
		step, budget = 2, 4*maxChecks
	}
	d := &r.det
	d.lastErr = errNotFound
	rows, _ := hints[hint.Rows].(*bitrow.SharedRows)
	d.img.load(m, rows)
	// What the call kept of the image is cleared before it returns, not
	// when the engine is done with the frame: the reader is called for
	// every pass and crop, and clearing the scratch as far as one call
	// wrote it costs less than the writing did.
	defer d.wipe()
	for _, c := range d.findCentres(step, budget) {
		f := d.read(c)
		if f == nil {
			continue
		}
		results = append(results, newResult(f))
		if !multiple {
			break
		}
	}
	if len(results) == 0 {
		return nil, asReaderError(d.lastErr)
	}
	return results, nil
}

// maxChecks bounds the row hits checked for a bull's-eye per image (four
// times as many with TRY_HARDER): a real image makes a few dozen, noise
// binarized at random tens of thousands.
const maxChecks = 400

// asReaderError maps an internal failure to the gozxing exception kinds.
func asReaderError(err error) error {
	var re gozxing.ReaderException
	switch {
	case err == nil || errors.Is(err, errNotFound):
		return guard.NotFound
	case errors.Is(err, errMode):
		return gozxing.WrapNotFoundException(err)
	case errors.As(err, &re):
		return err
	}
	return gozxing.WrapFormatException(err)
}

func newResult(f *decoded) *gozxing.Result {
	c := f.corners // top-left, top-right, bottom-right, bottom-left
	pts := []gozxing.ResultPoint{
		gozxing.NewResultPoint(c[0].x, c[0].y),
		gozxing.NewResultPoint(c[3].x, c[3].y),
		gozxing.NewResultPoint(c[2].x, c[2].y),
		gozxing.NewResultPoint(c[1].x, c[1].y),
	}
	dr := f.result
	res := gozxing.NewResultWithNumBits(dr.GetText(), dr.GetRawBytes(), dr.GetNumBits(), pts, gozxing.BarcodeFormat_AZTEC, 0)
	if segs := dr.GetByteSegments(); len(segs) > 0 {
		res.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, segs)
	}
	if ec := dr.GetECLevel(); ec != "" {
		res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, ec)
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]z"+strconv.Itoa(dr.GetSymbologyModifier()))
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, &Metadata{
		Compact: f.mode.compact, Layers: f.mode.layers, Codewords: f.mode.words, ReaderInit: f.mode.readerInit,
	})
	return res
}
