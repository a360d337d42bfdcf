package hanxin

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// refine corrects a grid fitted to the finders' squares alone. Every
// patch of function modules (the finder patterns, and from version 4 the
// crossings of the alignment patterns) is matched against the image at
// sampling offsets up to half a module; the offset where most of its
// modules show what they should is where the patch really is. A
// homography through all the patches follows the symbol's perspective and
// the binarizer's bias better than four points.
func (r *Reader) refine(bm *gozxing.BitMatrix, h geom.Homography, l *layout) (geom.Homography, bool) {
	size := l.size
	var pts []geom.Correspondence
	add := func(row, col int) {
		ox, oy, ok := patchOffset(bm, &h, l, row, col)
		if !ok {
			return
		}
		x, y := float64(col)+0.5, float64(row)+0.5
		u, v := h.Apply(x+ox, y+oy)
		pts = append(pts, geom.Correspondence{X: x, Y: y, U: u, V: v})
	}
	for i := range 4 {
		r0, c0 := finderOrigin(i, size)
		add(r0+1, c0+1)
		add(r0+1, c0+5)
		add(r0+5, c0+1)
		add(r0+5, c0+5)
	}
	for _, p := range l.anchors {
		add(p[0], p[1])
	}
	if len(pts) < 8 {
		return h, false
	}
	return geom.FitHomography(pts)
}

// patchOffset searches the sampling offset, within half a module, at which
// the function modules of the 5 x 5 patch round (row, col) best show what
// the layout says they are.
func patchOffset(bm *gozxing.BitMatrix, h *geom.Homography, l *layout, row, col int) (float64, float64, bool) {
	best, zero, n := -1, 0, 0
	var bx, by float64
	for oy := -0.5; oy <= 0.501; oy += 0.125 {
		for ox := -0.5; ox <= 0.501; ox += 0.125 {
			score := 0
			n = 0
			for r := max(0, row-2); r <= min(l.size-1, row+2); r++ {
				for c := max(0, col-2); c <= min(l.size-1, col+2); c++ {
					st := l.mod[r*l.size+c]
					if st != fnDark && st != fnLight {
						continue
					}
					n++
					u, v := h.Apply(float64(c)+0.5+ox, float64(r)+0.5+oy)
					if dark(bm, u, v) == (st == fnDark) {
						score++
					}
				}
			}
			if ox == 0 && oy == 0 {
				zero = score
			}
			if score > best || score == best && ox*ox+oy*oy < bx*bx+by*by {
				best, bx, by = score, ox, oy
			}
		}
	}
	// A patch must be mostly function modules and mostly matched.
	return bx, by, n >= 8 && best >= n*4/5 && best >= zero
}
