package pharmacode

import "slices"

// Image is a binarized image (set is dark), as gozxing's BitMatrix gives
// it.
type Image interface {
	Get(x, y int) bool
	GetWidth() int
	GetHeight() int
}

// Verify checks in the binarized image that the bars a row read at y
// between x0 and x1 stand as a Pharmacode symbol, and not as a few of the
// stripes that print, grilles and shadows make: every bar ends at a line
// across the top and at a line across the bottom, all bars are about as
// tall, they are tall for the symbol's length, and nothing dark stands
// close beside them.
func Verify(img Image, y int, x0, x1 float64) bool {
	w, h := img.GetWidth(), img.GetHeight()
	if y < 0 || y >= h {
		return false
	}
	// The bars along the row.
	type bar struct{ a, b, top, bottom int }
	var room [maxBars + 1]bar
	bars := room[:0]
	for x := max(0, int(x0)); x < min(w, int(x1)+1) && len(bars) <= maxBars; x++ {
		if !img.Get(x, y) {
			continue
		}
		a := x
		for x < w && img.Get(x, y) {
			x++
		}
		bars = append(bars, bar{a: a, b: x - 1})
	}
	if len(bars) < minBars || len(bars) > maxBars {
		return false
	}
	length := float64(bars[len(bars)-1].b - bars[0].a + 1)
	space := 0.0 // the mean space between bars
	for i := 1; i < len(bars); i++ {
		space += float64(bars[i].a - bars[i-1].b - 1)
	}
	space /= float64(len(bars) - 1)
	if space < minSpace {
		return false
	}
	// The left edge of the first bar and the right edge of the last, by
	// row, for the quiet zones beside a tilted symbol.
	var edgeRoom [4][64]int
	leftEdge := edgeRows{y: y, at: bars[0].a, up: edgeRoom[0][:0], down: edgeRoom[1][:0]}
	rightEdge := edgeRows{y: y, at: bars[len(bars)-1].b, up: edgeRoom[2][:0], down: edgeRoom[3][:0], right: true}
	for i := range bars {
		var edge *edgeRows
		switch i {
		case 0:
			edge = &leftEdge
		case len(bars) - 1:
			edge = &rightEdge
		}
		bars[i].top = trace(img, bars[i].a, bars[i].b, y, -1, edge)
		bars[i].bottom = trace(img, bars[i].a, bars[i].b, y, 1, edge)
		if bars[i].top < 0 || bars[i].bottom < 0 {
			return false
		}
	}
	var heightRoom [maxBars]float64
	heights := heightRoom[:len(bars)]
	for i, b := range bars {
		heights[i] = float64(b.bottom - b.top + 1)
	}
	slices.Sort(heights)
	median := heights[len(heights)/2]
	// Pharmacode bars stand at least six spaces tall; the strokes of
	// letters (an m is three bars) stand two to four.
	if median < 0.25*length || median < 6*space || heights[0] < 0.8*median || heights[len(heights)-1] > 1.25*median {
		return false
	}
	// The tops, and the bottoms, lie on a line (the symbol may be
	// tilted).
	tol := max(2, 0.08*median)
	var topRoom, bottomRoom [maxBars][2]float64
	tops, bottoms := topRoom[:len(bars)], bottomRoom[:len(bars)]
	for i, b := range bars {
		c := float64(b.a+b.b) / 2
		tops[i] = [2]float64{c, float64(b.top)}
		bottoms[i] = [2]float64{c, float64(b.bottom)}
	}
	if !onLine(tops, tol) || !onLine(bottoms, tol) {
		return false
	}
	// Beside the first and last bars, quiet over the middle half of their
	// height.
	first, last := bars[0], bars[len(bars)-1]
	top, bottom := max(first.top, last.top), min(first.bottom, last.bottom)
	quiet := int(4 * space)
	for yy := top + (bottom-top)/4; yy <= bottom-(bottom-top)/4; yy++ {
		l, r := leftEdge.on(yy), rightEdge.on(yy)
		for d := 2; d <= quiet; d++ {
			if l-d >= 0 && img.Get(l-d, yy) || r+d < w && img.Get(r+d, yy) {
				return false
			}
		}
	}
	return true
}

// edgeRows is one edge of a bar, the left or the right, x on each row
// trace visits: at on the row y the bar was read on, up on rows y-1,
// y-2, … and down on y+1, y+2, … (in the order trace visits them).
type edgeRows struct {
	y, at    int
	up, down []int
	right    bool
}

// add notes the bar's run [a, b] on row y.
func (e *edgeRows) add(y, a, b int) {
	x := a
	if e.right {
		x = b
	}
	if y < e.y {
		e.up = append(e.up, x)
	} else {
		e.down = append(e.down, x)
	}
}

// on returns the edge's x on row y, which trace visited.
func (e *edgeRows) on(y int) int {
	switch {
	case y < e.y:
		return e.up[e.y-1-y]
	case y > e.y:
		return e.down[y-e.y-1]
	}
	return e.at
}

// minSpace is the narrowest mean space Verify accepts, in pixels: spaces
// are two units, and a unit under one and a half pixels leaves bars that
// binarization makes and breaks at will.
const minSpace = 3

// MayVerify tells whether Verify could accept bars read between x0 and x1
// in any image: it takes the bars whose left edges lie from x0 to x1, and
// asks of their spaces minSpace pixels on average, so the first bar's
// left edge and the last's are apart by a pixel more a space (each space
// after a bar of a pixel at least): eight pixels for three bars. A row
// reads narrower symbols from texture often; they are turned away before
// the rows about them are probed.
func MayVerify(x0, x1 float64) bool {
	return int(x1)-max(0, int(x0)) >= (minSpace+1)*(minBars-1)
}

// trace follows a bar from its run [a, b] on row y, one row at a time in
// direction dir, noting each row's run in edge when it is not nil, and
// returns the last row it reaches, or -1 when it runs into something
// wider. The image's outside counts as light: a bar drawn or cropped to
// the image's edge ends there.
func trace(img Image, a, b, y, dir int, edge *edgeRows) int {
	w, h := img.GetWidth(), img.GetHeight()
	for {
		ny := y + dir
		if ny < 0 || ny >= h {
			return y
		}
		// The dark run of row ny that overlaps [a-1, b+1].
		na, nb := -1, -1
		for x := max(0, a-1); x <= min(w-1, b+1); x++ {
			if img.Get(x, ny) {
				na = x
				break
			}
		}
		if na < 0 {
			return y
		}
		for na > 0 && img.Get(na-1, ny) {
			na--
		}
		nb = na
		for nb+1 < w && img.Get(nb+1, ny) {
			nb++
		}
		if nb-na > 2*(b-a)+4 {
			return -1 // the bar runs into something wider: no bar of a symbol
		}
		a, b, y = na, nb, ny
		if edge != nil {
			edge.add(y, a, b)
		}
	}
}

// onLine reports whether the points lie within tol of their least
// squares line.
func onLine(pts [][2]float64, tol float64) bool {
	var sx, sy, sxx, sxy float64
	n := float64(len(pts))
	for _, p := range pts {
		sx += p[0]
		sy += p[1]
		sxx += p[0] * p[0]
		sxy += p[0] * p[1]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return false
	}
	slope := (n*sxy - sx*sy) / d
	icpt := (sy - slope*sx) / n
	for _, p := range pts {
		if r := p[1] - (slope*p[0] + icpt); r > tol || r < -tol {
			return false
		}
	}
	return true
}
