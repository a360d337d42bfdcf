// Package databar reads GS1 DataBar Expanded and DataBar Expanded Stacked
// symbols (ISO/IEC 24724) as a gozxing.Reader, and DataBar
// Omnidirectional and Limited symbols along one line of run widths
// (OmniAt, LimitedAt) for the linear reader.
//
// The reader scans image rows for finder patterns, reads the characters
// beside each, and assembles symbols from the pairs by finder identity, so
// stacked rows may be found in any order and read in either direction
// (a symbol upside down reads too; one turned 90° needs the image turned).
// Characters read on several lines are voted on, and a symbol is only
// assembled from settled votes, which keeps misreads away in noise.
//
// A result's text is the GS1 element string in human readable form, e.g.
// "(01)90012345678908(3103)001750", as ZXing prints it; its raw bytes are
// the element string as a scanner transmits it after the symbology
// identifier "]e0" (FNC1 as GS, 0x1D), which goes in the
// SYMBOLOGY_IDENTIFIER metadata. The four corner points follow the
// symbol's reading direction: top-left, bottom-left, bottom-right,
// top-right.
package databar

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Info is stored under gozxing.ResultMetadataType_OTHER. Linked is the
// symbol's linkage flag, the first bit of its data: set when a GS1
// Composite 2D component is printed above it.
type Info struct{ Linked bool }

// Reader decodes DataBar Expanded (single-row and stacked) symbols. It
// keeps scratch buffers, so one Reader serves one goroutine at a time.
type Reader struct {
	rows     rowScanner
	obs      []pairObs
	clusters []*cluster
	// made holds every cluster the last search started, those a merge
	// retired too: what it read of the symbols, which Wipe (or the next
	// search) clears.
	made    []*cluster
	scanned []bool
	// scannedHeld is the height of the tallest image searched since the
	// last Wipe, within which the lines scanned (where the searches
	// looked) lie: Wipe clears them that far, not to the capacity a
	// taller image left before.
	scannedHeld int
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Reader.
func NewReader() *Reader { return &Reader{} }

// Wipe zeroes what the Reader keeps from the images it read since the
// last Wipe: the binarized rows and their runs, the pairs read on a line
// (finders, characters and where they lie), the clusters' character
// votes and extents, and the lines scanned.
func (r *Reader) Wipe() {
	for _, row := range []*gozxing.BitArray{r.rows.row, r.rows.above, r.rows.below} {
		if row != nil {
			row.Clear()
		}
	}
	clear(r.rows.runs[:cap(r.rows.runs)])
	clear(r.rows.pos[:cap(r.rows.pos)])
	clear(scrub.UpTo(r.obs, r.rows.pairsHeld))
	r.obs, r.rows.pairsHeld = r.obs[:0], 0
	r.wipeClusters()
	clear(scrub.UpTo(r.scanned, r.scannedHeld))
	r.scanned, r.scannedHeld = r.scanned[:0], 0
}

// wipeClusters zeroes the clusters the last search made, their votes to
// their arrays' capacity, and lets them go: the clusters' array holds
// no more of them than were made (its entries past those were nil
// before).
func (r *Reader) wipeClusters() {
	for _, c := range r.made {
		for f := range c.votes {
			for _, vs := range c.votes[f] {
				clear(vs[:cap(vs)])
			}
		}
		*c = cluster{}
	}
	clear(scrub.UpTo(r.clusters, len(r.made)))
	clear(r.made)
	r.clusters, r.made = r.clusters[:0], r.made[:0]
}

// DecodeWithoutHints decodes with default effort.
func (r *Reader) DecodeWithoutHints(image *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return r.Decode(image, nil)
}

// Decode returns the first symbol found. DecodeHintType_TRY_HARDER buys
// more scan lines and more exploration around candidates; PURE_BARCODE
// needs nothing special, the search covers that case at once.
func (r *Reader) Decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	results, err := r.search(image, nil, hints, false)
	if err != nil {
		return nil, err
	}
	return results[0], nil
}

// DecodeMultiple returns every distinct symbol found in the image.
func (r *Reader) DecodeMultiple(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	return r.search(image, nil, hints, true)
}

// DecodeMultipleLines is DecodeMultiple with the rows measured by lines
// on the image's gray levels rather than binarized.
func (r *Reader) DecodeMultipleLines(image *gozxing.BinaryBitmap, lines Lines, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	return r.search(image, lines, hints, true)
}

// Candidates reports whether the last decode found a candidate symbol it
// did not read: finder patterns with the same character beside them on
// two lines, which texture seldom shows.
func (r *Reader) Candidates() bool {
	for _, c := range r.clusters {
		if c.mergedInto == nil && !c.decoded && c.confirmed() {
			return true
		}
	}
	return false
}

// Reset drops the scratch state of the last decode, wiped first: the
// arrays let go hold nothing of it.
func (r *Reader) Reset() {
	r.Wipe()
	*r = Reader{}
}

// search scans the image and returns at least one result or an error.
func (r *Reader) search(image *gozxing.BinaryBitmap, lines Lines, hints map[gozxing.DecodeHintType]interface{}, multiple bool) (res []*gozxing.Result, err error) {
	if image == nil {
		return nil, gozxing.NewNotFoundException("no image")
	}
	defer guard.Recover("databar", &res, &err)
	s := newSearch(r, image, lines, hints)
	var results []*gozxing.Result
	var failure error
	seen := map[string]bool{}
	for _, y := range s.coarseRows() {
		for _, c := range s.scan(y, false) {
			res, err := s.tryCluster(c)
			if err != nil {
				failure = err
				continue
			}
			if res == nil || seen[res.GetText()] {
				continue
			}
			seen[res.GetText()] = true
			results = append(results, res)
			if !multiple {
				return results, nil
			}
		}
	}
	if len(results) > 0 {
		return results, nil
	}
	if failure != nil {
		return nil, failure
	}
	return nil, errNoSymbol
}

// errNoSymbol is search's error where it reads no symbol, made once (see
// guard.NotFound).
var errNoSymbol error = gozxing.NewNotFoundException("no DataBar Expanded symbol")
