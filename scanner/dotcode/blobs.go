package dotcode

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// blob is a connected patch of dark pixels: a dot candidate.
type blob struct {
	x, y       float64 // centroid
	n          int     // pixels
	x0, y0     int     // bounding box, inclusive
	x1, y1     int
	size       float64 // the larger side of the bounding box
	nn         float64 // distance to the nearest similar blob
	nnDX, nnDY float64 // the vector to it
}

// run is a horizontal run of dark pixels in a row, with the label of its
// patch.
type run struct {
	x0, x1 int32 // x1 exclusive
	label  int32
}

// blobFinder labels the dark patches of a binarized image, reusing its
// buffers between images.
type blobFinder struct {
	row *gozxing.BitArray
	// above and runs are the runs of the row above and of the row being
	// labelled: a run joins only runs of the row above it.
	above, runs []run
	acc         []blobAcc // per label, its patch's pixels while it is a root
	blobs       []blob
	// labelled counts the runs the last search labelled.
	labelled int
	// edgewise: the search joins only pixels that share an edge
	// (four-connected), not those that touch at a corner only (see
	// findEdgewise).
	edgewise bool
	// accs and found are the most records and blobs a search wrote since
	// the last wipe: acc and blobs hold no more of a picture's patches
	// than that, so wipe clears that much of each, not its capacity, the
	// largest frame's.
	accs, found int
}

type blobAcc struct {
	sx, sy         int // twice the sums of x and of y
	n              int32
	x0, y0, x1, y1 int32
	parent         int32 // the label it joined, its own while a root
}

// maxDot is the largest dot, in pixels across, the reader looks for: a
// module of about 50 pixels.
const maxDot = 40

// find returns the image's dark patches that could be printed dots: small,
// about as wide as high, and filling most of their bounding box.
func (f *blobFinder) find(bm *gozxing.BitMatrix) []blob {
	return f.findRows(bm.GetWidth(), bm.GetHeight(), func(y int) []uint32 {
		f.row = bm.GetRow(y, f.row)
		return f.row.GetBitArray()
	})
}

// findEdgewise is find with pixels joined only where they share an edge.
// A DotCode symbol's nearest dots are diagonal neighbours (the
// checkerboard), so where dots spread into each other, by blur, by ink or
// in a small module's pixels, they first touch at corners: at two pixels
// a module, a dot's darker pixels are its centre's and the four beside
// it, and the neighbouring dots' meet those corner to corner.
func (f *blobFinder) findEdgewise(bm *gozxing.BitMatrix) []blob {
	f.edgewise = true
	defer func() { f.edgewise = false }()
	return f.find(bm)
}

// findWords is find on an image held as words, its rows read in place.
func (f *blobFinder) findWords(m *wordImage) []blob {
	return f.findRows(m.w, m.h, m.row)
}

