package scanner

import (
	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/scannerd/scannerd/scanner/internal/qrcenters"
	"github.com/scannerd/scannerd/scanner/qrlocate"
)

// qrMultiReader reads every QR Code symbol gozxing's multi detector finds,
// each as a result of its own. (gozxing's QRCodeMultiReader merges all the
// structured append symbols it reads into one result without corners,
// whether or not they are of one set and the set is whole; joinSequences
// does that with the sets' identities checked.)
type qrMultiReader struct {
	dec *qrdecoder.Decoder
	// candidates is how many possible finder patterns the last search
	// kept, confirmed or not.
	candidates int
	centers    qrcenters.Scanner
}

func newQRMultiReader() *qrMultiReader { return &qrMultiReader{dec: qrdecoder.NewDecoder()} }

// DecodeMultiple returns the symbols read, with the metadata gozxing's
// single-symbol QR Code reader gives.
func (r *qrMultiReader) DecodeMultiple(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	m, err := bm.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	// What multidetector's DetectMulti does, keeping count of the
	// candidates its finder saw.
	infos, centers, err := r.centers.FindMulti(m, hints)
	r.candidates = len(centers)
	if err != nil {
		return nil, err
	}
	detector := qrdetector.NewDetector(m)
	var out []*gozxing.Result
	for _, info := range infos {
		det, err := detector.ProcessFinderPatternInfo(info)
		if err != nil {
			continue
		}
		dr, err := r.dec.Decode(det.GetBits(), hints)
		if err != nil {
			continue
		}
		res := qrlocate.NewResult(dr, det.GetPoints())
		out = append(out, res)
	}
	return out, nil
}
