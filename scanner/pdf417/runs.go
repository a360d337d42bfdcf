package pdf417

import "github.com/makiuchi-d/gozxing"

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
// (x0, y0) + i·(ux, uy), light outside the image. It is fromFunc for that, without a call per sample (the MicroPDF417
// search reads every other or third row of its turned views so).
func (r *runList) fromNearest(v *view, n int, x0, y0, ux, uy float64) {
	r.reset()
	if n <= 0 {
		return
	}
	w, h := float64(v.iw), float64(v.ih)
	var prev bool
	for i := range n {
		x, y := x0+float64(i)*ux, y0+float64(i)*uy
		p := x >= 0 && y >= 0 && x < w && y < h
		if p {
			if xi, yi := int(x), int(y); v.words != nil {
				p = v.words[yi*v.stride+xi>>5]>>uint(xi&31)&1 != 0
			} else {
				p = v.m.Get(xi, yi)
			}
		}
		r.sample(i, p, prev)
		prev = p
	}
	r.edges = append(r.edges, n)
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
