package postal

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// Image is a binarized image (set is dark): gozxing's BitMatrix.
type Image interface {
	Get(x, y int) bool
	GetWidth() int
	GetHeight() int
	GetRow(y int, row *gozxing.BitArray) *gozxing.BitArray
}

// blob is a connected set of dark pixels, with the moments that give its
// centre, direction and size.
type blob struct {
	n                 int
	sx, sy            float64
	sxx, syy, sxy     float64
	x0, y0, x1, y1    int // bounding box
	parent            int32
	cx, cy            float64 // centre
	length, thickness float64 // along and across the major axis
	ux, uy            float64 // unit vector of the major axis, uy >= 0
}

// run is a stretch of dark pixels of one row, and its blob.
type run struct {
	x0, x1 int // [x0, x1)
	blob   int32
}

// Limits that keep the search bounded whatever the image: a row with more
// runs than maxRowRuns is noise and left out, and an image with more
// blobs than maxBlobs is texture and given up.
const (
	maxRowRuns = 1 << 12
	maxBlobs   = 1 << 17
)

// blobs labels the dark pixels of img in 8-connected blobs, row by row,
// and returns those of at least minPixels.
func (r *Reader) blobs(img Image, minPixels int) []blob {
	w, h := img.GetWidth(), img.GetHeight()
	r.all = r.all[:0]
	prev, cur := r.prev[:0], r.cur[:0]
	if r.row == nil || r.row.GetSize() != w {
		r.row = gozxing.NewBitArray(w)
	}
	defer func() { r.row.Clear() }() // a row of the image
	for y := 0; y < h; y++ {
		r.row = img.GetRow(y, r.row)
		cur = rowRuns(r.row.GetBitArray(), w, cur[:0])
		fy := float64(y) + 0.5
		j := 0
		for i := range cur {
			x0, x1 := cur[i].x0, cur[i].x1
			id := int32(-1)
			// Runs of the row above that touch this one, diagonals too.
			for j < len(prev) && prev[j].x1 < x0 {
				j++
			}
			for k := j; k < len(prev) && prev[k].x0 <= x1; k++ {
				b := r.find(prev[k].blob)
				if id < 0 {
					id = b
				} else if b != id {
					id = r.union(id, b)
				}
			}
			if id < 0 {
				if len(r.all) >= maxBlobs {
					r.prev, r.cur = prev, cur
					return nil
				}
				id = int32(len(r.all))
				r.all = append(r.all, blob{parent: id, x0: x0, y0: y, x1: x1 - 1, y1: y})
			}
			cur[i].blob = id
			// The run's pixels in the blob's moments, its pixels' centres
			// x0+0.5 … x1-0.5 on row y's, fy. (Inline: a call a run cost
			// more than the sums.) Σ (a+k)² for k < n, a = x0+0.5, is in
			// closed form: n·a² + a·n(n-1) + (n-1)n(2n-1)/6. Every term is
			// a multiple of 1/4 well below 2⁵³, so each sum is exact, as
			// adding the pixels one by one was. The rows come in order, so
			// y is the blob's last row.
			b := &r.all[id]
			n := float64(x1 - x0)
			sx := n * float64(x0+x1) / 2
			a := float64(x0) + 0.5
			b.n += x1 - x0
			b.sx += sx
			b.sy += n * fy
			b.sxx += n*a*a + a*n*(n-1) + (n-1)*n*(2*n-1)/6
			b.syy += n * fy * fy
			b.sxy += sx * fy
			b.x0, b.x1 = min(b.x0, x0), max(b.x1, x1-1)
			b.y1 = y
		}
		prev, cur = cur, prev
	}
	r.prev, r.cur = prev, cur
	out := r.found[:0]
	for i := range r.all {
		b := &r.all[i]
		if b.parent != int32(i) || b.n < minPixels {
			continue
		}
		b.shape()
		out = append(out, *b)
	}
	r.found = out
	return out
}

// rowRuns appends the dark runs of a row given as 32-pixel words; a row
// of more than maxRowRuns runs is noise and gives none. It visits only
// the pixels where the row changes, a word at a time: bit j of
// w ^ (w<<1 | carry) is set where pixel j differs from the one before.
func rowRuns(words []uint32, width int, out []run) []run {
	start0 := len(out)
	dark := false
	start := 0
	for i, wd := range words {
		base := i * 32
		if base >= width {
			break
		}
		var carry uint32
		if dark {
			carry = 1
		}
		for t := wd ^ (wd<<1 | carry); t != 0; t &= t - 1 {
			x := base + bits.TrailingZeros32(t)
			if x >= width {
				break
			}
			if dark {
				if len(out)-start0 == maxRowRuns {
					return out[:start0]
				}
				out = append(out, run{x0: start, x1: x})
			} else {
				start = x
			}
			dark = !dark
		}
	}
	if dark {
		out = append(out, run{x0: start, x1: width})
	}
	return out
}

func (r *Reader) find(i int32) int32 {
	for r.all[i].parent != i {
		r.all[i].parent = r.all[r.all[i].parent].parent
		i = r.all[i].parent
	}
	return i
}

// union merges blob b into a (both roots) and returns the root.
func (r *Reader) union(a, b int32) int32 {
	if r.all[a].n < r.all[b].n {
		a, b = b, a
	}
	x, y := &r.all[a], &r.all[b]
	y.parent = a
	x.n += y.n
	x.sx, x.sy, x.sxx, x.syy, x.sxy = x.sx+y.sx, x.sy+y.sy, x.sxx+y.sxx, x.syy+y.syy, x.sxy+y.sxy
	x.x0, x.y0, x.x1, x.y1 = min(x.x0, y.x0), min(x.y0, y.y0), max(x.x1, y.x1), max(x.y1, y.y1)
	return a
}

// shape derives the centre, axis and size from the moments: a solid
// rectangle of length l has variance l²/12 along it.
func (b *blob) shape() {
	n := float64(b.n)
	b.cx, b.cy = b.sx/n, b.sy/n
	vxx := b.sxx/n - b.cx*b.cx + 1.0/12
	vyy := b.syy/n - b.cy*b.cy + 1.0/12
	vxy := b.sxy/n - b.cx*b.cy
	tr, det := vxx+vyy, vxx*vyy-vxy*vxy
	d := math.Sqrt(math.Max(0, tr*tr/4-det))
	l1, l2 := tr/2+d, math.Max(tr/2-d, 0)
	b.length, b.thickness = math.Sqrt(12*l1), math.Sqrt(12*l2)
	// The major axis: the eigenvector of l1.
	ux, uy := vxy, l1-vxx
	if math.Abs(ux)+math.Abs(uy) < 1e-9 {
		ux, uy = l1-vyy, vxy
	}
	if math.Abs(ux)+math.Abs(uy) < 1e-9 {
		ux, uy = 0, 1
	}
	norm := math.Hypot(ux, uy)
	ux, uy = ux/norm, uy/norm
	if uy < 0 || uy == 0 && ux < 0 {
		ux, uy = -ux, -uy
	}
	b.ux, b.uy = ux, uy
}
