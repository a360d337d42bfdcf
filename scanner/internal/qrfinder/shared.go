package qrfinder

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Shared holds the finder searches of one binarized image, at each row
// step, for every reader of the QR family that searches that image: the
// tilted-QR locator, Micro QR and rMQR all look for the same 1:1:3:1:1
// pattern, and each would otherwise scan the image again for it.
//
// Its owner, the engine, binds it to an image (Bind) before the readers
// read the whole of it, and resets it (Reset) whenever that image changes
// (a new pass, or a symbol painted out of it): an image's pointer alone
// does not identify it, as the engine reuses its matrices between passes
// and frames. A reader given another image, a crop or a doubled box,
// searches it itself. One Shared serves one goroutine.
type Shared struct {
	bm    *gozxing.BitMatrix // the image bound; nil: none
	w, h  int
	scans [2]Scanner // at steps 1 and 2
	found [2][]Finder
	done  [2]bool
	// outlines are the corners of the finders outlined in the image
	// bound (see CornersShared), at most maxOutlines; outlined is the
	// most of them kept since the last Wipe, which clears that many.
	outlines []outline
	outlined int
	// Searches counts the searches run, Outlines the finders outlined.
	Searches, Outlines int
}

// outline is a finder's corners, as Corners found them, and the fits of
// its square to them that Orientations made (fitted: a bit a turn).
type outline struct {
	f       Finder
	corners [4][2]float64
	ok      bool
	fitted  uint8
	fits    [turns]geom.Homography
	fitOK   [turns]bool
}

// outlineOf returns the outline kept of finder f in bm, when bm is the
// image bound and the outline's corners are these; else nil.
func (s *Shared) outlineOf(bm *gozxing.BitMatrix, f Finder, corners [4][2]float64) *outline {
	if !s.bound(bm) {
		return nil
	}
	for i := range s.outlines {
		if o := &s.outlines[i]; o.f == f {
			if o.ok && o.corners == corners {
				return o
			}
			return nil
		}
	}
	return nil
}

// maxOutlines bounds the outlines kept: every finder of both searches.
const maxOutlines = 2 * maxFinders

// Reset forgets the image bound and what was found in it.
func (s *Shared) Reset() {
	s.bm = nil
	s.done = [2]bool{}
	s.outlines = s.outlines[:0]
}

// Wipe forgets the image bound, as Reset does, and zeroes what the
// searches since the last Wipe found in the images bound: the finders,
// their outlines and fits, and the searches' run lengths. Reset alone
// keeps them for the next image's searches to write over, which a
// privacy wipe cannot wait for. The counts stay.
func (s *Shared) Wipe() {
	for i := range s.scans {
		s.scans[i].Wipe()
	}
	clear(scrub.UpTo(s.outlines, s.outlined))
	s.outlined = 0
	s.found = [2][]Finder{} // the scans' arrays, cleared above
	s.Reset()
}

// Bind makes bm the image the searches are of, unless it is already: the
// caller vouches that bm has not changed since it was bound (or Reset
// since).
func (s *Shared) Bind(bm *gozxing.BitMatrix) {
	if s.bm == bm && bm != nil {
		return
	}
	s.Reset()
	s.bm, s.w, s.h = bm, bm.GetWidth(), bm.GetHeight()
}

// bound reports whether bm is the image bound.
func (s *Shared) bound(bm *gozxing.BitMatrix) bool {
	return s != nil && bm != nil && s.bm == bm && bm.GetWidth() == s.w && bm.GetHeight() == s.h
}

// find returns the finders of bm at step, and false when bm is not the
// image bound or step is neither 1 nor 2.
func (s *Shared) find(bm *gozxing.BitMatrix, step int, rows *bitrow.SharedRows) ([]Finder, bool) {
	if !s.bound(bm) || step < 1 || step > 2 {
		return nil, false
	}
	i := step - 1
	if !s.done[i] {
		s.found[i] = s.scans[i].find(bm, step, rows)
		s.done[i] = true
		s.Searches++
	}
	// Capped: a reader that appends to its share gets a copy, and never
	// writes over what the next reader is given.
	f := s.found[i]
	return f[:len(f):len(f)], true
}

// FindShared is Find, answered from the search hints carry (hint.Finders)
// when it is of bm at this step, and reading the rows they carry
// (hint.Rows) when those are of bm. Either way, the finders are only to be
// read, not changed, and are valid until the next call to Find or
// FindShared.
func (r *Scanner) FindShared(bm *gozxing.BitMatrix, step int, hints map[gozxing.DecodeHintType]interface{}) []Finder {
	rows, _ := hints[hint.Rows].(*bitrow.SharedRows)
	if s, ok := hints[hint.Finders].(*Shared); ok {
		if f, ok := s.find(bm, step, rows); ok {
			return f
		}
	}
	return r.find(bm, step, rows)
}

// CornersShared is Corners, answered from the outline of the same finder
// that another reader of the family took in the same image, the one
// bound in the search hints carry (hint.Finders): Micro QR and rMQR
// outline every finder the search found, and the tilted-QR locator those
// of its triples. Corners depends on the image and the finder alone, and
// the image bound does not change until Reset.
func CornersShared(bm *gozxing.BitMatrix, f Finder, hints map[gozxing.DecodeHintType]interface{}) ([4][2]float64, bool) {
	s, _ := hints[hint.Finders].(*Shared)
	if !s.bound(bm) {
		return Corners(bm, f)
	}
	for i := range s.outlines {
		if s.outlines[i].f == f {
			return s.outlines[i].corners, s.outlines[i].ok
		}
	}
	c, ok := Corners(bm, f)
	s.Outlines++
	if len(s.outlines) < maxOutlines {
		s.outlines = append(scrub.Grow(s.outlines, 1), outline{f: f, corners: c, ok: ok})
		s.outlined = max(s.outlined, len(s.outlines))
	}
	return c, ok
}
