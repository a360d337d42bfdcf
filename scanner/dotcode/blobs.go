package dotcode

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"
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
	x0, x1 int // x1 exclusive
	label  int
}

// blobFinder labels the dark patches of a binarized image, reusing its
// buffers between images.
type blobFinder struct {
	row    *gozxing.BitArray
	runs   []run
	parent []int
	blobs  []blob
	acc    []blobAcc // per label, its patch's pixels while it is a root
}

type blobAcc struct {
	n, sx, sy      int
	x0, y0, x1, y1 int
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

// findWords is find on an image held as words, its rows read in place.
func (f *blobFinder) findWords(m *wordImage) []blob {
	return f.findRows(m.w, m.h, m.row)
}

// findRows is find on the w by h image whose row y's words (pixel x bit
// x%32 of word x/32, set when dark; none past w) row returns.
func (f *blobFinder) findRows(w, h int, row func(y int) []uint32) []blob {
	// runs, parent and acc are the finder's, kept in locals while they
	// grow (through f they would be loaded again at every use).
	runs, parent, acc := f.runs[:0], f.parent[:0], f.acc[:0]
	prevStart, prevEnd := 0, 0
	for y := 0; y < h; y++ {
		words := row(y)
		start := len(runs)
		for wi, word := range words {
			for word != 0 {
				lo := bits.TrailingZeros32(word)
				rest := ^(word >> lo)
				n := 32 - lo
				if rest != 0 {
					n = bits.TrailingZeros32(rest)
				}
				x0 := wi*32 + lo
				x1 := x0 + n
				// A run that reaches the word's end may continue in the
				// next word: merge it with the previous run.
				if k := len(runs) - 1; k >= start && runs[k].x1 == x0 {
					runs[k].x1 = x1
				} else {
					runs = append(runs, run{x0: x0, x1: x1})
				}
				if lo+n >= 32 {
					word = 0
				} else {
					word &^= (1<<n - 1) << lo
				}
			}
		}
		// Label this row's runs, joining those that touch a run of the row
		// above (eight-connected). A run that touches one takes its patch's
		// label; only a run that touches none starts a patch. A patch's
		// label is the least of its runs' (a join keeps the lesser root), so
		// each patch's label is its first run's in reading order, as when
		// every run started one. Each patch's pixels are gathered under
		// its label as its runs are labelled, and added to the lesser
		// label's when two patches join.
		above := runs[prevStart:prevEnd]
		p := 0
		for i := start; i < len(runs); i++ {
			r := &runs[i]
			r.x1 = min(r.x1, w)
			for p < len(above) && above[p].x1 < r.x0 {
				p++
			}
			label := -1
			for q := p; q < len(above) && above[q].x0 <= r.x1; q++ {
				if label < 0 {
					label = root(parent, above[q].label)
				} else if rq := root(parent, above[q].label); rq != label {
					// Two patches join: the lesser root keeps both's
					// pixels.
					lo, hi := min(label, rq), max(label, rq)
					parent[hi] = lo
					acc[lo].merge(&acc[hi])
					label = lo
				}
			}
			n := r.x1 - r.x0
			if label < 0 {
				label = len(parent)
				parent = append(parent, label)
				acc = append(acc, blobAcc{x0: r.x0, y0: y, x1: r.x1 - 1, y1: y})
			}
			r.label = label
			a := &acc[label]
			a.n += n
			a.sx += n * (r.x0 + r.x1 - 1) // twice the sum of x
			a.sy += 2 * n * y
			a.x0, a.x1 = min(a.x0, r.x0), max(a.x1, r.x1-1)
			a.y1 = y
		}
		prevStart, prevEnd = start, len(runs)
	}
	f.runs, f.parent, f.acc = runs, parent, acc
	if f.row != nil {
		f.row.Clear() // a row of the image
	}
	f.blobs = f.blobs[:0]
	for i := range acc {
		a := &acc[i]
		if parent[i] != i || a.n < 2 {
			continue // joined to a patch of a lesser label, or a speck
		}
		bw, bh := a.x1-a.x0+1, a.y1-a.y0+1
		if bw > maxDot || bh > maxDot || bw > 2*bh+1 || bh > 2*bw+1 || 2*a.n < bw*bh {
			continue
		}
		f.blobs = append(f.blobs, blob{
			x: float64(a.sx)/float64(2*a.n) + 0.5, y: float64(a.sy)/float64(2*a.n) + 0.5,
			n: a.n, x0: a.x0, y0: a.y0, x1: a.x1, y1: a.y1, size: float64(max(bw, bh)),
		})
	}
	return f.blobs
}

// root returns the root of label i, halving its path.
func root(parent []int, i int) int {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
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
