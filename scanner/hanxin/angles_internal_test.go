package hanxin

import (
	"fmt"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// TestAnglesSeenAtSymbolFinders: a symbol's four finder candidates see
// their nested angles (and so are grouped) at every turn, at 2 and 3
// pixels a module.
func TestAnglesSeenAtSymbolFinders(t *testing.T) {
	zint.Need(t)
	const version = 3
	ras := zint.Image(t, "-b", "HANXIN", fmt.Sprintf("--vers=%d", version), "-d", "angles")
	size := sizeOf(version)
	r := NewReader()
	for _, module := range []float64{2, 3} {
		for angle := 0.0; angle < 360; angle += 15 {
			img, corners := ras.Render(zint.Scene{Module: module, Angle: angle})
			_, mat := hybridtest.Matrix(t, img)
			cands := r.findCandidates(mat, 3, nil)
			for i, c := range squareCentres(size) {
				// The raster's corners: top-left, top-right, bottom-left.
				fx, fy := c[0]/float64(size), c[1]/float64(size)
				x := corners[0][0] + fx*(corners[1][0]-corners[0][0]) + fy*(corners[3][0]-corners[0][0])
				y := corners[0][1] + fx*(corners[1][1]-corners[0][1]) + fy*(corners[3][1]-corners[0][1])
				seen := false
				for _, k := range cands {
					if math.Hypot(k.x-x, k.y-y) < 2*module && k.angles {
						seen = true
					}
				}
				if !seen {
					t.Errorf("%v px at %v°: no candidate that saw the angles at finder %d (%.1f, %.1f)", module, angle, i, x, y)
				}
			}
		}
	}
}

// TestAnglesNotSeenBesideDashes: a square ringed by light with a dash a
// module long two and four modules left of it shows a row the finder's
// runs, and makes a candidate, but no nested angles: it is not grouped.
func TestAnglesNotSeenBesideDashes(t *testing.T) {
	const module = 4
	bm, _ := gozxing.NewBitMatrix(25*module, 15*module)
	fill := func(col, row, cols, rows int) {
		for y := row * module; y < (row+rows)*module; y++ {
			for x := col * module; x < (col+cols)*module; x++ {
				bm.Set(x, y)
			}
		}
	}
	fill(10, 6, 3, 3) // the square, its centre row 7
	fill(8, 7, 1, 1)  // the dashes
	fill(6, 7, 1, 1)
	r := NewReader()
	cands := r.findCandidates(bm, 3, nil)
	if len(cands) != 1 || cands[0].arms != armsLeft {
		t.Fatalf("candidates %+v, want the square's, its runs seen on the left", cands)
	}
	if cands[0].angles {
		t.Errorf("candidate %+v saw nested angles beside dashes", cands[0])
	}
	// Arms of angles instead of dashes: seen.
	fill(8, 4, 1, 5)
	fill(8, 4, 5, 1)
	fill(6, 2, 1, 7)
	fill(6, 2, 7, 1)
	cands = r.findCandidates(bm, 3, nil)
	if len(cands) != 1 || !cands[0].angles {
		t.Errorf("candidates %+v, want the finder's, angles seen", cands)
	}
}
