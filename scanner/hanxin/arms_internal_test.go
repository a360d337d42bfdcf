package hanxin

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// TestArmsFitSymbolFinders: the sides a symbol's four finder candidates
// saw their angles on fit the finders' layout at every turn, seen from
// the front or mirrored, and the symbol reads from them; the same four
// with the sides turned round, as texture's candidates may have them, are
// given up before any size or orientation is fitted.
func TestArmsFitSymbolFinders(t *testing.T) {
	zint.Need(t)
	const version = 3
	ras := zint.Image(t, "-b", "HANXIN", fmt.Sprintf("--vers=%d", version), "-d", "arms")
	size := sizeOf(version)
	mw, mh := ras.Modules()
	if int(mw) != size || int(mh) != size {
		t.Fatalf("raster %v x %v modules, want %d", mw, mh, size)
	}
	// Seen from behind: each row of the raster the other way round.
	mirrored := new(zint.Raster)
	*mirrored = *ras
	mirrored.Gray = image.NewGray(ras.Gray.Rect)
	for y := range ras.Gray.Rect.Dy() {
		from, to := ras.Gray.Pix[y*ras.Gray.Stride:], mirrored.Gray.Pix[y*mirrored.Gray.Stride:]
		w := ras.Gray.Rect.Dx()
		for x := range w {
			to[x] = from[w-1-x]
		}
	}
	r := NewReader()
	for _, m := range []struct {
		name string
		ras  *zint.Raster
	}{{"front", ras}, {"mirrored", mirrored}} {
		for angle := 0.0; angle < 360; angle += 15 {
			img, corners := m.ras.Render(zint.Scene{Module: 3, Angle: angle})
			_, mat := hybridtest.Matrix(t, img)
			cands := r.findCandidates(mat, 3, nil)
			var q [4]candidate
			for i, c := range squareCentres(size) {
				if m.ras == mirrored {
					c[0] = float64(size) - c[0]
				}
				// The raster's corners: top-left, top-right, bottom-left.
				fx, fy := c[0]/float64(size), c[1]/float64(size)
				x := corners[0][0] + fx*(corners[1][0]-corners[0][0]) + fy*(corners[3][0]-corners[0][0])
				y := corners[0][1] + fx*(corners[1][1]-corners[0][1]) + fy*(corners[3][1]-corners[0][1])
				best := -1
				for j, k := range cands {
					if d := math.Hypot(k.x-x, k.y-y); d < 2*3 && (best < 0 || d < math.Hypot(cands[best].x-x, cands[best].y-y)) {
						best = j
					}
				}
				if best < 0 {
					t.Fatalf("%s at %v°: no candidate at finder %d (%.1f, %.1f) of %d", m.name, angle, i, x, y, len(cands))
				}
				q[i] = cands[best]
			}
			if res, err := r.tryGroup(mat, q, noIDs); err != nil || res.GetText() != "arms" {
				t.Errorf("%s at %v°: the finders read %v %v", m.name, angle, res, err)
			}
			for i := range q {
				a := q[i].arms
				q[i].arms = a&armsLeft<<1 | a&armsRight>>1 | a&armsUp<<1 | a&armsDown>>1
			}
			if res, err := r.tryGroup(mat, q, noIDs); res != nil || err != errNotDecoded {
				t.Errorf("%s at %v°: the finders with their angles' sides turned round: %v %v, want %v", m.name, angle, res, err, errNotDecoded)
			}
		}
	}
}
