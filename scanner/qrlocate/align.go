package qrlocate

import (
	"sort"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// searchRadius is how far from where the map puts it an alignment
// pattern is looked for, in modules: the finders' corners, a few tenths
// of a pixel off, extrapolate to the far corner a module or two off.
const searchRadius = 2.0

// align finds the alignment patterns (ISO/IEC 18004 §6.3.6) of a
// dim-module symbol, nearest the finders first, and refits the map to
// r.pts (the finders' corners) and each one found. It reports whether it
// found any.
func (r *Reader) align(bm *gozxing.BitMatrix, h geom.Homography, dim int) (geom.Homography, bool) {
	ver, err := qrdecoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return h, false
	}
	at := ver.GetAlignmentPatternCenters()
	type centre struct{ x, y int }
	var cs []centre
	for i, x := range at {
		for j, y := range at {
			last := len(at) - 1
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // under a finder
			}
			cs = append(cs, centre{x, y})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].x+cs[i].y < cs[j].x+cs[j].y })
	found := false
	for _, c := range cs {
		ox, oy, ok := alignmentOffset(bm, &h, c.x, c.y)
		if !ok {
			continue
		}
		// The 3x3 modules round the centre, all shifted alike: enough
		// weight against the finders' 12 corners.
		for dy := -1.0; dy <= 1; dy++ {
			for dx := -1.0; dx <= 1; dx++ {
				x, y := float64(c.x)+0.5+dx, float64(c.y)+0.5+dy
				u, v := h.Apply(x+ox, y+oy)
				r.pts = append(scrub.Grow(r.pts, 1), geom.Correspondence{X: x, Y: y, U: u, V: v})
			}
		}
		if nh, ok := geom.FitHomography(r.pts); ok {
			h, found = nh, true
		}
	}
	return h, found
}

// alignmentOffset searches, within searchRadius modules of where h puts
// the alignment pattern centred on module (cx, cy), the offset at which
// its 5x5 modules (dark ring, light ring, dark centre) show best, and
// reports it when nearly all of them do: every half module, then every
// quarter round the best.
func alignmentOffset(bm *gozxing.BitMatrix, h *geom.Homography, cx, cy int) (float64, float64, bool) {
	best, bx, by := -1, 0.0, 0.0
	const total = 5 * 5 * 5
	try := func(ox, oy float64) {
		score := alignmentScore(bm, h, float64(cx)+ox, float64(cy)+oy)
		if score > best || (score == best && ox*ox+oy*oy < bx*bx+by*by) {
			best, bx, by = score, ox, oy
		}
	}
	for oy := -searchRadius; oy <= searchRadius+1e-9; oy += 0.5 {
		for ox := -searchRadius; ox <= searchRadius+1e-9; ox += 0.5 {
			try(ox, oy)
		}
	}
	x0, y0 := bx, by
	for _, d := range [8][2]float64{{-0.25, -0.25}, {0, -0.25}, {0.25, -0.25}, {-0.25, 0}, {0.25, 0}, {-0.25, 0.25}, {0, 0.25}, {0.25, 0.25}} {
		try(x0+d[0], y0+d[1])
	}
	return bx, by, best*10 >= total*9
}

// alignmentScore counts the samples of the 5x5 modules round (x, y), the
// centre module's corner, that show as an alignment pattern: five in
// each module, at its centre and 0.3 module off it each way.
func alignmentScore(bm *gozxing.BitMatrix, h *geom.Homography, x, y float64) int {
	score := 0
	for my := -2; my <= 2; my++ {
		for mx := -2; mx <= 2; mx++ {
			want := max(abs(mx), abs(my)) != 1
			mcx, mcy := x+float64(mx)+0.5, y+float64(my)+0.5
			for _, d := range [5][2]float64{{0, 0}, {0.3, 0}, {-0.3, 0}, {0, 0.3}, {0, -0.3}} {
				u, v := h.Apply(mcx+d[0], mcy+d[1])
				if qrfinder.Dark(bm, u, v) == want {
					score++
				}
			}
		}
	}
	return score
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
