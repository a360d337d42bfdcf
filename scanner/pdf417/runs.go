package pdf417

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// runList is a line of pixels as alternating dark and light runs. edges[i]
// is where run i starts; the last entry is where the line ends, so run i is
// edges[i+1]-edges[i] long. Run 0 is dark when firstDark is set.
type runList struct {
	edges     []int
	firstDark bool
	// held is the most edges a fill has left since the last wipe: a
	// shorter fill after that one writes over only part of them.
	held int
}

func (r *runList) reset() {
	r.held = max(r.held, len(r.edges))
	r.edges = r.edges[:0]
	r.firstDark = false
}

// wipe clears the edges the fills since the last wipe wrote, the image's
// runs: as far as the longest of them, not to the capacity an earlier,
// larger image may have grown.
func (r *runList) wipe() {
	clear(scrub.UpTo(r.edges, max(r.held, len(r.edges))))
	r.edges, r.firstDark, r.held = r.edges[:0], false, 0
}

// room makes room for n more edges, as many as a fill may append at
// most, before it appends them: an array its appends outgrew would be
// dropped with the runs of a line of the image, which no wipe reaches;
// scrub.Grow clears the one it lets go. Made once a fill, it leaves the
// fills' loops appending as they did.
func (r *runList) room(n int) { r.edges = scrub.Grow(r.edges, n) }

func (r *runList) count() int { return max(len(r.edges)-1, 0) }

func (r *runList) width(i int) int { return r.edges[i+1] - r.edges[i] }

func (r *runList) dark(i int) bool { return (i%2 == 0) == r.firstDark }

// fromLengths fills r with the runs of a row width pixels wide whose run
// lengths, light first (0 when the row starts dark), are l, as
// bitrow.Lengths gives them: what fromBitArray makes of the row.
func (r *runList) fromLengths(l []int, width int) {
	r.reset()
	if len(l) > 1 && l[0] == 0 {
		r.firstDark, l = true, l[1:]
	}
	r.room(len(l) + 1) // an edge a run, and the first
	r.edges = append(r.edges, 0)
	x := 0
	for _, n := range l {
		x += n
		r.edges = append(r.edges, min(x, width))
	}
}

