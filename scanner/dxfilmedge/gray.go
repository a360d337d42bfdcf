package dxfilmedge

import "math"

// grayView samples a Gray image at points between pixels, as given or
// mirrored about the diagonal (the image whose rows are its columns).
type grayView struct {
	src      Gray
	mirrored bool
}

// at returns the gray level at (x, y), pixel (i, j) covering [i, i+1) ×
// [j, j+1), interpolated bilinearly between pixel centres; (y, x) when
// mirrored.
func (g *grayView) at(x, y float64) float64 {
	if g.mirrored {
		x, y = y, x
	}
	x, y = x-0.5, y-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	top := float64(g.src.At(x0, y0))*(1-fx) + float64(g.src.At(x0+1, y0))*fx
	bottom := float64(g.src.At(x0, y0+1))*(1-fx) + float64(g.src.At(x0+1, y0+1))*fx
	return top*(1-fy) + bottom*fy
}

// barEdges finds, at column x, the rows where a dark bar near row y
// begins and ends: its darkest point within reach rows of y, and from
// there up and down the rows where the gray crosses halfway to lit,
// interpolated between pixel centres.
func (g *grayView) barEdges(x float64, y int, reach, lit float64) (top, bottom float64, ok bool) {
	r := int(math.Ceil(reach))
	ink, darkest := math.Inf(1), 0
	for t := y - r; t <= y+r; t++ {
		if v := g.at(x, float64(t)+0.5); v < ink {
			ink, darkest = v, t
		}
	}
	mid := (ink + lit) / 2
	if ink >= mid {
		return 0, 0, false
	}
	// edge walks from the darkest row by step until the gray is at least
	// mid, and returns where it crossed.
	edge := func(step int) (float64, bool) {
		prev := ink
		for t := darkest + step; t != darkest+step*(4*r+1); t += step {
			v := g.at(x, float64(t)+0.5)
			if v >= mid {
				// Between the centres of rows t-step and t.
				f := (mid - prev) / (v - prev)
				return float64(t-step) + 0.5 + f*float64(step), true
			}
			prev = v
		}
		return 0, false
	}
	top, okT := edge(-1)
	bottom, okB := edge(1)
	return top, bottom, okT && okB
}
