package datamatrix

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// closeDotsReference is closeDots written plainly, pixel by pixel: it
// returns a copy of m closed by r pixels: dark grown by r, then
// shrunk by r, along rows and along columns. The round dots of a
// dot-peened, laser or ink-jet marked symbol's modules join into the solid
// modules and bars the detector follows, while light gaps wider than 2r
// stay.
func closeDotsReference(m *gozxing.BitMatrix, r int) *gozxing.BitMatrix {
	w, h := m.GetWidth(), m.GetHeight()
	a, _ := gozxing.NewBitMatrix(w, h)
	b, _ := gozxing.NewBitMatrix(w, h)
	// spread sets dst where any (grow) or every (shrink) pixel of src
	// within r along a row or a column is dark; outside counts as light
	// when growing and as dark when shrinking.
	spread := func(src, dst *gozxing.BitMatrix, horizontal, grow bool) {
		dst.Clear()
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set := !grow
				for d := -r; d <= r; d++ {
					xx, yy := x, y
					if horizontal {
						xx += d
					} else {
						yy += d
					}
					dark := !grow
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						dark = src.Get(xx, yy)
					}
					if grow && dark {
						set = true
						break
					}
					if !grow && !dark {
						set = false
						break
					}
				}
				if set {
					dst.Set(x, y)
				}
			}
		}
	}
	spread(m, a, true, true)
	spread(a, b, false, true)
	spread(b, a, true, false)
	spread(a, b, false, false)
	return b
}

// TestCloseDots: the word-wise closing equals the plain one on random
// matrices of widths across word boundaries.
func TestCloseDots(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{1, 1}, {31, 5}, {32, 7}, {33, 9}, {64, 3}, {95, 40}, {130, 17}} {
		w, h := size[0], size[1]
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if rng.IntN(3) == 0 {
					m.Set(x, y)
				}
			}
		}
		for _, r := range []int{1, 2} {
			got, want := closeDots(m, r), closeDotsReference(m, r)
			if got.String() != want.String() {
				t.Errorf("%d×%d, r=%d:\n%s\nwant\n%s", w, h, r, got, want)
			}
		}
	}
}
