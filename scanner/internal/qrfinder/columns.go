package qrfinder

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// FindColumns is Find down every step-th column (read from the columns
// hints share, hint.Columns, when they are of bm), for a symbol smeared
// along its rows, as by a scanner or a camera moving sideways: over a
// module and more, a finder's light ring closes beside its centre on the
// rows through it, which then show one dark run where 1:1:3:1:1 should
// be, while its columns keep the pattern. A finder found so whose row
// through the centre does not show the pattern has its centre halfway
// between the outermost columns that do. The result is valid until the
// next call.
func (r *Scanner) FindColumns(bm *gozxing.BitMatrix, step int, hints map[gozxing.DecodeHintType]interface{}) []Finder {
	w, h := bm.GetWidth(), bm.GetHeight()
	r.finders = r.finders[:0]
	r.reach = 0
	written := r.cols.Written
	cols := r.cols.OfShared(bm, hints)
	r.runs = scrub.Room(r.runs, h+1) // a column's lengths
	for x := step / 2; x < w; x += step {
		r.runs = bitrow.Lengths(cols[x], h, r.runs)
		r.measured = max(r.measured, len(r.runs))
		r.scanLine(bm, r.runs, x, true)
	}
	if r.cols.Written != written {
		r.cols.Wipe() // made here, not shared: a copy of the image
	}
	r.keepBest()
	return r.finders
}

// smearedMiddle returns the middle of the columns, next to column cx,
// on which the finder centred on row y shows 1:1:3:1:1 down through y:
// those of its dark 3x3 centre, which a smear along the rows leaves in
// place (it widens the centre's dark as much either side). False where
// they do not span between one and a half and four and a half modules.
func smearedMiddle(bm *gozxing.BitMatrix, cx, y, unit float64) (float64, bool) {
	across := func(x float64) bool {
		_, _, _, ok := crossFinder(bm, x, y, 0, 1, unit)
		return ok
	}
	// Each way until a column does not cross it so, or the columns
	// that do are one too many: rows of stripes, as of a stacked
	// symbol, cross so down every column.
	most := math.Floor(4.5 * unit)
	lo, hi := cx, cx
	for lo-1 >= 0 && hi-lo+1 <= most && across(lo-1) {
		lo--
	}
	for hi-lo+1 <= most && across(hi+1) {
		hi++
	}
	if span := hi - lo + 1; span < 1.5*unit || span > most {
		return 0, false
	}
	return (lo+hi)/2 + 0.5, true
}
