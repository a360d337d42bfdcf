// Package qrcenters runs gozxing's QR Code finder pattern searches
// (FinderPatternFinder.Find, MultiFinderPatternFinder.FindMulti) on the
// runs of a binarized image's rows. Their own row scans test a row a
// pixel at a time, a call a pixel; here the runs of each row, measured
// once for every reader of the rows (bitrow), give gozxing's finder the
// same candidate centres in the same order, and gozxing's own code
// confirms them and picks the patterns from them.
package qrcenters

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// Scanner runs the searches, keeping its scratch space between images;
// one Scanner serves one goroutine.
type Scanner struct {
	rows bitrow.Rows
	runs []int
}

// FindMulti returns what gozxing's MultiFinderPatternFinder.FindMulti
// returns for m and hints, and the candidate centres the finder kept.
// The rows are those hints share (hint.Rows) when they are of m.
func (s *Scanner) FindMulti(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) ([]*detector.FinderPatternInfo, []*detector.FinderPattern, error) {
	callback, _ := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)
	view := new(gozxing.BitMatrix)
	*view = *m // the finder's image: m's own bits
	finder := multidetector.NewMultiFinderPatternFinder(view, callback)
	s.scan(finder.FinderPatternFinder, m, hints, false)
	// FindMulti scans the rows of its image for centres, then picks the
	// triples among all the finder holds: given an image without rows,
	// it picks them among those the scan gave it.
	*view = gozxing.BitMatrix{}
	infos, err := finder.FindMulti(hints)
	return infos, finder.GetPossibleCenters(), err
}

// Detect returns what gozxing's Detector.Detect returns for m and hints,
// its finder's search done on the rows' runs.
func (s *Scanner) Detect(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (*common.DetectorResult, error) {
	if _, ok := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK]; ok {
		// The detector would tell the callback of the alignment pattern
		// too, and takes it from Detect's hints alone.
		return detector.NewDetector(m).Detect(hints)
	}
	info, _, err := s.find(m, hints)
	if err != nil {
		return nil, err
	}
	return detector.NewDetector(m).ProcessFinderPatternInfo(info)
}

// find returns what gozxing's FinderPatternFinder.Find returns for m and
// hints, and the candidate centres the finder kept.
func (s *Scanner) find(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (*detector.FinderPatternInfo, []*detector.FinderPattern, error) {
	callback, _ := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)
	view := new(gozxing.BitMatrix)
	*view = *m
	finder := detector.NewFinderPatternFinder(view, callback)
	s.scan(finder, m, hints, true)
	*view = gozxing.BitMatrix{} // Find picks the best three as FindMulti its triples
	info, err := finder.Find(hints)
	if err != nil {
		return nil, finder.GetPossibleCenters(), err
	}
	return info, finder.GetPossibleCenters(), nil
}

// scan offers finder, whose image holds m's bits, the candidate centres
// the row scan of Find (single) or FindMulti would, in the same order.
// Both look at every skip-th row, at each window of five runs that
// starts and ends dark, ends before a light pixel or at the row's end,
// and fits 1:1:3:1:1 as FinderPatternFinder_foundPatternCross tells. A
// window the finder confirms ends the scan's count of runs there: the
// next window starts at the first dark run after the light run that
// follows.
//
// Find, once a centre is confirmed, looks at every other row (or, for
// one confirmed at a row's end, rows as far apart as the window's first
// run is long). Until two centres are confirmed twice each, a centre
// confirmed within a row may skip rows down to where the third finder
// of a symbol could lie (FindRowSkip); once they are, each centre
// confirmed asks whether the finder holds enough alike
// (HaveMultiplyConfirmedCenters), and the search stops at the end of a
// row after which the last such answer was yes.
func (s *Scanner) scan(finder *detector.FinderPatternFinder, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}, single bool) {
	h := m.GetHeight()
	skip := max(3*h/(4*detector.FinderPatternFinder_MAX_MODULES), detector.FinderPatternFinder_MIN_SKIP)
	if _, harder := hints[gozxing.DecodeHintType_TRY_HARDER]; harder {
		skip = detector.FinderPatternFinder_MIN_SKIP
	}
	s.rows.Of(m, hints)
	var counts [5]int
	skipped, done := false, false
	for y := skip - 1; y < h && !done; y += skip {
		var l []int
		l, s.runs = s.rows.Lengths(y, s.runs)
		// Dark runs lie at odd indexes; x is where run i starts.
		x := l[0]
	row:
		for i := 1; i+4 < len(l); {
			run := l[i : i+5 : i+5]
			t := run[0] + run[1] + run[2] + run[3] + run[4]
			if mayCross(run[0], t) && mayCross(run[1], t) && mayCross(run[3], t) && mayCross(run[4], t) {
				copy(counts[:], run)
				end := x + t
				if detector.FinderPatternFinder_foundPatternCross(counts[:]) && finder.HandlePossibleCenter(counts[:], y, end) {
					if single {
						atEnd := i+5 == len(l)
						skip = 2
						if atEnd {
							skip = counts[0]
						}
						switch {
						case skipped:
							done = finder.HaveMultiplyConfirmedCenters()
						case !atEnd:
							rowSkip := finder.FindRowSkip()
							skipped = confirmedTwice(finder)
							if rowSkip > counts[2] {
								y += rowSkip - counts[2] - skip
								break row
							}
						}
					}
					if i+5 < len(l) {
						x = end + l[i+5]
					}
					i += 6
					continue
				}
			}
			x += run[0] + run[1]
			i += 2
		}
	}
	s.rows.Done()
}

// confirmedTwice reports whether two of the finder's centres are
// confirmed as often as Find asks (CENTER_QUORUM): what FindRowSkip
// finds before it lets Find skip rows, and remembers from then on.
func confirmedTwice(finder *detector.FinderPatternFinder) bool {
	n := 0
	for _, c := range finder.GetPossibleCenters() {
		if c.GetCount() >= detector.FinderPatternFinder_CENTER_QUORUM {
			n++
		}
	}
	return n >= 2
}

// mayCross reports whether an outer run r of a window of t pixels may
// fit 1:1:3:1:1 as FinderPatternFinder_foundPatternCross tells
// (|t/7 - r| below t/14), refusing in whole numbers, with a pixel to
// spare, only runs it refuses: most windows of a row fail their first
// run.
func mayCross(r, t int) bool {
	d := 7*r - t
	return 2*max(d, -d) <= t+14
}
