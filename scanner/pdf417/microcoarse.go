package pdf417

import (
	"sort"

	"github.com/makiuchi-d/gozxing"
)

// Large modules. The count of colour changes per cell (countChanges) sees
// bars where a 32-pixel word of a row crosses three edges or more: up to
// about 8 pixels a module, a MicroPDF417 element being two modules on
// average. Larger modules (a label close to the camera, a symbol drawn
// with zint --scale 5 or more) leave too few cells above microBusy. So the
// changes are counted a second time on the image sampled every
// microCoarse-th pixel of every microCoarse-th row, where such a symbol
// has the modules of an ordinary one, and the clusters of that count are
// searched, after those of the first, in views sampled alike. Only the
// coarse cells where the first count found bars in at most half of its
// cells are taken: a symbol of small modules, or print, sampled coarsely
// still changes colour often, and is searched already. The second count
// costs a sixteenth of the first; the search of its clusters, which the
// wide bars of 1D symbols photographed close make on the development
// set's images, adds about 8 % to the samples the MicroPDF417 and GS1
// Composite searches take there (the views are coarse, but the lines
// across a candidate's rows are as many).

// microCoarse is the sampling step of the coarse count, in pixels: modules
// of 10 to 32 pixels become 2.5 to 8.
const microCoarse = 4

// microCoarseFine is the most of a coarse cell's microCoarse² (16) fine
// cells that may hold bars for the coarse cell to be searched: where more
// do, the first count has seen the bars there. Modules of 10 pixels still
// leave a third of the fine cells barred, by rows whose edges happen to
// bunch, too few and too scattered for a cluster of their own.
const microCoarseFine = 8

// microCoarseRegions bounds the clusters of the coarse count searched
// per image.
const microCoarseRegions = 4

// coarseRegions appends to out the clusters of the coarse count of m
// whose cells the fine count (r.barred, a grid cw cells wide) found few
// bars in, largest first.
func (r *MicroReader) coarseRegions(m *gozxing.BitMatrix, cw int, out []turnedRegion) []turnedRegion {
	w, h := m.GetWidth(), m.GetHeight()
	c := r.sampled(m)
	if c == nil {
		return out
	}
	r.coarseWords, r.coarseStride, r.coarseRow = copyWords(c, r.coarseRow, r.coarseWords)
	ccw := r.countChanges(r.coarseWords, r.coarseStride, c.GetWidth(), c.GetHeight())
	if ccw == 0 {
		return out
	}
	fineRows := len(r.barred) / cw
	coarse := r.barredCells(r.coarseBarred)
	r.coarseBarred = coarse
	any := false
	for i, b := range coarse {
		if !b {
			continue
		}
		x, y := (i%ccw)*microCoarse, (i/ccw)*microCoarse
		fine := 0
		for fy := y; fy < min(fineRows, y+microCoarse); fy++ {
			for fx := x; fx < min(cw, x+microCoarse); fx++ {
				if r.barred[fy*cw+fx] {
					fine++
				}
			}
		}
		coarse[i] = fine <= microCoarseFine
		any = any || coarse[i]
	}
	if !any {
		return out
	}
	found := r.clusters(coarse, ccw, microCoarse, w, h, nil)
	sort.SliceStable(found, func(i, j int) bool { return found[i].cells > found[j].cells })
	return append(out, found[:min(len(found), microCoarseRegions)]...)
}

// sampled returns m sampled every microCoarse-th pixel of every
// microCoarse-th row, the pixel in the middle of each microCoarse square,
// in the reader's scratch matrix; nil when that leaves under two rows.
func (r *MicroReader) sampled(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := m.GetWidth()/microCoarse, m.GetHeight()/microCoarse
	if w < 2 || h < 2 {
		return nil
	}
	if r.coarse == nil || r.coarse.GetWidth() != w || r.coarse.GetHeight() != h {
		if r.coarse != nil {
			r.coarse.Clear()
		}
		r.coarse, _ = gozxing.NewBitMatrix(w, h)
		r.coarseRow = gozxing.NewBitArray(w)
	}
	for y := range h {
		r.row = m.GetRow(microCoarse*y+microCoarse/2, r.row)
		src, dst := r.row.GetBitArray(), r.coarseRow.GetBitArray()
		for j := range dst {
			var word uint32
			for k := range microCoarse {
				if i := microCoarse*j + k; i < len(src) {
					word |= gatherEveryFourth(src[i]>>(microCoarse/2)) << (8 * k)
				}
			}
			dst[j] = word
		}
		if extra := len(dst)*32 - w; extra > 0 {
			dst[len(dst)-1] &= ^uint32(0) >> extra // no pixels past the end
		}
		r.coarse.SetRow(y, r.coarseRow)
	}
	return r.coarse
}

// gatherEveryFourth returns bits 0, 4, 8, … 28 of x as bits 0 to 7.
func gatherEveryFourth(x uint32) uint32 {
	x &= 0x11111111
	x = (x | x>>3) & 0x03030303
	x = (x | x>>6) & 0x000f000f
	return (x | x>>12) & 0xff
}
