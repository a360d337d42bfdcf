package postal

import (
	"math"
	"math/bits"
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// Image is a binarized image (set is dark): gozxing's BitMatrix.
type Image interface {
	Get(x, y int) bool
	GetWidth() int
	GetHeight() int
	GetRow(y int, row *gozxing.BitArray) *gozxing.BitArray
}

// RowLengths is an Image that lends the run lengths of its rows, as
// bitrow.Lengths gives them (light and dark by turns, light first, the
// last reaching the row's end), only to be read: where the rows' lengths
// are measured once for all their readers, the labelling takes its runs
// from them instead of copying each row and finding its runs again.
// spare is the buffer the caller keeps for its next call.
type RowLengths interface {
	Image
	RowLengths(y int, buf []int) (l, spare []int)
}

// sums are the moments of a set of dark pixels: their count, and the
// sums of their centres' coordinates and products (pixel (x, y)'s centre
// at (x+0.5, y+0.5)).
type sums struct {
	n                     int
	sx, sy, sxx, syy, sxy float64
}

// blob is a connected set of dark pixels, with the moments that give its
// centre, direction and size.
type blob struct {
	sums
	cx, cy            float64 // centre
	length, thickness float64 // along and across the major axis
	ux, uy            float64 // unit vector of the major axis, uy >= 0
}

// part is a blob being labelled: its moments so far, and its parent in
// the forest of parts that labelRow merges (itself at a root).
type part struct {
	sums
	parent int32
}

// run is a stretch of dark pixels of one row, and its part.
type run struct {
	x0, x1 int32 // [x0, x1)
	part   int32
}

// Limits that keep the search bounded whatever the image: a row with more
// runs than maxRowRuns is noise and left out, and an image with more
// blobs than maxBlobs is texture and given up.
const (
	maxRowRuns = 1 << 12
	maxBlobs   = 1 << 17
)

// blobs labels the dark pixels of img in 8-connected blobs, row by row,
// and returns those of at least minPixels, in the order of their roots'
// parts (see labelRow).
func (r *Reader) blobs(img Image, minPixels int) []blob {
	w, h := img.GetWidth(), img.GetHeight()
	parts := r.parts[:0]
	prev, cur := r.prev[:0], r.cur[:0]
	if r.row == nil || r.row.GetSize() != w {
		r.row = gozxing.NewBitArray(w)
	}
	defer func() { // a row of the image, and its lengths
		r.row.Clear()
		clear(r.lengths[:cap(r.lengths)])
	}()
	lent, _ := img.(RowLengths)
	for y := 0; y < h; y++ {
		if lent != nil {
			var l []int
			l, r.lengths = lent.RowLengths(y, r.lengths)
			cur = runsOf(l, cur[:0])
		} else {
			r.row = img.GetRow(y, r.row)
			cur = rowRuns(r.row.GetBitArray(), w, cur[:0])
		}
		if len(parts)+len(cur) > maxBlobs {
			// Perhaps more parts than maxBlobs: label the row a run at a
			// time to see.
			for i := range cur {
				made := len(parts)
				if parts = labelRow(prev, cur[:i+1], slices.Grow(parts, 1), y, i); len(parts) > maxBlobs {
					r.parts, r.prev, r.cur = parts[:made], prev, cur
					return nil
				}
			}
		} else {
			parts = labelRow(prev, cur, slices.Grow(parts, len(cur)), y, 0)
		}
		prev, cur = cur, prev
	}
	r.parts, r.prev, r.cur = parts, prev, cur
	out := r.found[:0]
	for i := range parts {
		p := &parts[i]
		if p.parent != int32(i) || p.n < minPixels {
			continue
		}
		b := blob{sums: p.sums}
		b.shape()
		out = append(out, b)
	}
	r.found = out
	return out
}

// labelRow labels the runs of row y, cur, from the from-th on, with the
// roots of their parts, given those of the row above, prev, and adds
// their pixels to the parts' moments. A run's part is the root of the
// runs above it that it touches, diagonals too (from the first that
// ends at or past its x0, x1 exclusive, while they start at or before
// its x1), merged into one: of two parts that meet, the smaller into the
// larger, into the one met first when they are as large. Where it
// touches none, a part is made for it: parts must have room for one a
// run. It returns parts, grown by those made.
func labelRow(prev, cur []run, parts []part, y, from int) []part {
	fy := float64(y) + 0.5
	fyy := fy * fy
	j := 0
	for i := from; i < len(cur); i++ {
		x0, x1 := cur[i].x0, cur[i].x1
		for j < len(prev) && prev[j].x1 < x0 {
			j++
		}
		var id int32
		if j < len(prev) && prev[j].x0 <= x1 {
			id = root(parts, prev[j].part)
			k := j + 1
			for ; k < len(prev) && prev[k].x0 <= x1; k++ {
				b := root(parts, prev[k].part)
				if b == id {
					continue
				}
				if parts[id].n < parts[b].n {
					id, b = b, id
				}
				p, q := &parts[id], &parts[b]
				q.parent = id
				p.n += q.n
				p.sx, p.sy, p.sxx, p.syy, p.sxy = p.sx+q.sx, p.sy+q.sy, p.sxx+q.sxx, p.syy+q.syy, p.sxy+q.sxy
			}
			// The runs above before the last touched end before the
			// next run's reach.
			j = k - 1
		} else {
			id = int32(len(parts))
			parts = parts[:id+1]
			parts[id] = part{parent: id}
		}
		cur[i].part = id
		// The run's pixels, their centres c-(n-1)/2 … c+(n-1)/2 round
		// its middle c on the row's, fy: Σ x² is n·c² + (n-1)n(n+1)/12.
		// Each term is a multiple of 1/4 (the second, of the product of
		// three consecutive numbers over 12, of 1/2), and so is each sum,
		// all below 2⁵¹ in an image up to 4096 pixels a side (a blob's
		// Σ x² is at most w·h·w²): each is exact, as adding the pixels
		// one by one was.
		p := &parts[id]
		n := float64(x1 - x0)
		c := float64(x0+x1) * 0.5
		sx := n * c
		p.n += int(x1 - x0)
		p.sx += sx
		p.sy += n * fy
		p.sxx += sx*c + n*(n*n-1)/12
		p.syy += n * fyy
		p.sxy += sx * fy
	}
	return parts
}

// root returns the root of part b, halving the path to it.
func root(parts []part, b int32) int32 {
	for parts[b].parent != b {
		parts[b].parent = parts[parts[b].parent].parent
		b = parts[b].parent
	}
	return b
}

// rowRuns appends the dark runs of a row given as 32-pixel words; a row
// of more than maxRowRuns runs is noise and gives none. It visits only
// the pixels where the row changes, a word at a time: bit j of
// w ^ (w<<1 | carry) is set where pixel j differs from the one before,
// and a word with none is all light or all dark, as the pixel before
// it. The changes alternate, a run's start then its end, and are taken
// two at a time; those past the width are masked off, and a run still
// open there ends with the row.
func rowRuns(words []uint32, width int, out []run) []run {
	start0 := len(out)
	n := min(len(words), (width+31)/32)
	words = words[:n]
	// Room for every run the row may give: half its pixels, up to
	// maxRowRuns ended and one open at the row's end.
	out = slices.Grow(out, min((width+1)/2, maxRowRuns+1))
	m := start0             // the runs written: out[start0:m]
	limit := m + maxRowRuns // one more ended there and the row gives none
	out = out[:cap(out)]
	var fill uint32 // a word without changes: ^0 while a run is open
	var start int32
	for i := 0; i < n; i++ {
		if words[i] == fill {
			continue
		}
		wd := words[i]
		t := wd ^ (wd<<1 | fill&1)
		if rest := width - i*32; rest < 32 {
			if t &= 1<<rest - 1; t == 0 {
				break
			}
		}
		base := int32(i * 32)
		if fill != 0 { // the open run ends at the first change
			if m == limit {
				return out[:start0]
			}
			out[m] = run{x0: start, x1: base + int32(bits.TrailingZeros32(t))}
			m++
			t &= t - 1
			fill = 0
		}
		for t != 0 {
			s := base + int32(bits.TrailingZeros32(t))
			if t &= t - 1; t == 0 {
				start, fill = s, ^uint32(0)
				break
			}
			if m == limit {
				return out[:start0]
			}
			out[m] = run{x0: s, x1: base + int32(bits.TrailingZeros32(t))}
			m++
			t &= t - 1
		}
	}
	if fill != 0 {
		out[m] = run{x0: start, x1: int32(width)}
		m++
	}
	return out[:m]
}

// runsOf appends the dark runs of a row whose lengths are l, as
// RowLengths lends them, as rowRuns finds them: none where more than
// maxRowRuns of them end before the row's end.
func runsOf(l []int, out []run) []run {
	start0 := len(out)
	// The dark runs are every other from the second, the last of them
	// ending with the row when the lengths are even in number.
	if ended := len(l)/2 - 1 + len(l)%2; ended > maxRowRuns {
		return out
	}
	out = slices.Grow(out, len(l)/2)[:start0+len(l)/2]
	x := int32(l[0])
	for k, m := 1, start0; k < len(l); k, m = k+2, m+1 {
		n := int32(l[k])
		out[m] = run{x0: x, x1: x + n}
		if x += n; k+1 < len(l) {
			x += int32(l[k+1])
		}
	}
	return out
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
