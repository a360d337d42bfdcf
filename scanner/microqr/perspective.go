package microqr

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/qrfinder"

	"github.com/makiuchi-d/gozxing"
)

// Seen at an angle, a symbol's far corner drifts from the affine fit along
// its timing patterns. The drift is measured in patches of data modules
// near the far edges: the sampling offset at which each module's centre
// and four neighbouring samples agree is where the modules really are.
// A full homography through the timing points and these patches follows
// the perspective.
func (r *Reader) perspective(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	pts := append([]correspondence(nil), r.pts...)
	n := size - 3
	mid := size/2 + 1
	for _, pc := range [][2]int{{n, n}, {n, mid}, {mid, n}, {mid, mid}, {n, 4}, {4, n}} {
		ox, oy, ok := patchOffset(bm, &h, pc[0], pc[1], size)
		if !ok {
			continue
		}
		x, y := float64(pc[1])+0.5, float64(pc[0])+0.5
		u, v := h.Apply(x+ox, y+oy)
		pts = append(pts, correspondence{X: x, Y: y, U: u, V: v})
	}
	return fitHomography(pts)
}

// patchOffset searches, within half a module, the sampling offset at
// which the 5x5 modules around (row, col) look most like whole modules.
func patchOffset(bm *gozxing.BitMatrix, h *homography, row, col, size int) (float64, float64, bool) {
	best, zero := -1, 0
	var bx, by float64
	for oy := -0.5; oy <= 0.501; oy += 0.125 {
		for ox := -0.5; ox <= 0.501; ox += 0.125 {
			score := 0
			for r := max(1, row-2); r <= min(size-1, row+2); r++ {
				for c := max(1, col-2); c <= min(size-1, col+2); c++ {
					x, y := float64(c)+0.5+ox, float64(r)+0.5+oy
					cu, cv := h.Apply(x, y)
					centre := dark(bm, cu, cv)
					for _, d := range [4][2]float64{{0.3, 0}, {-0.3, 0}, {0, 0.3}, {0, -0.3}} {
						u, v := h.Apply(x+d[0], y+d[1])
						if dark(bm, u, v) == centre {
							score++
						}
					}
				}
			}
			if ox == 0 && oy == 0 {
				zero = score
			}
			if score > best || (score == best && math.Hypot(ox, oy) < math.Hypot(bx, by)) {
				best, bx, by = score, ox, oy
			}
		}
	}
	return bx, by, best > zero || (bx == 0 && by == 0 && best > 0)
}

// traceEdges follows the symbol's far edges, its last row and column
// against the quiet zone, from the timing patterns' ends outward: each
// dark module there shows where the edge runs. A homography through
// the timing points and these follows a steep tilt to the far corner,
// which nothing near the finder shows.
// The points found join r.pts.
func (r *Reader) traceEdges(bm *gozxing.BitMatrix, h homography, size int) (homography, bool) {
	pts := r.pts
	found := 0
	for k := 1; k < size; k++ {
		for _, e := range [2]qrfinder.Edge{{Horizontal: true, Line: size - 1, Outward: 1}, {Line: size - 1, Outward: 1}} {
			x, y := float64(k)+0.5, float64(size)-0.5
			if !e.Horizontal {
				x, y = y, x
			}
			if u, v := h.Apply(x, y); !dark(bm, u, v) {
				continue
			}
			p, ok := qrfinder.LocateBoundary(bm, &h, e, k)
			if !ok {
				continue
			}
			pts = append(pts, p)
			found++
			if found >= 2 {
				if nh, ok := fitHomography(pts); ok {
					h = nh
				}
			}
		}
	}
	r.pts = pts
	return h, found >= 3
}
