package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// uniformBlocksByByte is uniformBlocks as it was: each block of a word
// told by its own byte of the words' or and and.
func uniformBlocksByByte(words []uint32, stride, w, h int) ([]uint8, int) {
	bw, bh := (w+blockSide-1)/blockSide, (h+blockSide-1)/blockSide
	blocks := make([]uint8, bw*bh)
	for by := range bh {
		y0, y1 := by*blockSide, min(h, (by+1)*blockSide)
		for k := range stride {
			or, and := uint32(0), ^uint32(0)
			for y := y0; y < y1; y++ {
				or |= words[y*stride+k]
				and &= words[y*stride+k]
			}
			for b := range 32 / blockSide {
				bx := k*(32/blockSide) + b
				if bx >= bw {
					break
				}
				c := blockMixed
				switch sh := uint(b * blockSide); {
				case or>>sh&0xff == 0:
					c = blockLight
				case and>>sh&0xff == 0xff && (bx+1)*blockSide <= w:
					c = blockDark
				}
				blocks[by*bw+bx] = c
			}
		}
	}
	return blocks, bw
}

// TestUniformBlocksFourAtOnce: uniformBlocks, which tells a word's four
// blocks at once, the eight words of a whole band read at one go, makes
// the map that telling each block by its byte, a row at a time, made, on
// matrices of every width round a word's (the last word's blocks past
// the row and cut by the edge) and heights round a block's (a last band
// cut short), of blocks light, dark, with a pixel of the other colour
// anywhere, or noise.
func TestUniformBlocksFourAtOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 8))
	var blocks []uint8
	for range 300 {
		w, h := 1+rng.IntN(140), 1+rng.IntN(40)
		m, _ := gozxing.NewBitMatrix(w, h)
		for by := 0; by < h; by += blockSide {
			for bx := 0; bx < w; bx += blockSide {
				kind := rng.IntN(5) // light, dark, light or dark with one pixel off, noise
				odd := [2]int{bx + rng.IntN(blockSide), by + rng.IntN(blockSide)}
				for y := by; y < min(h, by+blockSide); y++ {
					for x := bx; x < min(w, bx+blockSide); x++ {
						off := x == odd[0] && y == odd[1]
						if kind == 1 || kind == 2 && off || kind == 3 && !off || kind == 4 && rng.IntN(2) == 0 {
							m.Set(x, y)
						}
					}
				}
			}
		}
		words, stride, _ := copyWords(m, nil, nil)
		var bw int
		blocks, bw = uniformBlocks(words, stride, w, h, blocks)
		want, wantW := uniformBlocksByByte(words, stride, w, h)
		if bw != wantW || !slices.Equal(blocks, want) {
			t.Fatalf("%d×%d: blocks %v (%d a row), by byte %v (%d)", w, h, blocks, bw, want, wantW)
		}
	}
}
