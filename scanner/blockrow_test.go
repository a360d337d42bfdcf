package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBlockRow checks blockRow against pixel-by-pixel sums, minima and
// maxima, on random planes whose gray levels cluster (so that minima and
// maxima are often equal) and on planes of one level, at several widths,
// offsets and row counts, with the vector path (where the build and the
// processor have one) and without.
func TestBlockRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	paths := []bool{false}
	if blockRowVectors {
		paths = append(paths, true)
	}
	defer func(v bool) { blockRowVectors = v }(blockRowVectors)
	for _, vectors := range paths {
		blockRowVectors = vectors
		var sc blockRowScratch
		for trial := range 300 {
			width := 8 + rng.IntN(200)
			rows := 8 + rng.IntN(2)
			height := rows + rng.IntN(3)
			lum := make([]byte, width*height)
			base, spread := rng.IntN(256), 1+rng.IntN(256)
			for i := range lum {
				lum[i] = byte(min(255, base+rng.IntN(spread)))
			}
			x0 := rng.IntN(width - 7)
			n := (width - x0) / 8
			y0 := rng.IntN(height - rows + 1)
			edge := rng.IntN(2) == 0
			mins, maxs, sums := make([]byte, n), make([]byte, n), make([]uint16, n)
			blockRow(lum, width, width, x0, y0, rows, edge, mins, maxs, sums, &sc)
			for i := range n {
				lo, hi, sum := 255, 0, 0
				for y := y0; y < y0+rows; y++ {
					cols := 8
					if edge && x0+8*i+8 < width {
						cols = 9
					}
					for x := x0 + 8*i; x < x0+8*i+cols; x++ {
						v := int(lum[y*width+x])
						lo, hi = min(lo, v), max(hi, v)
						if y < y0+8 && x < x0+8*i+8 {
							sum += v
						}
					}
				}
				if int(mins[i]) != lo || int(maxs[i]) != hi || int(sums[i]) != sum {
					t.Fatalf("vectors %v, trial %d (width %d, x0 %d, y0 %d, rows %d, edge %v), word %d: min %d max %d sum %d, want %d %d %d",
						vectors, trial, width, x0, y0, rows, edge, i, mins[i], maxs[i], sums[i], lo, hi, sum)
				}
			}
		}
		sc.wipe()
		if slices.ContainsFunc(sc.lo, func(b byte) bool { return b != 0 }) || slices.ContainsFunc(sc.hi, func(b byte) bool { return b != 0 }) {
			t.Error("the scratch keeps gray levels after wipe")
		}
	}
}

// TestBlockRowUsers checks that the hybrid binarizer's black points and
// the block contrast come out the same a block row at a time (blockRow,
// with vectors where there are) as a word at a time, on random planes of
// many shapes, flat and textured.
func TestBlockRowUsers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2))
	for trial := range 60 {
		w, h := 8+rng.IntN(300), 8+rng.IntN(120)
		lum := make([]byte, w*h)
		base, spread := rng.IntN(256), 1+rng.IntN(64)
		for i := range lum {
			lum[i] = byte(min(255, base+rng.IntN(spread)))
		}
		subW, subH := (w+blockSize-1)>>blockPower, (h+blockSize-1)>>blockPower
		rows := blackPointsRows(make([]int, subW*subH), lum, subW, subH, w, h, &blockBuffers{})
		words := blackPointsWords(make([]int, subW*subH), lum, subW, subH, w, h)
		if !slices.Equal(rows, words) {
			t.Fatalf("trial %d, %d×%d: black points a block row at a time differ from a word at a time", trial, w, h)
		}
		cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
		nb := (w / blockSize) * (h / blockSize)
		a := blockStats{count: make([]uint8, cw*ch), means: make([]uint8, nb), spans: make([]uint8, nb)}
		b := blockStats{count: make([]uint8, cw*ch), means: make([]uint8, nb), spans: make([]uint8, nb)}
		countContrastBlocksRows(lum, w, h, a.count, cw, a.means, a.spans)
		countContrastBlocksWords(lum, w, h, b.count, cw, b.means, b.spans)
		if !slices.Equal(a.count, b.count) || !slices.Equal(a.means, b.means) || !slices.Equal(a.spans, b.spans) {
			t.Fatalf("trial %d, %d×%d: block contrast a block row at a time differs from a word at a time", trial, w, h)
		}
	}
}

// withAndWithoutVectors runs check with the word- and pixel-at-a-time
// paths, then with the vector paths where the build and the processor
// have them.
func withAndWithoutVectors(t *testing.T, check func(t *testing.T)) {
	have := blockRowVectors
	defer func() { blockRowVectors = have }()
	for _, vectors := range []bool{false, true} {
		if vectors && !have {
			t.Log("no vector registers in this build or on this processor: the other path alone is checked")
			continue
		}
		blockRowVectors = vectors
		check(t)
	}
}
