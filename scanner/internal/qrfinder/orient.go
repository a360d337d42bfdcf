package qrfinder

import (
	"cmp"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// Square is the finder pattern's outline in symbol coordinates, the
// symbol's top-left corner at 0,0.
var Square = [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}}

// Orientations lays the finder's square over its image corners in the
// four turns (and, when mirrored, their mirror images) and returns the
// maps whose score reaches minScore, best first.
func Orientations(corners [4][2]float64, mirrored bool, score func(*geom.Homography) float64, minScore float64) []geom.Homography {
	return orientations(corners, mirrored, score, minScore, nil)
}

// OrientationsShared is Orientations of the corners CornersShared gave
// for finder f of bm: the square's fits to them, which depend on the
// corners alone, are kept with them for the other readers of the family
// (Micro QR and rMQR score the same fits, each against its own symbol).
func OrientationsShared(bm *gozxing.BitMatrix, f Finder, hints map[gozxing.DecodeHintType]interface{}, corners [4][2]float64, mirrored bool, score func(*geom.Homography) float64, minScore float64) []geom.Homography {
	s, _ := hints[hint.Finders].(*Shared)
	return orientations(corners, mirrored, score, minScore, s.outlineOf(bm, f, corners))
}

// turns are the square's turns over a finder's corners: four, and their
// four mirror images.
const turns = 8

// fitTurn fits the finder's square to its corners in turn i: the square's
// first corner on corners[i], clockwise for i < 4, and anticlockwise from
// corners[i-4] (mirrored) after.
func fitTurn(corners [4][2]float64, i int) (geom.Homography, bool) {
	mirror, k := i >= 4, i%4
	var pts [4]geom.Correspondence
	for n, m := range Square {
		j := (k + n) % 4
		if mirror {
			j = (k - n + 4) % 4
		}
		pts[n] = geom.Correspondence{X: m[0], Y: m[1], U: corners[j][0], V: corners[j][1]}
	}
	return geom.FitHomography(pts[:])
}

// orientations is Orientations, taking the fits from o and keeping them
// there when o is not nil.
func orientations(corners [4][2]float64, mirrored bool, score func(*geom.Homography) float64, minScore float64, o *outline) []geom.Homography {
	type cand struct {
		h     geom.Homography
		score float64
	}
	var room [turns]cand // the candidates stay on the stack
	cands := room[:0]
	n := turns / 2
	if mirrored {
		n = turns
	}
	// One map for every turn: score, which may keep no pointer to it,
	// makes it escape, and one declared in the loop was made anew each
	// turn.
	var h geom.Homography
	for i := range n {
		var ok bool
		if o != nil {
			if o.fitted&(1<<i) == 0 {
				o.fits[i], o.fitOK[i] = fitTurn(corners, i)
				o.fitted |= 1 << i
			}
			h, ok = o.fits[i], o.fitOK[i]
		} else {
			h, ok = fitTurn(corners, i)
		}
		if !ok {
			continue
		}
		if s := score(&h); s >= minScore {
			cands = append(cands, cand{h, s})
		}
	}
	// Stable, as sort.Slice's insertion sort of so few was, without its
	// allocations.
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.score, a.score) })
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
	lastErr := guard.NotFound
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
