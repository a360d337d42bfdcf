package postal

import (
	"math"
	"unsafe"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
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
// the forest of parts that labelRow merges (itself at a root). The
// moments are integers, of the doubled centres (2x+1, 2y+1): sx and sy
// are twice sums', syy and sxy four times, and sxx twelve times (three
// times four: a run's is summed without a division). Each is exact
// whatever the order its runs and parts are added in (below 2^63 in an
// image under 2^14 pixels a side), and sums takes them as the floats
// summed pixel by pixel were, exactly where those were (below 2^53,
// sxx once divided by 3).
type part struct {
	n                     int
	sx, sy, sxx, syy, sxy int64
	parent                int32
}

// sums returns the part's moments as sums has them.
func (p *part) sums() sums {
	return sums{n: p.n, sx: float64(p.sx) / 2, sy: float64(p.sy) / 2,
		sxx: float64(p.sxx/3) / 4, syy: float64(p.syy) / 4, sxy: float64(p.sxy) / 4}
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

// beyond is a run past every row's end: each row's runs end with it, so
// that the walk along the row above stops there without a test of its
// own.
var beyond = run{x0: math.MaxInt32, x1: math.MaxInt32}

// blobs labels the dark pixels of img in 8-connected blobs, row by row,
// and returns those of at least minPixels, in the order of their roots'
// parts (see labelRow).
func (r *Reader) blobs(img Image, minPixels int) []blob {
	w, h := img.GetWidth(), img.GetHeight()
	parts := r.parts[:0]
	prev, cur := append(r.prev[:0], beyond), r.cur[:0]
	if r.row == nil || r.row.GetSize() != w {
		r.row = gozxing.NewBitArray(w)
	}
	// held is the most runs a row of the image gave, beyond included: the
	// room prev and cur were written in, whatever the last rows gave.
	held := len(prev)
	defer func() {
		// A row of the image and its lengths; its rows' runs; and the
		// parts' moments, as many as this labelling made (those of the
		// labellings before it were cleared with them).
		r.row.Clear()
		clear(r.lengths[:cap(r.lengths)])
		clear(scrub.UpTo(r.prev, held))
		clear(scrub.UpTo(r.cur, held))
		clear(r.parts)
	}()
	lent, _ := img.(RowLengths)
	for y := 0; y < h; y++ {
		var l []int
		if lent != nil {
			l, r.lengths = lent.RowLengths(y, r.lengths)
		} else {
			r.row = img.GetRow(y, r.row)
			r.lengths = bitrow.Lengths(r.row.GetBitArray(), w, r.lengths)
			l = r.lengths
		}
		var ok bool
		cur, parts, ok = labelRow(prev, l, cur, parts, y)
		held = max(held, len(cur))
		if !ok {
			r.parts, r.prev, r.cur = parts, prev, cur
			return nil
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
		b := blob{sums: p.sums()}
		b.shape()
		out = append(scrub.Grow(out, 1), b)
	}
	r.found = out
	return out
}

// labelRow labels the dark runs of row y, whose lengths are l (light
// and dark by turns, light first, as RowLengths lends them), with the
// roots of their parts, given the runs of the row above, prev, and adds
// their pixels to the parts' moments. It returns the row's runs, in
// cur's room, ended by beyond, as prev wants them: none where more than
// maxRowRuns of them end before the row's end. A run's part is the root
// of the runs above it that it touches, diagonals too (from the first
// that ends at or past its x0, x1 exclusive, while they start at or
// before its x1), merged into one: of two parts that meet, the smaller
// into the larger, into the one met first when they are as large.
// Where it touches none, a part is made for it. It returns parts, grown
// by those made, and false, when that would make more than maxBlobs,
// at the first run past them.
func labelRow(prev []run, l []int, cur []run, parts []part, y int) ([]run, []part, bool) {
	// The dark runs are every other from the second, the last of them
	// ending with the row when the lengths are even in number.
	dark := len(l) / 2
	if ended := dark - 1 + len(l)%2; ended > maxRowRuns {
		return append(cur[:0], beyond), parts, true
	}
	cur = scrub.Grow(cur[:0], dark+1)[:dark+1]
	cur[dark] = beyond
	parts = scrub.Grow(parts, dark)
	cy := int64(2*y + 1)
	// above walks the runs of the row above, which beyond ends: the walk
	// stops there without a bounds test (a pointer, not an index into
	// prev, spares the loop a register or two it would spill).
	above := unsafe.Pointer(unsafe.SliceData(prev))
	_ = prev[len(prev)-1] // beyond at least
	// to is where the next of the row's runs goes, in cur, which has room
	// for them all.
	to := unsafe.Pointer(unsafe.SliceData(cur))
	var x1 int32
	for k := 0; k+1 < len(l); k += 2 {
		x0 := x1 + int32(l[k])
		x1 = x0 + int32(l[k+1])
		// The runs above that end before this one's reach.
		for (*run)(above).x1 < x0 {
			above = unsafe.Add(above, unsafe.Sizeof(run{}))
		}
		var id int32
		if a := (*run)(above); a.x0 <= x1 {
			id = root(parts, a.part)
			if next := (*run)(unsafe.Add(above, unsafe.Sizeof(run{}))); next.x0 <= x1 {
				id, above = merge(above, parts, id, x1)
			}
		} else {
			id = int32(len(parts))
			if id == maxBlobs {
				return cur, parts, false
			}
			parts = parts[:id+1]
			parts[id] = part{parent: id}
		}
		*(*run)(to) = run{x0: x0, x1: x1, part: id}
		to = unsafe.Add(to, unsafe.Sizeof(run{}))
		// The run's pixels, their doubled centres 2x+1 from x0+x0+1 to
		// x1+x1-1, round their middle x0+x1: their sum is n·(x0+x1), and
		// that of their squares n·(x0+x1)² + (n-1)n(n+1)/3, kept three
		// times over (the product of three consecutive numbers, not
		// divided).
		p := &parts[id]
		n, c := int64(x1-x0), int64(x0+x1)
		sx := n * c
		p.n += int(n)
		p.sx += sx
		p.sy += n * cy
		p.sxx += 3*sx*c + (n-1)*n*(n+1)
		p.syy += n * cy * cy
		p.sxy += sx * cy
	}
	return cur, parts, true
}

// merge merges into part id, the root of the run that above points at, the
// parts of the runs after it that start at or before x1 (beyond ends
// them), and returns the root of them all and the last of those runs.
func merge(above unsafe.Pointer, parts []part, id int32, x1 int32) (int32, unsafe.Pointer) {
	for {
		next := unsafe.Add(above, unsafe.Sizeof(run{}))
		if (*run)(next).x0 > x1 {
			return id, above
		}
		above = next
		b := root(parts, (*run)(above).part)
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
}

// root returns the root of part b, halving the path to it.
func root(parts []part, b int32) int32 {
	for parts[b].parent != b {
		parts[b].parent = parts[parts[b].parent].parent
		b = parts[b].parent
	}
	return b
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
