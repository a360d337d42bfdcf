// Package datamatrix reads Data Matrix ECC 200 symbols (ISO/IEC 16022,
// with the rectangular extension of ISO/IEC 21471) from binarized images,
// as a gozxing.Reader.
//
// The detector finds symbols anywhere in the image, at any angle and in
// perspective. It follows the outer boundary of dark regions met along scan
// rows and simplifies it into a polygon; two long sides meeting at a convex
// corner are a candidate for the finder's L. The L's bars are fitted to the
// boundary and walked to their ends (nearly solid all the way, as a
// symbol's are), the two timing patterns are traced from there with probes
// that come in from outside (so that timing modules cut off from the rest
// do not matter), and the four edges give the corners. The symbol size,
// square, rectangular or DMRE, is the one whose finder, timing and
// alignment patterns the image matches best (the timing patterns alone
// tell a symbol from a bar or a box). The grid is then
// aligned on the fixed pattern and refined on the module boundaries seen
// all over the symbol, sampled through the projective map of the corners,
// and decoded with gozxing's Data Matrix codeword decoder and Reed-Solomon
// correction. With TRY_HARDER mirror images are read too.
package datamatrix

import (
	"errors"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix/decoder"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// Reader decodes Data Matrix symbols. It keeps scratch buffers, so a Reader
// must not be used by two goroutines at once.
type Reader struct {
	// The adapter's Decode decodes the first symbol found in image. It honours
	// gozxing.DecodeHintType_TRY_HARDER: denser scanning, and mirror images;
	// hint.Regions: symbols are looked for from those regions only; and
	// hint.DottedModules: when nothing is found, the search again with
	// the dots of dot-peened or ink-jet modules joined.
	guard.Adapter
	det detector
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Reader.
func NewReader() *Reader {
	r := &Reader{det: detector{dec: decoder.NewDecoder()}}
	r.Find = r.decode
	return r
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, multiple bool) (results []*gozxing.Result, err error) {
	defer guard.Recover("datamatrix", &results, &err)
	m, err := guard.Matrix("datamatrix", image)
	if err != nil {
		return nil, err
	}
	harder := hint.TryHarder(hints)
	p := scanParams{rowStep: 6, multiple: multiple, harder: harder, within: hint.RegionsOf(hints)}
	p.rows, _ = hints[hint.Rows].(*bitrow.SharedRows)
	if harder {
		p.rowStep = 3
	}
	found := r.det.find(m, p)
	if len(found) == 0 && hint.Dotted(hints) {
		// Dotted (DPM) symbols: modules of round dots that do not touch
		// read once the dots are joined.
		for _, radius := range []int{1, 2} {
			closed := closeDots(m, radius)
			found = r.det.find(closed, p)
			closed.Clear() // a copy of the image
			if len(found) > 0 {
				break
			}
		}
	}
	if len(found) == 0 {
		return nil, asReaderError(r.det.lastErr)
	}
	for _, f := range found {
		results = append(results, newResult(f))
	}
	return results, nil
}

// asReaderError maps an internal failure to the gozxing exception kinds.
func asReaderError(err error) error {
	var re gozxing.ReaderException
	switch {
	case err == nil || errors.Is(err, errNotFound):
		return guard.NotFound
	case errors.As(err, &re):
		return err
	}
	return gozxing.WrapFormatException(err)
}

func newResult(d *decoded) *gozxing.Result {
	c := d.o.corners() // top-left, top-right, bottom-right, bottom-left
	pts := []gozxing.ResultPoint{
		gozxing.NewResultPoint(c[0].x, c[0].y),
		gozxing.NewResultPoint(c[3].x, c[3].y),
		gozxing.NewResultPoint(c[2].x, c[2].y),
		gozxing.NewResultPoint(c[1].x, c[1].y),
	}
	dr := d.result
	seq, fileID, ok := structuredAppend(dr.GetRawBytes())
	if ok {
		// The data after the structured append block, decoded alone:
		// the codec would read the block's bytes as data.
		if rest, err := decoder.DecodedBitStreamParser_decode(dr.GetRawBytes()[4:]); err == nil {
			dr = rest
		} else {
			ok = false
		}
	}
	res := gozxing.NewResult(dr.GetText(), d.result.GetRawBytes(), pts, gozxing.BarcodeFormat_DATA_MATRIX)
	if segs := dr.GetByteSegments(); len(segs) > 0 {
		res.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, segs)
	}
	if ok {
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE, seq)
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY, fileID)
	}
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]d"+strconv.Itoa(dr.GetSymbologyModifier()))
	return res
}

// structuredAppend reads the structured append block that opens a
// symbol's data codewords (ISO/IEC 16022 §5.6): codeword 233, the symbol
// sequence indicator (its position m−1 in the upper four bits, 17−n for n
// symbols in the lower), and two file identification codewords (1 to 254
// each). It returns the position and count as QR Code's metadata has
// them (position<<4 | count−1) and the file identification.
func structuredAppend(raw []byte) (seq, fileID int, ok bool) {
	if len(raw) < 4 || raw[0] != 233 {
		return 0, 0, false
	}
	pos, count := int(raw[1]>>4), 17-int(raw[1]&0x0f)
	if count < 2 || count > 16 || pos >= count || raw[2] == 0 || raw[2] == 255 || raw[3] == 0 || raw[3] == 255 {
		return 0, 0, false
	}
	return pos<<4 | (count - 1), int(raw[2])<<8 | int(raw[3]), true
}
