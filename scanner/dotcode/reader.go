package dotcode

import (
	"image"
	"reflect"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Reader decodes DotCode symbols. Its zero value is not ready; use
// NewReader. A Reader keeps scratch buffers and must not be shared between
// goroutines.
type Reader struct {
	blobs           blobFinder
	dec             *decoder
	eroded, eroded2 *gozxing.BitMatrix
	gray            grayView
	dark            *gozxing.BitMatrix
	cores           wordImage
	// kept is a row of cores with the rectangles a search leaves out
	// cleared (see findDots).
	kept []uint32
	// darkMade: dark holds view's dark pixels. It is binarized only once
	// wanted (see viewDark): most searches fit no lattice to sample.
	darkMade bool
	// darkHeld: dark holds a picture, of view or an earlier one, not yet
	// cleared (Wipe clears it only then: eleven searches in twelve leave
	// it clear).
	darkHeld bool
	// coresHeld: cores holds a picture not yet cleared (Wipe clears it
	// only then: the scanner wipes the reader after every pass, most of
	// which it did not search, and the cores' words are those of the
	// largest image binarized).
	coresHeld bool
	// reuse: dark and cores are kept, binarized from view, until Wipe
	// (see ReuseViews).
	reuse bool
	view  gozxing.LuminanceSource
	// light is a row of no dark pixels, which clear copies.
	light *gozxing.BitArray
	// promising: the last decode fitted a lattice to a cluster of dots.
	promising bool
	// lattice holds the arrays the search groups the dots and fits
	// lattices in (wiped with the rest).
	lattice latticeScratch
	// searched is the last search of the reused view, while it read
	// nothing and its dots and their clusters are still where findDots
	// and clusters left them (see DecodeGray).
	searched viewSearch
}

// viewSearch is a search of a view's dots that read nothing: the dots,
// found with the rectangles light taken as light, their clusters, how
// many of them it tried (the first), whether one of those fitted a
// lattice, and the error it ended with.
type viewSearch struct {
	ok      bool
	light   []image.Rectangle
	dots    []blob
	groups  [][]int
	tried   int
	fitted  bool
	lastErr error
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a DotCode reader.
func NewReader() *Reader { return &Reader{dec: newDecoder()} }

// Candidate dot clusters tried per image.
const (
	maxClusters     = 6
	maxClustersHard = 24
)

// Promising reports whether the last decode found a cluster of dots that
// a lattice fits, read or not. Where it found none, the image holds no
// symbol whose dots stand apart, and the same pixels binarized another
// way (or the thinned dots of TRY_HARDER) seldom show one: of the blackbox
// set's searches, one in twelve fits a lattice.
func (r *Reader) Promising() bool { return r.promising }

// DecodeWithoutHints decodes the first DotCode symbol found.
func (r *Reader) DecodeWithoutHints(image *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return r.Decode(image, nil)
}

// Decode finds and decodes one DotCode symbol.
func (r *Reader) Decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	rs, err := r.decode(image, hints, 1)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// DecodeMultiple finds and decodes every DotCode symbol in the image.
func (r *Reader) DecodeMultiple(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	return r.decode(image, hints, 0)
}

// Reset does nothing: a Reader keeps no state between images besides
// scratch space.
func (r *Reader) Reset() {}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) (res []*gozxing.Result, err error) {
	defer guard.Recover("dotcode", &res, &err)
	r.promising = false
	bm, err := guard.Matrix("dotcode", image)
	if err != nil {
		return nil, err
	}
	return r.decodeMatrix(bm, hint.TryHarder(hints), want, false)
}

// DecodeGray finds and decodes up to want DotCode symbols (every one for
// want 0) in a gray image, binarizing it for dots itself (see
// grayView.binarize). TRY_HARDER tries more dot clusters, and then
// thinned dots.
func (r *Reader) DecodeGray(src gozxing.LuminanceSource, hints map[gozxing.DecodeHintType]interface{}, want int) (res []*gozxing.Result, err error) {
	defer guard.Recover("dotcode", &res, &err)
	r.promising = false
	if src == nil {
		return nil, gozxing.NewNotFoundException("dotcode: no image")
	}
	// The binarized images and the copy are pictures of the frame.
	if !r.reuse {
		defer r.Wipe()
	}
	if !r.reuse || !sameView(r.view, src) {
		r.view, r.darkMade = nil, false
		r.forgetSearch()
		ok := r.gray.load(src)
		if ok {
			r.gray.binarizeWords(src, &r.cores, true)
			r.coresHeld = true
		}
		// The windows' statistics are kept for the dark pixels, binarized
		// only once wanted (see viewDark).
		r.gray.wipeScratch()
		if !ok {
			return nil, gozxing.NewNotFoundException("dotcode: unreadable image")
		}
		r.view = src
	}
	tryHarder := hint.TryHarder(hints)
	budget := maxClusters
	if tryHarder {
		budget = maxClustersHard
	}
	// The dots are found among the dark centres (where blur joined dots,
	// each keeps its darker centre), and sampled with their whole ink.
	light := hint.EraseOf(hints)
	if sr := &r.searched; sr.ok && budget > sr.tried && slices.Equal(sr.light, light) {
		// The view's dots were searched already, with a smaller budget,
		// and its first clusters read nothing: the search goes on from
		// the next, as one from the first would after trying them
		// again to the same end (the view, its dots, their clusters and
		// each lattice fitted are the same).
		r.promising = sr.fitted
		res, err = r.searchFrom(sr.dots, sr.groups, sr.tried, sr.lastErr, r.viewDark, budget, want)
	} else {
		r.forgetSearch() // its dots and clusters are about to be replaced
		bs := r.findDots(light)
		groups := r.lattice.clusters(bs)
		res, err = r.searchFrom(bs, groups, 0, guard.NotFound, r.viewDark, budget, want)
		if r.reuse && len(res) == 0 {
			r.searched = viewSearch{ok: true, light: append(r.searched.light, light...), dots: bs, groups: groups,
				tried: min(budget, len(groups)), fitted: r.promising, lastErr: err}
		}
	}
	switch {
	case len(res) > 0:
		return res, nil
	case !tryHarder:
		return nil, err
	}
	return r.decodeMatrix(r.viewDark(), true, want, true)
}

// findDots returns the dots among the cores, the pixels within the
// rectangles light (hint.Erase: the bars of the 1D symbols read, on which
// no other symbol is printed) taken as light: the blob search labels
// every run of every bar, and a frame's barcode holds many of its runs,
// none a dot's.
func (r *Reader) findDots(light []image.Rectangle) []blob {
	if len(light) == 0 {
		return r.blobs.findWords(&r.cores)
	}
	return r.blobs.findRows(r.cores.w, r.cores.h, func(y int) []uint32 {
		words := r.cores.row(y)
		copied := false
		for _, b := range light {
			if y < b.Min.Y || y >= b.Max.Y {
				continue
			}
			if !copied {
				// A row outgrown is cleared as it is let go.
				r.kept = scrub.Kept(r.kept, append(r.kept[:0], words...))
				words, copied = r.kept, true
			}
			clearBits(words, max(0, b.Min.X), min(r.cores.w, b.Max.X))
		}
		return words
	})
}

// clearBits clears bits x0 to x1 (exclusive) of words.
func clearBits(words []uint32, x0, x1 int) {
	for x0 < x1 {
		wi, lo := x0/32, x0%32
		n := min(32-lo, x1-x0)
		words[wi] &^= uint32(1<<n-1) << lo
		x0 += n
	}
}

// viewDark returns the dark pixels of the view the cores were binarized
// from, binarizing them the first time.
func (r *Reader) viewDark() *gozxing.BitMatrix {
	if !r.darkMade {
		r.dark = r.gray.binarize(r.view, r.dark, false)
		r.gray.wipe() // no binarization of the view is left to make
		r.darkMade, r.darkHeld = true, true
	}
	return r.dark
}

// ReuseViews makes DecodeGray keep the dot binarization of the view it
// read last, and binarize that view again only when called with another:
// a caller that reads one view with and without TRY_HARDER (binarized two
// ways for its other readers) binarizes it for dots once. The caller then
// calls Wipe once done with the view, which must not change meanwhile.
func (r *Reader) ReuseViews() { r.reuse = true }

// Wipe clears what the reader keeps of the images it read, all pictures
// of them: the binarized images, the windows' statistics, the rows, the
// dark patches and dots found and the arrays the dots were grouped in;
// and it forgets the view.
func (r *Reader) Wipe() {
	r.gray.wipe()
	if r.coresHeld {
		r.cores.clear()
		r.coresHeld = false
	}
	// To its capacity: a search of a narrower view since the last wipe
	// leaves a wider one's row past its own.
	clear(r.kept[:cap(r.kept)])
	if r.darkHeld {
		r.clear(r.dark)
		r.darkHeld = false
	}
	r.view, r.darkMade = nil, false
	r.forgetSearch()
	r.blobs.wipe()
	r.lattice.wipe()
}

// forgetSearch drops the record of the view's last search, whose dots'
// arrays another search or the wipe takes over, and the rectangles of
// the frame it took as light.
func (r *Reader) forgetSearch() {
	clear(r.searched.light)
	r.searched = viewSearch{light: r.searched.light[:0]}
}

// clear zeroes m a row at a time, each row copied from a light one
// (BitMatrix.Clear zeroes it a word at a time, four times the
// instructions).
func (r *Reader) clear(m *gozxing.BitMatrix) {
	if w := m.GetWidth(); r.light == nil || r.light.GetSize() != w {
		r.light = gozxing.NewBitArray(w)
	}
	for y := range m.GetHeight() {
		m.SetRow(y, r.light)
	}
}

// sameView reports whether a and b are the same view: the same pointer
// (a view of another type is never taken for the same).
func sameView(a, b gozxing.LuminanceSource) bool {
	if a == nil || b == nil || reflect.TypeOf(a).Kind() != reflect.Pointer {
		return false
	}
	return a == b
}

// decodeMatrix reads the symbols of a binarized image, edgewise first
// finding its dots joined across edges only (findEdgewise). DecodeGray
// has it so in the view's dark image, whose threshold stays clear of the
// sensor's noise (noiseOffset); in another binarizer's image (Decode's)
// the noise's specks that touch a dot at a corner would come apart from
// it as dots of their own (a zint round trip with noise of σ 8 was lost
// so).
func (r *Reader) decodeMatrix(bm *gozxing.BitMatrix, tryHarder bool, want int, edgewise bool) ([]*gozxing.Result, error) {
	r.forgetSearch() // its search finds other dots in the blob finder's arrays
	budget := maxClusters
	if tryHarder {
		budget = maxClustersHard
	}
	matrix := func() *gozxing.BitMatrix { return bm }
	find := r.blobs.find
	if edgewise {
		find = r.blobs.findEdgewise
	}
	res, err := r.search(find(bm), matrix, budget, want)
	if len(res) == 0 && tryHarder {
		// Dots printed large or blurred touch their diagonal neighbours
		// and fail the blob filter: thinned, they come apart.
		r.eroded = erode(bm, r.eroded)
		res, err = r.search(r.blobs.find(r.eroded), matrix, budget, want)
		if len(res) == 0 {
			r.eroded2 = erode(r.eroded, r.eroded2)
			res, err = r.search(r.blobs.find(r.eroded2), matrix, budget, want)
			r.eroded2.Clear()
		}
		r.eroded.Clear() // they held pictures of the frame
	}
	if len(res) == 0 {
		return nil, err
	}
	return res, nil
}

// search fits lattices to the dots bs the blob finder found and samples
// the lattices in the image sample returns, called once a lattice fits.
func (r *Reader) search(bs []blob, sample func() *gozxing.BitMatrix, budget, want int) ([]*gozxing.Result, error) {
	return r.searchFrom(bs, r.lattice.clusters(bs), 0, guard.NotFound, sample, budget, want)
}

// searchFrom is search from the clusters' group from on, the clusters
// groups of the dots bs, lastErr the error before it (guard.NotFound:
// no cluster of dots fits a lattice).
func (r *Reader) searchFrom(bs []blob, groups [][]int, from int, lastErr error, sample func() *gozxing.BitMatrix, budget, want int) ([]*gozxing.Result, error) {
	var res []*gozxing.Result
	for k := from; k < len(groups); k++ {
		group := groups[k]
		if k == budget {
			break
		}
		l, ok := r.lattice.fitLattice(bs, group)
		if !ok {
			continue
		}
		r.promising = true
		if l.sparse() {
			continue
		}
		found, err := r.decodeLattice(sample(), l)
		if err != nil {
			lastErr = err
			continue
		}
		res = append(res, found)
		if want > 0 && len(res) == want {
			break
		}
	}
	return res, lastErr
}

// orientation maps a symbol's grid cell (c, r) to lattice module
// coordinates, for one of the four quarter turns.
type orientation struct {
	w, h int
	at   func(c, r int) (s, t int)
}

// orientations lists the quarter turns of a lattice's extent whose top
// left cell can hold a dot (two of the four: a symbol's width plus height
// is odd, so exactly two corners lie on the dots' checkerboard).
func (l *lattice) orientations() []orientation {
	w, h := l.smax-l.smin+1, l.tmax-l.tmin+1
	all := []orientation{
		{w, h, func(c, r int) (int, int) { return l.smin + c, l.tmin + r }},
		{h, w, func(c, r int) (int, int) { return l.smin + r, l.tmax - c }},
		{w, h, func(c, r int) (int, int) { return l.smax - c, l.tmax - r }},
		{h, w, func(c, r int) (int, int) { return l.smax - r, l.tmin + c }},
	}
	var out []orientation
	for _, o := range all {
		if s, t := o.at(0, 0); (s+t)&1 == 0 {
			out = append(out, o)
		}
	}
	return out
}

// decodeLattice samples a fitted lattice in each possible orientation and
// decodes it.
func (r *Reader) decodeLattice(bm *gozxing.BitMatrix, l *lattice) (*gozxing.Result, error) {
	w, h := l.smax-l.smin+1, l.tmax-l.tmin+1
	if w < 5 || h < 5 {
		return nil, gozxing.NewNotFoundException("dotcode: %dx%d dots is no symbol size", w, h)
	}
	if (w+h)%2 == 1 {
		return r.decodeExtent(bm, l)
	}
	// A width plus height that is even means an edge was missed (its dots
	// too faint) or a speck beyond an edge was taken for a dot: try each
	// edge a module further out and in.
	var lastErr error // made where it is returned: an error unwinds the stack
	for _, d := range [...][4]int{{-1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, -1}} {
		v := *l
		v.smin, v.smax, v.tmin, v.tmax = l.smin+d[0], l.smax+d[1], l.tmin+d[2], l.tmax+d[3]
		if l.lineDots(&v) > 1 {
			continue // an edge with several dots is no speck
		}
		res, err := r.decodeExtent(bm, &v)
		if err == nil {
			return res, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = gozxing.NewNotFoundException("dotcode: %dx%d dots is no symbol size", w, h)
	}
	return nil, lastErr
}

// decodeExtent samples the lattice over its extent in each possible
// orientation and decodes it.
func (r *Reader) decodeExtent(bm *gozxing.BitMatrix, l *lattice) (*gozxing.Result, error) {
	var lastErr error // made where it is returned: an error unwinds the stack
	for _, o := range l.orientations() {
		g := &Grid{W: o.w, H: o.h, Dots: make([]bool, o.w*o.h)}
		for row := 0; row < o.h; row++ {
			for c := row % 2; c < o.w; c += 2 {
				s, t := o.at(c, row)
				g.Dots[row*o.w+c] = l.dot(bm, s, t)
			}
		}
		d, err := r.dec.decode(g)
		if err != nil {
			lastErr = err
			continue
		}
		return r.result(l, o, d), nil
	}
	if lastErr == nil {
		lastErr = gozxing.NewNotFoundException()
	}
	return nil, gozxing.NewFormatException("dotcode: %v", lastErr)
}

// result builds the gozxing result, its points the symbol's corners half
// a module out from the outer dots: top-left, bottom-left, bottom-right,
// top-right, as the symbol reads.
func (r *Reader) result(l *lattice, o orientation, d *Decoded) *gozxing.Result {
	corner := func(c, row float64) gozxing.ResultPoint {
		// Cell centres are whole numbers; a corner is half a cell out.
		s0, t0 := o.at(0, 0)
		s1, t1 := o.at(1, 0)
		s2, t2 := o.at(0, 1)
		s := float64(s0) + c*float64(s1-s0) + row*float64(s2-s0)
		t := float64(t0) + c*float64(t1-t0) + row*float64(t2-t0)
		x, y := l.at(s, t)
		return gozxing.NewResultPoint(x, y)
	}
	wl, hl := float64(o.w)-0.5, float64(o.h)-0.5
	points := []gozxing.ResultPoint{corner(-0.5, -0.5), corner(-0.5, hl), corner(wl, hl), corner(wl, -0.5)}
	// gozxing has no DotCode format; the caller knows the symbology.
	res := gozxing.NewResult(d.Text, d.Raw, points, gozxing.BarcodeFormat(-1))
	res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, d.SymbologyID())
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, ErrorsCorrected(d.Corrected))
	if d.SACount > 0 {
		// Up to 35 symbols: the index and count minus one, a byte each.
		res.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE, (d.SAIndex-1)<<8|(d.SACount-1))
	}
	return res
}

// ErrorsCorrected is the number of codewords Reed–Solomon corrected,
// stored under gozxing.ResultMetadataType_OTHER.
type ErrorsCorrected int
