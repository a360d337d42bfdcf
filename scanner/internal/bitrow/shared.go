package bitrow

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// SharedColumns holds the columns of one binarized image for every reader
// that searches that image along its columns: Han Xin's finder search and
// the DX film edge reader's quarter-turned clock search each transposed
// the whole image, the same image, one after the other.
//
// Its owner, the engine, binds it to an image (Bind) before the readers
// read the whole of it, and resets it (Reset) whenever that image changes
// (a new pass, or a symbol painted out of it): an image's pointer alone
// does not identify it, as the engine reuses its matrices between passes
// and frames. A reader given another image (a crop) transposes it itself.
// The columns are image data: Wipe clears them. One SharedColumns serves
// one goroutine.
type SharedColumns struct {
	bm   *gozxing.BitMatrix // the image bound; nil: none
	w, h int
	cols Columns
	made [][]uint32 // the columns of bm; nil: not made yet
	used bool       // cols hold an image's columns, since the last Wipe
	// Transposed counts the images transposed, Served the columns
	// given out.
	Transposed, Served int
}

// Reset forgets the image bound and its columns.
func (s *SharedColumns) Reset() {
	s.bm, s.made = nil, nil
}

// Bind makes bm the image whose columns are shared, unless it is already:
// the caller vouches that bm has not changed since it was bound (or Reset
// since).
func (s *SharedColumns) Bind(bm *gozxing.BitMatrix) {
	if s.bm == bm && bm != nil {
		return
	}
	s.Reset()
	s.bm, s.w, s.h = bm, bm.GetWidth(), bm.GetHeight()
}

// Wipe forgets the image bound and zeroes the columns kept.
func (s *SharedColumns) Wipe() {
	s.Reset()
	if s.used {
		s.cols.Wipe()
		s.used = false
	}
}

// of returns the columns of bm, and false when bm is not the image bound;
// made from rows when they are of bm (rows may be nil).
func (s *SharedColumns) of(bm *gozxing.BitMatrix, rows *SharedRows) ([][]uint32, bool) {
	if s == nil || bm == nil || s.bm != bm || bm.GetWidth() != s.w || bm.GetHeight() != s.h {
		return nil, false
	}
	if s.made == nil {
		s.made = s.cols.of(bm, rows)
		s.used = true
		s.Transposed++
	}
	s.Served++
	return s.made, true
}

// OfShared is Of, answered from the columns hints carry (hint.Columns, a
// *SharedColumns) when they are of bm, and made from the rows they carry
// (hint.Rows, a *SharedRows) when those are of bm. Either way the columns are only to
// be read, not changed, and are valid until the next call to Of or
// OfShared (or the owner's next Reset, Bind or Wipe).
func (c *Columns) OfShared(bm *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) [][]uint32 {
	rows, _ := hints[hint.Rows].(*SharedRows)
	if s, ok := hints[hint.Columns].(*SharedColumns); ok {
		if cols, ok := s.of(bm, rows); ok {
			return cols
		}
	}
	return c.of(bm, rows)
}
