package pdf417

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// fromNearestByDivision is fromNearest as it was: each block's steps
// counted from the sample the line is at, by division, and a sample's
// colour added through sample.
func (r *runList) fromNearestByDivision(v *view, n int, x0, y0, ux, uy float64) {
	r.reset()
	if n <= 0 {
		return
	}
	w, h := float64(v.iw), float64(v.ih)
	skips := v.words != nil && v.blocks != nil
	var prev bool
	for i := 0; i < n; i++ {
		x, y := x0+float64(i)*ux, y0+float64(i)*uy
		p := x >= 0 && y >= 0 && x < w && y < h
		skip := 0
		switch {
		case !p:
			if skips {
				skip = min(n-1-i, max(stepsOutside(x, ux, w), stepsOutside(y, uy, h)))
			}
		case skips:
			xi, yi := int(x), int(y)
			switch v.blocks[yi/blockSide*v.bstride+xi/blockSide] {
			case blockMixed:
				last := i + min(n-1-i, stepsWithinByDivision(x, ux, xi/blockSide*blockSide, w), stepsWithinByDivision(y, uy, yi/blockSide*blockSide, h))
				for {
					p = v.words[yi*v.stride+xi>>5]>>uint(xi&31)&1 != 0
					if i == last {
						break
					}
					r.sample(i, p, prev)
					prev = p
					i++
					x, y = x0+float64(i)*ux, y0+float64(i)*uy
					xi, yi = int(x), int(y)
				}
			case blockLight:
				p = false
				skip = min(n-1-i, stepsWithinByDivision(x, ux, xi/blockSide*blockSide, w), stepsWithinByDivision(y, uy, yi/blockSide*blockSide, h))
			default:
				p = true
				skip = min(n-1-i, stepsWithinByDivision(x, ux, xi/blockSide*blockSide, w), stepsWithinByDivision(y, uy, yi/blockSide*blockSide, h))
			}
		default:
			if xi, yi := int(x), int(y); v.words != nil {
				p = v.words[yi*v.stride+xi>>5]>>uint(xi&31)&1 != 0
			} else {
				p = v.m.Get(xi, yi)
			}
		}
		r.sample(i, p, prev)
		prev = p
		i += skip
	}
	r.edges = append(r.edges, n)
}

// stepsWithinByDivision returns how many steps of d from the coordinate c
// stay within the block from lo, blockSide long, and below end.
func stepsWithinByDivision(c, d float64, lo int, end float64) int {
	var room float64
	switch {
	case d > 0:
		room = (min(float64(lo+blockSide), end) - skipMargin - c) / d
	case d < 0:
		room = (c - float64(lo) - skipMargin) / -d
	default:
		return math.MaxInt32
	}
	return max(0, int(min(room, math.MaxInt32)))
}

// TestFromNearestBlockEnds: fromNearest, which finds where a line leaves
// each block from the line's start by the steps' reciprocals, and steps
// over the blocks of one colour after a uniform one along the axis the
// line leaves it by together, gives the runs the division from each
// block's first sample gave, and those of the pixels the samples fall
// in, on matrices of blocks of one colour,
// bars and noise, along lines in every direction, the axis directions
// with the cosine's rounding (6e-17) and exactly, at whole-pixel starts
// and steps that land samples on the blocks' and the image's edges, and
// at the coarse views' four pixels a step.
func TestFromNearestBlockEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 417))
	var got, want, ref runList
	for k := range 40 {
		iw, ih := 16+rng.IntN(90), 16+rng.IntN(70)
		m, _ := gozxing.NewBitMatrix(iw, ih)
		for by := 0; by < ih; by += blockSide {
			for bx := 0; bx < iw; bx += blockSide {
				// Light, dark, vertical bars or noise: most uniform, in
				// rows and columns of one colour that lines step over
				// together.
				kind := [8]int{0, 0, 0, 1, 1, 2, 3, 3}[rng.IntN(8)]
				for y := by; y < min(ih, by+blockSide); y++ {
					for x := bx; x < min(iw, bx+blockSide); x++ {
						if kind == 1 || kind == 2 && x%3 == 0 || kind == 3 && rng.IntN(2) == 0 {
							m.Set(x, y)
						}
					}
				}
			}
		}
		words, stride, _ := copyWords(m, nil, nil)
		v := view{m: m, iw: iw, ih: ih, words: words, stride: stride}
		v.blocks, v.bstride = uniformBlocks(words, stride, iw, ih, nil)
		for range 200 {
			a := rng.Float64() * 2 * math.Pi
			ux, uy := math.Cos(a), math.Sin(a)
			x0, y0 := rng.Float64()*float64(iw+40)-20, rng.Float64()*float64(ih+40)-20
			switch rng.IntN(4) {
			case 0: // a quarter turn as the cosine and sine give it
				q := float64(rng.IntN(4)) * math.Pi / 2
				ux, uy = math.Cos(q), math.Sin(q)
			case 1: // a quarter turn exactly, from a whole pixel
				ux, uy = [4]float64{1, 0, -1, 0}[k%4], [4]float64{0, 1, 0, -1}[k%4]
				x0, y0 = float64(rng.IntN(iw+16)-8), float64(rng.IntN(ih+16)-8)
			case 2: // steps that land on the edges of blocks
				ux, uy = float64(rng.IntN(5)-2)/2, float64(rng.IntN(5)-2)/4
				x0, y0 = float64(rng.IntN(iw)), float64(rng.IntN(ih))
			}
			if k%5 == 0 { // a coarse view's step
				ux, uy = 4*ux, 4*uy
			}
			n := rng.IntN(2 * (iw + ih))
			got.fromNearest(&v, n, x0, y0, ux, uy)
			want.fromNearestByDivision(&v, n, x0, y0, ux, uy)
			ref.fromFunc(n, func(i int) bool { return v.nearestDark(x0+float64(i)*ux, y0+float64(i)*uy) })
			if !slices.Equal(got.edges, want.edges) || got.firstDark != want.firstDark || !slices.Equal(got.edges, ref.edges) || n > 0 && got.firstDark != ref.firstDark {
				t.Fatalf("%d×%d, line from (%v, %v) step (%v, %v), %d samples: runs %v %v, by division %v %v, pixel by pixel %v %v",
					iw, ih, x0, y0, ux, uy, n, got.firstDark, got.edges, want.firstDark, want.edges, ref.firstDark, ref.edges)
			}
		}
	}
}
