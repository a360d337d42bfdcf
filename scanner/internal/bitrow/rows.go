package bitrow

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// SharedRows holds the rows of one binarized image for every reader that
// reads that image along its rows: each reader copied every row it read
// out of the matrix (gozxing lends none of its words), the same rows one
// reader after another. Here each row is copied once, the first time any
// reader asks for it, and the copy is read by all.
//
// Its owner, the engine, binds and resets it as SharedColumns: Bind
// before the readers read the whole image, Reset whenever that image
// changes. The rows are image data: Wipe clears them. One SharedRows
// serves one goroutine.
type SharedRows struct {
	bm            *gozxing.BitMatrix // the image bound; nil: none
	w, h, rowSize int
	words         []uint32 // row y at y*rowSize, once copied
	// copied holds, for each row, the stamp of the binding it was
	// copied under; a new binding takes a new stamp, which no row holds.
	copied []uint32
	stamp  uint32
	fetch  *gozxing.BitArray
	// lengths holds row y's run lengths (Lengths) when lengthsAt[y] is
	// the binding's stamp; lengthsHeld[y] is the most of them it held
	// since the last Wipe, which clears those only.
	lengths     [][]int
	lengthsAt   []uint32
	lengthsHeld []int
	used        bool // words hold an image's rows, since the last Wipe
	wordsHeld   int  // the most of words bound since the last Wipe
	// Copies counts the rows copied out of a matrix, Kept those kept as
	// they were set (Keep), Served the rows given out, Measured the rows'
	// run lengths measured.
	Copies, Kept, Served, Measured int
}

// Reset forgets the image bound and its rows.
func (s *SharedRows) Reset() {
	s.bm = nil
}

// Bind makes bm the image whose rows are shared, unless it is already:
// the caller vouches that bm has not changed since it was bound (or Reset
// since).
func (s *SharedRows) Bind(bm *gozxing.BitMatrix) {
	if s.bm == bm && bm != nil {
		return
	}
	s.bm, s.w, s.h = bm, bm.GetWidth(), bm.GetHeight()
	s.rowSize = (s.w + 31) / 32
	if n := s.rowSize * s.h; cap(s.words) < n {
		// The words let go may hold the bindings' rows since the last
		// Wipe: cleared first, they leave the collector no image.
		if s.used {
			clear(scrub.UpTo(s.words, s.wordsHeld))
		}
		s.words = make([]uint32, n)
	}
	// The words any binding since the last Wipe may have written, which
	// Wipe clears (the rest were cleared before and not written since).
	s.wordsHeld = max(s.wordsHeld, s.rowSize*s.h)
	if cap(s.copied) < s.h {
		s.copied = make([]uint32, s.h)
	}
	s.copied = s.copied[:s.h]
	if len(s.lengths) < s.h {
		s.lengths = append(s.lengths, make([][]int, s.h-len(s.lengths))...)
		s.lengthsAt = append(s.lengthsAt, make([]uint32, s.h-len(s.lengthsAt))...)
		// How many runs the rows had: cleared if let go.
		s.lengthsHeld = scrub.Kept(s.lengthsHeld, append(s.lengthsHeld, make([]int, s.h-len(s.lengthsHeld))...))
	}
	s.stamp++
	if s.stamp == 0 { // wrapped: no stamp may match a row of before
		clear(s.copied[:cap(s.copied)])
		clear(s.lengthsAt)
		s.stamp = 1
	}
}

// Prime binds bm afresh, as a new image even if it was bound already, for
// its maker to keep its rows as it sets them (Keep), instead of the
// readers copying them out of it later. The caller vouches, as for Bind,
// that bm does not change after its rows are kept while it is bound.
func (s *SharedRows) Prime(bm *gozxing.BitMatrix) {
	s.bm = nil
	s.Bind(bm)
}

// Keep takes words, the row's words as gozxing's BitMatrix.SetRow sets
// them, as row y of the image bound (Prime), copied in: the readers
// then find it copied already.
func (s *SharedRows) Keep(y int, words []uint32) {
	copy(s.words[y*s.rowSize:(y+1)*s.rowSize], words[:s.rowSize])
	s.copied[y] = s.stamp
	s.used = true
	s.Kept++
}

// Wipe forgets the image bound and zeroes the rows kept.
func (s *SharedRows) Wipe() {
	s.Reset()
	if s.used {
		clear(scrub.UpTo(s.words, s.wordsHeld))
		if s.fetch != nil { // none when every row was kept (Keep)
			s.fetch.Clear()
		}
		for y, n := range s.lengthsHeld {
			if n > 0 {
				clear(s.lengths[y][:n])
				s.lengthsHeld[y] = 0
			}
		}
		s.used = false
	}
	s.wordsHeld = 0
}

