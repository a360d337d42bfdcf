package qrfinder

import (
	"sort"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// Square is the finder pattern's outline in symbol coordinates, the
// symbol's top-left corner at 0,0.
var Square = [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}}

// Orientations lays the finder's square over its image corners in the
// four turns (and, when mirrored, their mirror images) and returns the
// maps whose score reaches minScore, best first.
func Orientations(corners [4][2]float64, mirrored bool, score func(*geom.Homography) float64, minScore float64) []geom.Homography {
	type cand struct {
		h     geom.Homography
		score float64
	}
	var cands []cand
	mirrors := []bool{false}
	if mirrored {
		mirrors = append(mirrors, true)
	}
	for _, mirror := range mirrors {
		for k := 0; k < 4; k++ {
			var pts [4]geom.Correspondence
			for i, m := range Square {
				j := (k + i) % 4
				if mirror {
					j = (k - i + 4) % 4
				}
				pts[i] = geom.Correspondence{X: m[0], Y: m[1], U: corners[j][0], V: corners[j][1]}
			}
			h, ok := geom.FitHomography(pts[:])
			if !ok {
				continue
			}
			if s := score(&h); s >= minScore {
				cands = append(cands, cand{h, s})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	out := make([]geom.Homography, len(cands))
	for i, c := range cands {
		out[i] = c.h
	}
	return out
}

// Each finds the finder patterns (every row with tryHarder, else every
// other) and runs decode on each: it returns the first result or, with
// all, every distinct one, and else the last error. The search is the
// one hints carry when it is of bm (see FindShared).
func (r *Scanner) Each(bm *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}, tryHarder, all bool, decode func(Finder) (*gozxing.Result, error)) ([]*gozxing.Result, error) {
	step := 2
	if tryHarder {
		step = 1
	}
	var out []*gozxing.Result
	lastErr := error(gozxing.NewNotFoundException())
	for _, f := range r.FindShared(bm, step, hints) {
		res, err := decode(f)
		if err != nil {
			lastErr = err
			continue
		}
		if !all {
			return []*gozxing.Result{res}, nil
		}
		if !Repeats(out, res) {
			out = append(out, res)
		}
	}
	if len(out) == 0 {
		return nil, lastErr
	}
	return out, nil
}