// fromBitArray fills r with the runs of a matrix row, skipping whole words
// of one colour.
func (r *runList) fromBitArray(row *gozxing.BitArray, width int) {
	r.reset()
	r.firstDark = row.Get(0)
	r.room(width + 1) // each edge after the first lies further on, at most at width
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
	r.room(n + 1) // an edge a sample at most, and the line's end
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
	prev := v.nearestDark(x0, y0)
	r.firstDark = prev
	r.room(n + 1) // an edge a sample at most, and the line's end
	r.edges = append(r.edges, 0)
	if v.words == nil || v.blocks == nil {
		for i := 1; i < n; i++ {
			if p := v.nearestDark(x0+float64(i)*ux, y0+float64(i)*uy); p != prev {
				r.edges = append(r.edges, i)
				prev = p
			}
		}
		r.edges = append(r.edges, n)
		return
	}
	w, h := float64(v.iw), float64(v.ih)
	words, stride, blocks, bstride := v.words, v.stride, v.blocks, v.bstride
	brows := len(blocks) / bstride
	// The last sample in a block is found from the line's start, by the
	// reciprocals of the steps (see blockEnd): no division, and nothing
	// carried from one block to the next.
	var rx, ry float64
	if ux != 0 {
		rx = 1 / ux
	}
	if uy != 0 {
		ry = 1 / uy
	}
	for i := 0; i < n; {
		x, y := x0+float64(i)*ux, y0+float64(i)*uy
		if !(x >= 0 && y >= 0 && x < w && y < h) {
			if prev {
				r.edges = append(r.edges, i)
				prev = false
			}
			i += 1 + min(n-1-i, max(stepsOutside(x, ux, w), stepsOutside(y, uy, h)))
			continue
		}
		xi, yi := int(x), int(y)
		bx, by := int(uint(xi)/blockSide), int(uint(yi)/blockSide)
		xEnd, yEnd := math.Inf(1), math.Inf(1)
		if ux != 0 {
			xEnd = blockEnd(bx, ux, rx, x0, w)
		}
		if uy != 0 {
			yEnd = blockEnd(by, uy, ry, y0, h)
		}
		// The blocks of its kind after it along the axis the line
		// leaves it by are taken with it, while the line stays in its
		// row (or column) of blocks: the samples up to the last one's
		// end lie in that row, the other axis's end unchanged, between
		// the first block and the last. Uniform ones are stepped over
		// together; those of both colours read at one go.
		c := blocks[by*bstride+bx]
		switch {
		case xEnd < yEnd:
			for dx := sign(ux); xEnd < yEnd && xEnd < float64(n-1); {
				next := bx + dx
				if uint(next) >= uint(bstride) || blocks[by*bstride+next] != c {
					break
				}
				bx, xEnd = next, blockEnd(next, ux, rx, x0, w)
			}
		case yEnd < xEnd:
			for dy := sign(uy); yEnd < xEnd && yEnd < float64(n-1); {
				next := by + dy
				if uint(next) >= uint(brows) || blocks[next*bstride+bx] != c {
					break
				}
				by, yEnd = next, blockEnd(next, uy, ry, y0, h)
			}
		}
		// Compared, not min: a NaN leaves the axis out.
		end := float64(n - 1)
		if xEnd < end {
			end = xEnd
		}
		if yEnd < end {
			end = yEnd
		}
		last := i
		if end > float64(i) {
			last = int(end)
		}
		switch c {
		case blockMixed:
			// The samples that stay in the blocks read their pixels
			// without looking the blocks up again.
			for {
				if p := words[yi*stride+xi>>5]>>uint(xi&31)&1 != 0; p != prev {
					r.edges = append(r.edges, i)
					prev = p
				}
				if i++; i > last {
					break
				}
				x, y = x0+float64(i)*ux, y0+float64(i)*uy
				xi, yi = int(x), int(y)
			}
			continue
		case blockLight:
			if prev {
				r.edges = append(r.edges, i)
				prev = false
			}
		default:
			if !prev {
				r.edges = append(r.edges, i)
				prev = true
			}
		}
		i = last + 1
	}
	r.edges = append(r.edges, n)
}

// sign returns 1 for a step d > 0, else -1.
func sign(d float64) int {
	if d > 0 {
		return 1
	}
	return -1
}

// blockEnd returns, along one axis, the index (a real number) up to which
// the samples c0 + i·d of a line, d not 0 and r its reciprocal, stay in
// the block b of that axis and below end, the image's size along it. It
// keeps skipMargin from the edge, less the rounding of its difference and
// product (a few ulps of the line's length in pixels, under 1e-11): every
// sample up to it stays in the block. It may lie before the sample the
// caller is at, near the edge; it is infinite or NaN only for a step so
// small (1e-300) that no sample moves a billionth of a pixel.
func blockEnd(b int, d, r, c0, end float64) float64 {
	if d < 0 {
		return (float64(b*blockSide) + skipMargin - c0) * r
	}
	if e := float64(b*blockSide + blockSide); e < end {
		end = e
	}
	return (end - skipMargin - c0) * r
}

// skipMargin is how far, in pixels, fromNearest's steps over samples keep
// from a block's or the image's edge: far more than the rounding error of
// a sample's coordinates (x0 + i·ux, under 1e-12 for any image), so that
// every sample stepped over lies where the one before the step did.
const skipMargin = 1e-9

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
// it, prev, starts a new run. Its callers make room for the line's edges
// first (room).
func (r *runList) sample(i int, p, prev bool) {
	if i == 0 {
		r.firstDark = p
		r.edges = append(r.edges, 0)
	} else if p != prev {
		r.edges = append(r.edges, i)
	}
}