// of reports whether bm is the image bound.
func (s *SharedRows) of(bm *gozxing.BitMatrix) bool {
	return s != nil && bm != nil && s.bm == bm && bm.GetWidth() == s.w && bm.GetHeight() == s.h
}

// row returns the words of row y of the image bound (0 <= y < h).
func (s *SharedRows) row(y int) []uint32 {
	words := s.words[y*s.rowSize : (y+1)*s.rowSize : (y+1)*s.rowSize]
	if s.copied[y] != s.stamp {
		if s.fetch == nil || s.fetch.GetSize() != s.w {
			if s.fetch != nil {
				s.fetch.Clear() // the row fetched last, let go
			}
			s.fetch = gozxing.NewBitArray(s.w)
		}
		copy(words, s.bm.GetRow(y, s.fetch).GetBitArray())
		s.copied[y] = s.stamp
		s.used = true
		s.Copies++
	}
	s.Served++
	return words
}

// lengthsOf returns the run lengths of row y of the image bound, as
// Lengths gives them over the image's width, measured once a binding.
func (s *SharedRows) lengthsOf(y int) []int {
	if s.lengthsAt[y] != s.stamp {
		// Outgrown, the array let go held the row's lengths of a binding
		// since the last Wipe: Lengths clears it.
		s.lengths[y] = Lengths(s.row(y), s.w, s.lengths[y][:0])
		s.lengthsAt[y] = s.stamp
		s.lengthsHeld[y] = max(s.lengthsHeld[y], len(s.lengths[y]))
		s.Measured++
	}
	l := s.lengths[y]
	return l[:len(l):len(l)]
}

// Rows reads one binarized image's rows for one reader: the rows the
// engine shares (hint.Rows, a *SharedRows) when they are of that image,
// else each copied out of it into a row of its own. Its zero value is
// ready; it serves one goroutine.
type Rows struct {
	bm     *gozxing.BitMatrix
	shared *SharedRows // bound to bm; nil: rows copied into own
	own    *gozxing.BitArray
}

// Of makes r read the rows of bm, the ones hints share when they are of
// bm.
func (r *Rows) Of(bm *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) {
	s, _ := hints[hint.Rows].(*SharedRows)
	r.OfShared(bm, s)
}

// OfShared makes r read the rows of bm, those of s when s is bound to bm
// (s may be nil).
func (r *Rows) OfShared(bm *gozxing.BitMatrix, s *SharedRows) {
	r.bm, r.shared = bm, nil
	if s.of(bm) {
		r.shared = s
	}
}

// Shared reports whether r reads shared rows.
func (r *Rows) Shared() bool { return r.shared != nil }

// Row returns the words of row y (0 <= y < the height), bit x of the
// row bit x%32 of word x/32, as gozxing's BitMatrix.GetRow gives them.
// They are only to be read, and are valid until the next call to Row;
// shared rows, until the owner's next Reset, Bind or Wipe.
func (r *Rows) Row(y int) []uint32 {
	if r.shared != nil {
		return r.shared.row(y)
	}
	if w := r.bm.GetWidth(); r.own == nil || r.own.GetSize() != w {
		if r.own != nil {
			r.own.Clear() // the row copied last, let go
		}
		r.own = gozxing.NewBitArray(w)
	}
	return r.bm.GetRow(y, r.own).GetBitArray()
}

// Words returns the words of every row of the image, row y at y*stride
// as Row gives it, where r reads shared rows: the shared array itself,
// each row copied into it once a binding. ok is false where r reads no
// shared rows. They are only to be read, until the owner's next Reset,
// Bind or Wipe.
func (r *Rows) Words() (words []uint32, stride int, ok bool) {
	s := r.shared
	if s == nil {
		return nil, 0, false
	}
	for y := range s.h {
		s.row(y)
	}
	return s.words[: s.h*s.rowSize : s.h*s.rowSize], s.rowSize, true
}

// Lengths returns the run lengths of row y over the image's width, as
// Lengths gives them, only to be read: measured once between the readers
// of the shared rows, else into buf. spare is the buffer the caller keeps
// for its next call (l itself when measured into it, never the shared
// lengths).
func (r *Rows) Lengths(y int, buf []int) (l, spare []int) {
	if r.shared != nil {
		return r.shared.lengthsOf(y), buf
	}
	l = Lengths(r.Row(y), r.bm.GetWidth(), buf)
	return l, l
}

// Done forgets the image and clears the row copied last, image data.
func (r *Rows) Done() {
	r.bm, r.shared = nil, nil
	if r.own != nil {
		r.own.Clear()
	}
}
