package scanner

import (
	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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
	rows       bitrow.Rows
	runs       []int
}

func newQRMultiReader() *qrMultiReader { return &qrMultiReader{dec: qrdecoder.NewDecoder()} }

// DecodeMultiple returns the symbols read, with the metadata gozxing's
// single-symbol QR Code reader gives.
func (r *qrMultiReader) DecodeMultiple(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	m, err := bm.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	infos, centers, err := r.findMulti(m, hints)
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

// findMulti is what multidetector's DetectMulti does to find finder
// triples, returning as well the candidate centres its finder kept, the
// finder's row scan done on the rows' runs (findCenters).
func (r *qrMultiReader) findMulti(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) ([]*qrdetector.FinderPatternInfo, []*qrdetector.FinderPattern, error) {
	callback, _ := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)
	view := new(gozxing.BitMatrix)
	*view = *m // the finder's image: m's own bits
	finder := multidetector.NewMultiFinderPatternFinder(view, callback)
	r.findCenters(finder.FinderPatternFinder, m, hints)
	// FindMulti scans the rows of its image for centres, then picks the
	// triples among all it holds. Given an image without rows, it picks
	// them among those findCenters gave it.
	*view = gozxing.BitMatrix{}
	infos, err := finder.FindMulti(hints)
	return infos, finder.GetPossibleCenters(), err
}

// findCenters offers finder, whose image holds m's bits, the candidate
// centres FindMulti's row scan would, in the same order: on every
// skip-th row, each window of five runs that starts and ends dark, ends
// before a light pixel or at the row's end, and fits 1:1:3:1:1 as
// FinderPatternFinder_foundPatternCross tells. A window the finder
// confirms ends the scan's count of runs there: the next window starts
// at the first dark run after the light run that follows. FindMulti
// tests a row a pixel at a time (a call a pixel); this reads the runs
// measured once a row for every reader of the rows.
func (r *qrMultiReader) findCenters(finder *qrdetector.FinderPatternFinder, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) {
	h := m.GetHeight()
	skip := max(3*h/(4*qrdetector.FinderPatternFinder_MAX_MODULES), qrdetector.FinderPatternFinder_MIN_SKIP)
	if _, harder := hints[gozxing.DecodeHintType_TRY_HARDER]; harder {
		skip = qrdetector.FinderPatternFinder_MIN_SKIP
	}
	r.rows.Of(m, hints)
	var counts [5]int
	for y := skip - 1; y < h; y += skip {
		var l []int
		l, r.runs = r.rows.Lengths(y, r.runs)
		// Dark runs lie at odd indexes; x is where run s starts.
		x := l[0]
		for s := 1; s+4 < len(l); {
			run := l[s : s+5 : s+5]
			if mayCross(run) {
				copy(counts[:], run)
				end := x + run[0] + run[1] + run[2] + run[3] + run[4]
				if qrdetector.FinderPatternFinder_foundPatternCross(counts[:]) && finder.HandlePossibleCenter(counts[:], y, end) {
					if s+5 < len(l) {
						x = end + l[s+5]
					}
					s += 6
					continue
				}
			}
			x += run[0] + run[1]
			s += 2
		}
	}
	r.rows.Done()
}

// mayCross reports whether five runs may fit 1:1:3:1:1 as
// FinderPatternFinder_foundPatternCross tells (|total/7 - run| below
// total/14 for the outer runs), refusing in whole numbers, with a run's
// width to spare, only windows it refuses: most windows of a row fail
// their first run.
func mayCross(run []int) bool {
	t := run[0] + run[1] + run[2] + run[3] + run[4]
	for _, i := range [4]int{0, 1, 3, 4} {
		if d := 7*run[i] - t; 2*max(d, -d) > t+14 {
			return false
		}
	}
	return true
}
