package scanner

import (
	"math/rand/v2"
	"slices"
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

// TestLocalEdges: localEdges finds the edges where the sharpened row,
// halved, crosses each pixel's black point, as measureLocal found them
// with a division a pixel, on random rows with black points from 0 up,
// and on dark rows whose sharpened values lie about small black points.
func TestLocalEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	for i := range 400 {
		w := 3 + rng.IntN(700)
		lum, thr := make([]byte, w), make([]int16, w)
		for x := range lum {
			switch i % 4 {
			case 0:
				lum[x] = byte(rng.IntN(256))
			case 1:
				lum[x] = byte(rng.IntN(5)) // sharpened values about 0
			default:
				lum[x] = byte(rng.IntN(2) * 255)
			}
			thr[x] = int16(rng.IntN(3))
			if i%2 == 0 {
				thr[x] = int16(rng.IntN(256))
			}
		}
		want := make([]int32, w)
		wn, wdark := 0, 0
		for x := 1; x < w-1; x++ {
			f := (4*int(lum[x])-int(lum[x-1])-int(lum[x+1]))/2 - int(thr[x])
			d := int(uint(f) >> (bitsPerUint - 1))
			want[wn] = int32(x)
			wn += d ^ wdark
			wdark = d
		}
		got := make([]int32, w)
		n, dark := localEdges(lum, thr, got)
		if n != wn || dark != wdark || !slices.Equal(got[:n], want[:wn]) {
			t.Fatalf("row %d, %d pixels: %d edges, dark %d; want %d, %d", i, w, n, dark, wn, wdark)
		}
	}
}

// TestAddRow: addRow adds each pixel's gray level to its sum, in rows of
// every width up to a few groups of 16 and sums up to 7 rows of white.
func TestAddRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 14))
	for w := range 100 {
		row, sum, want := make([]byte, w), make([]uint16, w), make([]uint16, w)
		for x := range row {
			row[x] = byte(rng.IntN(256))
			sum[x] = uint16(rng.IntN(7 * 256))
			want[x] = sum[x] + uint16(row[x])
		}
		addRow(sum, row)
		if !slices.Equal(sum, want) {
			t.Fatalf("%d pixels: sums %v, want %v", w, sum, want)
		}
	}
}

// TestBlockMinMax: the blocks' darkest and lightest pixels localBlackPoints
// takes from vector registers are those of the block's pixels alone, for
// block sizes 8 to 39 (rows up to 2559 pixels wide), on rows whose dark
// and light pixels lie anywhere, the bytes past a block's end among them.
func TestBlockMinMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 14))
	for w := 8; w < 2560; w += 1 + rng.IntN(16) {
		lum := make([]byte, w)
		for x := range lum {
			lum[x] = byte(100 + rng.IntN(20))
			if rng.IntN(9) == 0 {
				lum[x] = byte(rng.IntN(2) * 255)
			}
		}
		size := max(minLocalBlock, w/localBlockShare)
		blocks := (w + size - 1) / size
		lo, hi := make([]uint8, blocks), make([]uint8, blocks)
		done := blockMinMaxWide(lum, size, lo, hi)
		for b := range done {
			block := lum[b*size : min(w, (b+1)*size)]
			if lo[b] != slices.Min(block) || hi[b] != slices.Max(block) {
				t.Fatalf("width %d, block %d of %d pixels: %d to %d, want %d to %d", w, b, size, lo[b], hi[b], slices.Min(block), slices.Max(block))
			}
		}
	}
}

// placeEdges reads the four pixels about an edge inside the row through
// one slice; its widths must be the plain loop's, for the edges
// sharpEdges finds in noise and in two-level rows, the last pixel an
// edge when the row ends dark.
func TestPlaceEdgesAsPlain(t *testing.T) {
	plain := func(lum []byte, edges []int32, black, first int) ([]int, int) {
		w := len(lum)
		widths := make([]int, len(edges))
		last := 0
		for i, e := range edges {
			x := int(e)
			prev := first
			if x > 1 {
				prev = (4*int(lum[x-1]) - int(lum[x-2]) - int(lum[x])) / 2
			}
			f := black
			if x < w-1 {
				f = (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
			}
			pos := max(last, (x-1)*subpixel+subpixel/2+subpixel*(black-prev)/(f-prev))
			widths[i] = pos - last
			last = pos
		}
		return widths, last
	}
	rng := rand.New(rand.NewPCG(6, 4))
	for i := range 2000 {
		lum := make([]byte, 3+rng.IntN(60))
		lo, hi := rng.IntN(256), rng.IntN(256)
		for x := range lum {
			if i%2 == 0 {
				lum[x] = byte(rng.IntN(256))
			} else {
				lum[x] = byte([2]int{lo, hi}[rng.IntN(2)])
			}
		}
		black := 1 + rng.IntN(255)
		edgeAt := make([]int32, len(lum)+1)
		n, dark := sharpEdges(lum, black, edgeAt)
		edgeAt[n] = int32(len(lum) - 1)
		edges := edgeAt[:n+dark]
		first := max(black, (3*int(lum[0])-int(lum[1]))/2)
		want, wantLast := plain(lum, edges, black, first)
		got := make([]int, len(edges))
		if last := placeEdges(got, lum, edges, black, first); last != wantLast || !slices.Equal(got, want) {
			t.Fatalf("row %v at %d: widths %v (last %d), want %v (%d)", lum, black, got, last, want, wantLast)
		}
	}
}