// findRows is find on the w by h image whose row y's words (pixel x bit
// x%32 of word x/32, set when dark; none past w) row returns.
//
// Each row's runs are labelled against the row above's (eight-connected).
// A run that touches one takes its patch's label; only a run that touches
// none starts a patch. A patch's label is the least of its runs' (a join
// keeps the lesser root), so each patch's label is its first run's in
// reading order, as when every run started one. Each patch's pixels are
// gathered under its label as its runs are labelled, and added to the
// lesser label's when two patches join.
func (f *blobFinder) findRows(w, h int, row func(y int) []uint32) []blob {
	f.labelled = 0
	// A run joins the runs of the row above that reach within one pixel
	// of it, or, edgewise, that overlap it: those that reach it once it
	// is narrowed by a pixel at each end.
	narrow := int32(0)
	if f.edgewise {
		narrow = 1
	}
	// The rows' runs and the records in locals while the rows are
	// labelled, stored back once: through f, swapping the rows wrote
	// three pointers a row, each with the collector's write barrier
	// while it marks.
	acc, above, runs := f.acc[:0], append(f.above[:0], past), f.runs
	labelled := 0
	// most is the most runs a row took, the run past them included: the
	// two rows' arrays hold no more of this image's runs than that.
	most := len(above)
	for y := range h {
		runs = appendRuns(runs[:0], row(y), int32(w))
		n := len(runs)
		// The run past them can outgrow the array, which holds this
		// row's runs and an earlier row's past them.
		runs = append(scrub.Grow(runs, 1), past)
		most = max(most, len(runs))
		if n > 0 {
			acc = label(acc, above, runs, int32(y), narrow)
		}
		labelled += n
		above, runs = runs, above
	}
	f.acc, f.above, f.runs, f.labelled = acc, above, runs, labelled
	// The runs are where the image's dark pixels were. The two arrays
	// took the rows in turn, so either may hold a longer row's past the
	// last row's; an earlier image's longer rows were cleared after its
	// search.
	clear(scrub.UpTo(f.above, most))
	clear(scrub.UpTo(f.runs, most))
	f.above = f.above[:0]
	if f.row != nil {
		f.row.Clear() // a row of the image
	}
	f.blobs = f.blobs[:0]
	for i := range f.acc {
		a := &f.acc[i]
		if a.parent != int32(i) || a.n < 2 {
			continue // joined to a patch of a lesser label, or a speck
		}
		bw, bh := int(a.x1-a.x0+1), int(a.y1-a.y0+1)
		n := int(a.n)
		if bw > maxDot || bh > maxDot || bw > 2*bh+1 || bh > 2*bw+1 || 2*n < bw*bh {
			continue
		}
		// An array outgrown holds this image's dots: cleared as it is
		// let go.
		f.blobs = append(scrub.Grow(f.blobs, 1), blob{
			x: float64(a.sx)/float64(2*n) + 0.5, y: float64(a.sy)/float64(2*n) + 0.5,
			n: n, x0: int(a.x0), y0: int(a.y0), x1: int(a.x1), y1: int(a.y1), size: float64(max(bw, bh)),
		})
	}
	f.accs, f.found = max(f.accs, len(f.acc)), max(f.found, len(f.blobs))
	return f.blobs
}

// wipe zeroes what the searches since the last wipe left of the
// picture's dark patches: their records, the dots among them (a search
// of a reused view keeps those until the wipe, see Reader.searched), and
// the count of their runs.
func (f *blobFinder) wipe() {
	clear(scrub.UpTo(f.acc, f.accs))
	clear(scrub.UpTo(f.blobs, f.found))
	f.accs, f.found, f.labelled = 0, 0, 0
}

// past is a run beyond every pixel, which ends a row's runs.
var past = run{x0: math.MaxInt32, x1: math.MaxInt32}

// appendRuns appends the runs of dark pixels of a row's words to runs, a
// run that crosses words once, and cut at w. A word whose first pixel
// continues the previous word's last run ends that run first; its other
// runs are new ones, written in room made once a word.
func appendRuns(runs []run, words []uint32, w int32) []run {
	start, k := len(runs), len(runs)
	var last uint32 // the previous word's last pixel, at bit 0
	for wi, word := range words {
		if word == 0 {
			last = 0
			continue
		}
		x := int32(wi * 32)
		continues := word & last
		last = word >> 31
		if continues != 0 {
			// The ones from bit 0 end the previous word's last run (32 of
			// them where the word is all ones, whose complement has no
			// bit set).
			n := bits.TrailingZeros32(^word)
			runs[k-1].x1 = x + int32(n)
			word &= word + 1 // clear them: adding 1 carries through them
		}
		// Room for the word's runs: 16 at most. An array outgrown holds
		// the row's runs so far, and an earlier row's past them.
		runs = scrub.Grow(runs[:k], 16)
		runs = runs[:cap(runs)]
		// In 64 bits, so that the word shifts past a run that ends at
		// bit 31 as past any other (the complement's ones above bit 31
		// end the run there).
		for v := uint64(word); v != 0; {
			// The run from the lowest set bit: shifted down to bit 0,
			// its length is the ones from there, and shifted past, the
			// word holds the runs after it.
			lo := bits.TrailingZeros64(v)
			v >>= lo & 63
			x += int32(lo)
			n := bits.TrailingZeros64(^v)
			r := &runs[k]
			r.x0, r.x1 = x, x+int32(n)
			k++
			v >>= n & 63
			x += int32(n)
		}
	}
	runs = runs[:k]
	for k := len(runs) - 1; k >= start && runs[k].x1 > w; k-- {
		runs[k].x1 = w
	}
	return runs
}

