package pdf417

import (
	"cmp"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
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
// plain, when not nil, holds m's words as they are (nothing erased),
// stride words a row, which the coarse count samples rather than m's rows.
func (r *MicroReader) coarseRegions(m *gozxing.BitMatrix, plain []uint32, stride, cw int, out []turnedRegion) []turnedRegion {
	w, h := m.GetWidth(), m.GetHeight()
	sw, sh := r.sampled(m, plain, stride)
	if sh == 0 {
		return out
	}
	ccw := r.countChanges(r.coarseWords, r.coarseStride, sw, sh)
	if ccw == 0 {
		return out
	}
	r.belowNoise()
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
	found := r.clusters(coarse, ccw, microCoarse, w, h, r.coarseFound[:0])
	r.coarseFound = found[:0]
	slices.SortStableFunc(found, func(a, b turnedRegion) int { return cmp.Compare(b.cells, a.cells) })
	k := min(len(found), microCoarseRegions)
	return append(scrub.Grow(out, k), found[:k]...) // see clusters
}

// sampled fills r.coarseWords (r.coarseStride words a row) with m
// sampled every microCoarse-th pixel of every microCoarse-th row, the
// pixel in the middle of each microCoarse square, and returns its size;
// 0×0 when that leaves under two rows. It samples the rows of plain, m's
// words as they are, stride words a row, where given (the rows the engine
// shares): no row copied out of m.
func (r *MicroReader) sampled(m *gozxing.BitMatrix, plain []uint32, stride int) (w, h int) {
	w, h = m.GetWidth()/microCoarse, m.GetHeight()/microCoarse
	if w < 2 || h < 2 {
		return 0, 0
	}
	r.coarseStride = (w + 31) / 32
	need := h * r.coarseStride
	if cap(r.coarseWords) < need {
		clear(r.coarseWords[:cap(r.coarseWords)]) // see copyWords
		r.coarseWords = make([]uint32, need)
	}
	r.coarseWords = r.coarseWords[:need]
	for y := range h {
		var src []uint32
		if sy := microCoarse*y + microCoarse/2; plain != nil {
			src = plain[sy*stride : (sy+1)*stride]
		} else {
			r.row = m.GetRow(sy, r.row)
			src = r.row.GetBitArray()
		}
		dst := r.coarseWords[y*r.coarseStride : (y+1)*r.coarseStride]
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
	}
	return w, h
}

// gatherEveryFourth returns bits 0, 4, 8, … 28 of x as bits 0 to 7.
func gatherEveryFourth(x uint32) uint32 {
	x &= 0x11111111
	x = (x | x>>3) & 0x03030303
	x = (x | x>>6) & 0x000f000f
	return (x | x>>12) & 0xff
}
