package datamatrix

import "github.com/scannerd/scannerd/scanner/internal/scrub"

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
	clear(scrub.UpTo(d.seeds, h.seeds))
	clear(scrub.UpTo(d.contour, h.contour))
	clear(scrub.UpTo(d.verts, h.verts))
	clear(scrub.UpTo(d.segs, h.verts))
	clear(scrub.UpTo(d.corners, h.corners))
	clear(scrub.UpTo(d.thick, h.thick))
	clear(scrub.UpTo(d.hits, h.hits))
	clear(scrub.UpTo(d.bins, h.hits))
	clear(scrub.UpTo(d.obs, h.obs))
	clear(scrub.UpTo(d.binBest, h.binBest))
	clear(scrub.UpTo(d.binDist, h.binBest))
	clear(scrub.UpTo(d.fitPts, h.fitPts))
	clear(scrub.UpTo(d.sizes, h.sizes))
	// The symbols read went out as results, which hold their own copies
	// of the corners and share the decoder's results: the detector lets
	// go of those, and clears its own.
	for _, f := range scrub.UpTo(d.found, h.found) {
		if f != nil {
			*f = decoded{}
		}
	}
	clear(scrub.UpTo(d.found, h.found))
	d.seeds, d.contour, d.verts, d.segs, d.corners = d.seeds[:0], d.contour[:0], d.verts[:0], d.segs[:0], d.corners[:0]
	d.thick, d.hits, d.bins, d.obs, d.fitPts, d.sizes, d.found = d.thick[:0], d.hits[:0], d.bins[:0], d.obs[:0], d.fitPts[:0], d.sizes[:0], d.found[:0]
	d.poly.wipe(h.verts)
	d.held = heldLengths{}
	d.line.wipe()
	d.steps, d.measured, d.varied, d.traced = 0, 0, 0, 0
	d.lastErr = nil // the decoder's errors name codeword values and counts
}
