package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBytesMinMaxEveryPair: the word-wide minimum and maximum agree with
// the bytes' own for every pair of byte values, in every byte of the word.
func TestBytesMinMaxEveryPair(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			// Each pair in one byte, its neighbours other pairs, so that a
			// borrow or carry between bytes would show.
			var wa, wb uint64
			for i := 0; i < 8; i++ {
				wa |= uint64(byte(a+37*i)) << (8 * i)
				wb |= uint64(byte(b+91*i)) << (8 * i)
			}
			lo, hi := bytesMinMax(wa, wb)
			for i := 0; i < 8; i++ {
				x, y := byte(wa>>(8*i)), byte(wb>>(8*i))
				if got, want := byte(lo>>(8*i)), min(x, y); got != want {
					t.Fatalf("min(%d, %d) = %d", x, y, got)
				}
				if got, want := byte(hi>>(8*i)), max(x, y); got != want {
					t.Fatalf("max(%d, %d) = %d", x, y, got)
				}
			}
		}
	}
}

// countContrastBlocksByPixel is countContrastBlocks one pixel at a time,
// as the definition reads.
func countContrastBlocksByPixel(lum []byte, w, h int, count []uint8, cw int, means, spans []uint8) {
	for by := 0; by+blockSize <= h; by += blockSize {
		for bx := 0; bx+blockSize <= w; bx += blockSize {
			lo, hi := byte(255), byte(0)
			for y := by; y < min(h, by+blockSize+1); y++ {
				for x := bx; x < min(w, bx+blockSize+1); x++ {
					lo, hi = min(lo, lum[y*w+x]), max(hi, lum[y*w+x])
				}
			}
			if int(hi)-int(lo) >= minBlockContrast {
				count[(by/cellSize)*cw+bx/cellSize]++
			}
			sum := 0
			for y := by; y < by+blockSize; y++ {
				for x := bx; x < bx+blockSize; x++ {
					sum += int(lum[y*w+x])
				}
			}
			i := (by/blockSize)*(w/blockSize) + bx/blockSize
			means[i], spans[i] = uint8((sum+32)/64), hi-lo
		}
	}
}

// TestCountContrastBlocksMatchesPixelLoop: the word-wide pass counts the
// same blocks as the pixel loop, and gives each block the same mean and
// span, on planes of every width modulo 8 and heights that end inside a
// block, with contrasts about the threshold.
func TestCountContrastBlocksMatchesPixelLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range [][2]int{{8, 8}, {9, 9}, {64, 40}, {65, 41}, {70, 33}, {101, 77}, {131, 67}, {200, 96}} {
		w, h := size[0], size[1]
		lum := make([]byte, w*h)
		for i := range lum {
			// Near the threshold: each block's range decides by a level.
			lum[i] = byte(100 + rng.IntN(minBlockContrast+1))
			if rng.IntN(50) == 0 {
				lum[i] = byte(rng.IntN(256))
			}
			if i%w < 8 && i/w < 8 {
				lum[i] = 255 // a block of the brightest sums
			}
		}
		cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
		got, want := make([]uint8, cw*ch), make([]uint8, cw*ch)
		nb := (w / blockSize) * (h / blockSize)
		means, spans, wantMeans, wantSpans := make([]uint8, nb), make([]uint8, nb), make([]uint8, nb), make([]uint8, nb)
		countContrastBlocks(lum, w, h, got, cw, means, spans)
		countContrastBlocksByPixel(lum, w, h, want, cw, wantMeans, wantSpans)
		if !slices.Equal(got, want) {
			t.Errorf("%d×%d: counted %v, want %v", w, h, got, want)
		}
		if !slices.Equal(means, wantMeans) || !slices.Equal(spans, wantSpans) {
			t.Errorf("%d×%d: block means %v and spans %v, want %v and %v", w, h, means, spans, wantMeans, wantSpans)
		}
	}
}
