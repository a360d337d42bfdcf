package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestLocalBlackPointsBetweenCentres: each pixel's black point is its
// block's before the first block centre and after the last, and between
// two centres the line between their black points, whatever the row's
// width and wherever its light changes.
func TestLocalBlackPointsBetweenCentres(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		w := 3 + rng.IntN(3000)
		lum := make([]byte, w)
		// A ramp of light with bars on it, so that blocks differ.
		slope := rng.Float64() * 0.2
		for x := range lum {
			v := 40 + slope*float64(x) + float64(rng.IntN(40))
			if rng.IntN(8) == 0 {
				v -= 30
			}
			lum[x] = byte(max(0, min(255, v)))
		}
		black := rng.IntN(256)
		buf, differs := localBlackPoints(lum, black, nil)
		if !differs {
			if len(buf) != 0 {
				t.Fatalf("width %d: %d black points for a row that needs none", w, len(buf))
			}
			continue
		}
		size := max(minLocalBlock, w/localBlockShare)
		blocks := (w + size - 1) / size
		// The blocks' own black points are buf at their centres (the
		// last block's centre may lie past the row's end).
		mid := func(b int) int { return int(buf[b*size+size/2]) }
		seen := func(b int) bool { return b*size+size/2 < w }
		for x := range w {
			c := x - size/2
			b := max(0, min(blocks-1, c/size))
			between := c >= 0 && b+1 < blocks
			if !seen(b) || between && !seen(b+1) {
				continue
			}
			want := mid(b)
			if between {
				t0 := c - b*size
				want = (mid(b)*(size-t0) + mid(b+1)*t0) / size
			}
			if int(buf[x]) != want {
				t.Fatalf("width %d, pixel %d: black point %d, want %d", w, x, buf[x], want)
			}
		}
	}
}
