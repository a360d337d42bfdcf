package maxicode

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// Perspective refinement. The bullseye fit is affine, which is not enough
// for a symbol seen at an angle: far from the centre the grid drifts. The
// drift is measured in patches of modules, where the sampling offset that
// puts the samples in the middle of modules (centre and four neighbouring
// samples agree) is searched, first in patches near the bullseye, then,
// through the homography fitted to those, in patches farther out.

// homography maps symbol coordinates (module widths from the bullseye
// centre, rows already scaled by the row pitch) to image coordinates.
type homography = geom.Homography

type correspondence = geom.Correspondence

var fitHomography = geom.FitHomography

// patchRadii are the distances from the bullseye centre, in module
// widths, of the rings of patches measured one after the other.
var patchRadii = [3]float64{6, 9.5, 13}

// patchCentre is the grid module nearest a symbol-space point.
func patchCentre(x, y float64) (int, int) {
	row := int(math.Round(y/rowPitch)) + centerRow
	col := int(math.Round(x-0.5*float64(row&1))) + centerCol
	return row, col
}

// symbolXY is the symbol-space position of a grid module's centre.
func symbolXY(row, col int) (float64, float64) {
	return float64(col-centerCol) + 0.5*float64(row&1), float64(row-centerRow) * rowPitch
}

// refine returns a frame whose homography follows the measured drift.
func refine(bm *gozxing.BitMatrix, f frame) (frame, bool) {
	pts := make([]correspondence, 0, 32)
	// Anchor the centre and the outer ring, which the ellipse fit got right.
	for _, p := range [5][2]float64{{0, 0}, {outerRing, 0}, {-outerRing, 0}, {0, outerRing}, {0, -outerRing}} {
		u, v := f.point(p[0], p[1])
		pts = append(pts, correspondence{X: p[0], Y: p[1] * f.aspect, U: u, V: v})
	}
	anchors := len(pts)
	var h homography
	mapPt := func(x, y float64) (float64, float64) { return f.point(x, y/f.aspect) }
	// A second pass starts from the first pass's homography.
	for pass := 0; pass < 2; pass++ {
		pts = pts[:anchors]
		for _, radius := range patchRadii {
			for k := 0; k < 8; k++ {
				a := float64(k) * math.Pi / 4
				row, col := patchCentre(radius*math.Cos(a), radius*math.Sin(a))
				if row < 2 || row > gridRows-3 || col < 2 || col > gridCols-3 {
					continue
				}
				ox, oy, ok := bestOffset(bm, mapPt, row, col)
				if !ok {
					continue
				}
				x, y := symbolXY(row, col)
				u, v := mapPt(x+ox, y+oy)
				pts = append(pts, correspondence{X: x, Y: y, U: u, V: v})
			}
			nh, ok := fitHomography(pts)
			if !ok {
				return f, false
			}
			h = nh
			mapPt = h.Apply
		}
	}
	g := f
	g.h = &h
	return g, true
}

// bestOffset searches the sampling offset, within half a module, at which
// the modules of a 5x5 patch look most like whole modules.
func bestOffset(bm *gozxing.BitMatrix, mapPt func(x, y float64) (float64, float64), row0, col0 int) (float64, float64, bool) {
	bestScore, bx, by := -1, 0.0, 0.0
	zeroScore := 0
	for oy := -0.5; oy <= 0.501; oy += 0.125 {
		for ox := -0.5; ox <= 0.501; ox += 0.125 {
			score := 0
			for r := row0 - 2; r <= row0+2; r++ {
				for c := col0 - 2; c <= col0+2; c++ {
					if r < 0 || r >= gridRows || c < 0 || c >= gridCols || moduleLayout[r][c] == noBit {
						continue
					}
					x, y := symbolXY(r, c)
					x, y = x+ox, y+oy
					cu, cv := mapPt(x, y)
					centre := dark(bm, cu, cv)
					for _, d := range [4][2]float64{{0.28, 0}, {-0.28, 0}, {0, 0.28}, {0, -0.28}} {
						u, v := mapPt(x+d[0], y+d[1])
						if dark(bm, u, v) == centre {
							score++
						}
					}
				}
			}
			if ox == 0 && oy == 0 {
				zeroScore = score
			}
			if score > bestScore || (score == bestScore && math.Hypot(ox, oy) < math.Hypot(bx, by)) {
				bestScore, bx, by = score, ox, oy
			}
		}
	}
	// A patch without contrast tells nothing.
	return bx, by, bestScore > zeroScore || (bx == 0 && by == 0 && bestScore > 0)
}
