package datamatrix

import "slices"

// Wipe zeroes what the searches since the last Wipe left in the reader's
// buffers: the marks of the edges traced, the contours, their polygons
// and finder corners, the bars' thicknesses, the timing patterns' hits
// and fitted points, the module boundaries and samples, the sizes scored,
// and the symbols read (their corners, and the decoder's results with
// the data). It clears each array only as far as those searches wrote
// it, and allocates nothing. The scanner calls it after its passes.
func (r *Reader) Wipe() { r.det.wipe() }

// wipe is Wipe. The copy of the image needs none: each search clears it
// before it returns.
func (d *detector) wipe() {
	h := &d.held
	d.seen.wipe()
	clear(upTo(d.seeds, h.seeds))
	clear(upTo(d.contour, h.contour))
	clear(upTo(d.verts, h.verts))
	clear(upTo(d.segs, h.verts))
	clear(upTo(d.corners, h.corners))
	clear(upTo(d.thick, h.thick))
	clear(upTo(d.hits, h.hits))
	clear(upTo(d.bins, h.hits))
	clear(upTo(d.obs, h.obs))
	clear(upTo(d.binBest, h.binBest))
	clear(upTo(d.binDist, h.binBest))
	clear(upTo(d.fitPts, h.fitPts))
	clear(upTo(d.sizes, h.sizes))
	// The symbols read went out as results, which hold their own copies
	// of the corners and share the decoder's results: the detector lets
	// go of those, and clears its own.
	for _, f := range upTo(d.found, h.found) {
		if f != nil {
			*f = decoded{}
		}
	}
	clear(upTo(d.found, h.found))
	d.seeds, d.contour, d.verts, d.segs, d.corners = d.seeds[:0], d.contour[:0], d.verts[:0], d.segs[:0], d.corners[:0]
	d.thick, d.hits, d.bins, d.obs, d.fitPts, d.sizes, d.found = d.thick[:0], d.hits[:0], d.bins[:0], d.obs[:0], d.fitPts[:0], d.sizes[:0], d.found[:0]
	d.held = heldLengths{}
	d.poly.wipe()
	d.line.wipe()
	d.steps, d.measured, d.varied, d.traced = 0, 0, 0, 0
	d.lastErr = nil // the decoder's errors name codeword values and counts
}

// upTo returns the first n entries of s's array, or all it has room for.
func upTo[T any](s []T, n int) []T { return s[:min(n, cap(s))] }

// roomFor returns s emptied, with room for n entries: a new array where
// it has less, the old one cleared. Appends within that room never drop
// an array with what it held of the image, which nothing would clear.
func roomFor[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	clear(s[:cap(s)])
	return make([]T, 0, max(n, 2*cap(s)))
}

// grow returns s with room for n more entries, as slices.Grow does, but
// where it grows s into a new array, it clears the old one, as roomFor.
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return regrow(s, n)
}

// regrow is grow's way out, on its own so that grow's test stays inline
// in the loops that append.
func regrow[T any](s []T, n int) []T {
	g := slices.Grow(s[:len(s):len(s)], n)
	clear(s[:cap(s)])
	return g
}
