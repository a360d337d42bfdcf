package pdf417

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// runList is a line of pixels as alternating dark and light runs. edges[i]
// is where run i starts; the last entry is where the line ends, so run i is
// edges[i+1]-edges[i] long. Run 0 is dark when firstDark is set.
type runList struct {
	edges     []int
	firstDark bool
}

func (r *runList) reset() {
	r.edges = r.edges[:0]
	r.firstDark = false
}

func (r *runList) count() int { return max(len(r.edges)-1, 0) }

func (r *runList) width(i int) int { return r.edges[i+1] - r.edges[i] }

func (r *runList) dark(i int) bool { return (i%2 == 0) == r.firstDark }

// fromBitArray fills r with the runs of a matrix row, skipping whole words
// of one colour.
func (r *runList) fromBitArray(row *gozxing.BitArray, width int) {
	r.reset()
	r.firstDark = row.Get(0)
	r.edges = append(r.edges, 0)
	x := 0
	dark := r.firstDark
	for x < width {
		if dark {
			x = row.GetNextUnset(x)
		} else {
			x = row.GetNextSet(x)
		}
		if x > width {
			x = width
		}
		r.edges = append(r.edges, x)
		dark = !dark
	}
}

// fromFunc fills r with the runs of n samples read by pixel.
func (r *runList) fromFunc(n int, pixel func(i int) bool) {
	r.reset()
	if n <= 0 {
		return
	}
	prev := pixel(0)
	r.firstDark = prev
	r.edges = append(r.edges, 0)
	for i := 1; i < n; i++ {
		if p := pixel(i); p != prev {
			r.edges = append(r.edges, i)
			prev = p
		}
	}
	r.edges = append(r.edges, n)
}

// reverse turns the run list end to end over a line of length n.
func (r *runList) reverse() {
	e := r.edges
	if len(e) == 0 {
		return
	}
	n := e[len(e)-1]
	for i, j := 0, len(e)-1; i < j; i, j = i+1, j-1 {
		e[i], e[j] = n-e[j], n-e[i]
	}
	if len(e)%2 == 1 {
		mid := len(e) / 2
		e[mid] = n - e[mid]
	}
	// The last run becomes the first.
	if (len(e)-1)%2 == 0 {
		r.firstDark = !r.firstDark
	}
}

// fromNearest fills r with the runs of n samples of the image under v
// along a line: sample i is the image pixel holding the point
// (x0, y0) + i·(ux, uy), light outside the image. It is fromFunc for
// that, without a call per sample (the MicroPDF417 search reads every
// other or third row of its turned views so). Where the view has the
// image's uniform blocks, the samples that stay in a block of one colour,
// or outside the image, are stepped over: they add no run (over half the
// samples of the development set's views); and those that stay in a
// block of both colours are read without the map's test a sample.
func (r *runList) fromNearest(v *view, n int, x0, y0, ux, uy float64) {
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
				// The samples that stay in the block read its pixels
				// without looking the block up again, each as the first.
				last := i + min(n-1-i, stepsWithin(x, ux, xi/blockSide*blockSide, w), stepsWithin(y, uy, yi/blockSide*blockSide, h))
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
				skip = min(n-1-i, stepsWithin(x, ux, xi/blockSide*blockSide, w), stepsWithin(y, uy, yi/blockSide*blockSide, h))
			default:
				p = true
				skip = min(n-1-i, stepsWithin(x, ux, xi/blockSide*blockSide, w), stepsWithin(y, uy, yi/blockSide*blockSide, h))
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

// skipMargin is how far, in pixels, fromNearest's steps over samples keep
// from a block's or the image's edge: far more than the rounding error of
// a sample's coordinates (x0 + i·ux, under 1e-12 for any image), so that
// every sample stepped over lies where the one before the step did.
const skipMargin = 1e-9

// stepsWithin returns how many steps of d from the coordinate c stay
// within the block from lo, blockSide long, and below end: at least 0.
func stepsWithin(c, d float64, lo int, end float64) int {
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

// stepsOutside returns how many steps of d from the coordinate c stay
// outside [0, end) where c is outside it: all of them where it moves away
// or not at all, else those before it comes within skipMargin of the
// range. 0 where c is inside.
func stepsOutside(c, d, end float64) int {
	var room float64
	switch {
	case c < 0 && d > 0:
		room = (-c - skipMargin) / d
	case c >= end && d < 0:
		room = (c - end - skipMargin) / -d
	case c < 0 || c >= end:
		return math.MaxInt32
	default:
		return 0
	}
	return max(0, int(min(room, math.MaxInt32)))
}

// sample adds sample i of a line, dark when p, to the runs: the first
// sample starts them, and one of another colour than the sample before
// it, prev, starts a new run.
func (r *runList) sample(i int, p, prev bool) {
	if i == 0 {
		r.firstDark = p
		r.edges = append(r.edges, 0)
	} else if p != prev {
		r.edges = append(r.edges, i)
	}
}