// label labels the runs of row y against those of the row above (both
// end in a run past every pixel), and gathers their pixels under their
// patches' labels: in acc, the patches' records, which it returns. A run
// narrowed by narrow pixels at each end is what must reach a run above
// (see findRows).
func label(acc []blobAcc, above, runs []run, y, narrow int32) []blobAcc {
	// Room for a patch a run, made once a row: with no call to grow acc
	// in the loop, the compiler keeps more of the labelling's values in
	// registers rather than in memory across the call. An array outgrown
	// holds the image's patches so far.
	acc = scrub.Grow(acc, len(runs))
	p := 0
	for i := range runs[:len(runs)-1] { // all but the run past them
		x0, x1 := runs[i].x0, runs[i].x1
		lo, hi := x0+narrow, x1-narrow
		for above[p].x1 < lo {
			p++
		}
		n := x1 - x0
		if above[p].x0 > hi {
			// It touches no run above: a patch of its own.
			label := int32(len(acc))
			acc = acc[:len(acc)+1]
			// Its record written field by field in place (as a
			// composite literal, it was built on the stack and copied).
			a := &acc[label]
			a.sx, a.sy, a.n = int(n)*int(x0+x1-1), 2*int(n)*int(y), n
			a.x0, a.y0, a.x1, a.y1 = x0, y, x1-1, y
			a.parent = label
			runs[i].label = label
			continue
		}
		label := root(acc, above[p].label)
		for q := p + 1; above[q].x0 <= hi; q++ {
			// A run above labelled with the patch's root is of the
			// patch: its root need not be looked up.
			l := above[q].label
			if l == label {
				continue
			}
			if rq := root(acc, l); rq != label {
				// Two patches join: the lesser root keeps both's
				// pixels.
				lo, hi := min(label, rq), max(label, rq)
				acc[hi].parent = lo
				acc[lo].merge(&acc[hi])
				label = lo
			}
		}
		runs[i].label = label
		a := &acc[label]
		a.n += n
		a.sx += int(n) * int(x0+x1-1)
		a.sy += 2 * int(n) * int(y)
		a.x0, a.x1 = min(a.x0, x0), max(a.x1, x1-1)
		a.y1 = y
	}
	return acc
}

// root returns the root of label i, halving its path.
func root(acc []blobAcc, i int32) int32 {
	for acc[i].parent != i {
		acc[i].parent = acc[acc[i].parent].parent
		i = acc[i].parent
	}
	return i
}

// merge adds the pixels of patch b to a's.
func (a *blobAcc) merge(b *blobAcc) {
	a.n, a.sx, a.sy = a.n+b.n, a.sx+b.sx, a.sy+b.sy
	a.x0, a.y0 = min(a.x0, b.x0), min(a.y0, b.y0)
	a.x1, a.y1 = max(a.x1, b.x1), max(a.y1, b.y1)
}

// erode writes into dst (allocated when nil or of another size) the
// image with every dark pixel whose four neighbours are not all dark made
// light: dots that blur or ink spread joined at their closest points come
// apart, while their centres stay.
func erode(src, dst *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := src.GetWidth(), src.GetHeight()
	if dst == nil || dst.GetWidth() != w || dst.GetHeight() != h {
		dst, _ = gozxing.NewBitMatrix(w, h)
	} else {
		dst.Clear()
	}
	if h < 3 {
		return dst
	}
	// Rows of the image, cleared before returning.
	var rows [3]*gozxing.BitArray
	for k := range rows {
		rows[k] = gozxing.NewBitArray(w)
	}
	out := gozxing.NewBitArray(w)
	defer func() {
		for _, r := range append(rows[:], out) {
			r.Clear()
		}
	}()
	rows[1] = src.GetRow(0, rows[1])
	rows[2] = src.GetRow(1, rows[2])
	for y := 1; y < h-1; y++ {
		rows[0], rows[1], rows[2] = rows[1], rows[2], rows[0]
		rows[2] = src.GetRow(y+1, rows[2])
		up, mid, down := rows[0].GetBitArray(), rows[1].GetBitArray(), rows[2].GetBitArray()
		o := out.GetBitArray()
		for i := range o {
			left := mid[i] << 1 // pixel x-1 moved to x
			if i > 0 {
				left |= mid[i-1] >> 31
			}
			right := mid[i] >> 1 // pixel x+1 moved to x
			if i+1 < len(mid) {
				right |= mid[i+1] << 31
			}
			o[i] = mid[i] & up[i] & down[i] & left & right
		}
		dst.SetRow(y, out)
	}
	return dst
}
