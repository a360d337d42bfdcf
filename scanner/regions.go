package scanner

import (
	"image"
	"math/bits"
	"sort"

	"github.com/makiuchi-d/gozxing"
)

// Region proposals. gozxing's Data Matrix and Aztec detectors look for a
// symbol around the centre of the image they are given, so a symbol near
// an edge, or a second one, goes unseen in a whole frame. findRegions
// looks at the binarized frame in 32×32-pixel cells and counts black/white
// changes along rows and along columns: a 2D symbol changes often both
// ways, a 1D code often along one axis only, paper and skin hardly at all.
// Clusters of busy cells become candidate rectangles that the
// centre-seeking readers then search one by one.

const cellSize = 32 // one 32-bit word of a BitMatrix row

// regionKind tells what a candidate looks like.
type regionKind uint8

const (
	region2D regionKind = iota + 1 // changes along rows and columns
	region1D                       // bars: changes along one axis only
)

type region struct {
	rect  image.Rectangle // in pixels of the matrix
	kind  regionKind
	cells int
	// horizontal: colour changes mostly along rows (vertical bars).
	horizontal bool
}

// cellActivity counts, per cell, the changes along rows (h) and along
// columns (v), sampling every other row.
func cellActivity(m *gozxing.BitMatrix, cw int, h, v []uint16) {
	width, height := m.GetWidth(), m.GetHeight()
	prev := gozxing.NewBitArray(width)
	cur := gozxing.NewBitArray(width)
	for y := 0; y+1 < height; y += 2 {
		cur = m.GetRow(y, cur)
		prev = m.GetRow(y+1, prev)
		a, b := cur.GetBitArray(), prev.GetBitArray()
		row := (y / cellSize) * cw
		for i := 0; i < cw && i < len(a); i++ {
			w := a[i]
			var next uint32
			if i+1 < len(a) {
				next = a[i+1] & 1
			}
			h[row+i] += uint16(bits.OnesCount32(w ^ (w>>1 | next<<31)))
			v[row+i] += uint16(bits.OnesCount32(w ^ b[i]))
		}
	}
}

// findRegions returns candidate regions, largest first, at most limit.
func findRegions(m *gozxing.BitMatrix, limit int) []region {
	width, height := m.GetWidth(), m.GetHeight()
	cw, ch := (width+cellSize-1)/cellSize, (height+cellSize-1)/cellSize
	if cw < 2 || ch < 2 {
		return nil
	}
	h := make([]uint16, cw*ch)
	v := make([]uint16, cw*ch)
	cellActivity(m, cw, h, v)
	// A cell (32 columns × 16 sampled rows) is busy with at least two
	// changes per sampled row or column pair on average.
	const busy = cellSize
	active := make([]bool, cw*ch)
	for i := range active {
		active[i] = int(h[i])+int(v[i]) >= busy
	}
	var out []region
	seen := make([]bool, len(active))
	stack := make([]int, 0, 64)
	for start := range active {
		if !active[start] || seen[start] {
			continue
		}
		x0, y0, x1, y1, n := cw, ch, -1, -1, 0
		var sumH, sumV int
		stack = append(stack[:0], start)
		seen[start] = true
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cx, cy := c%cw, c/cw
			x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
			n++
			sumH, sumV = sumH+int(h[c]), sumV+int(v[c])
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := cx+dx, cy+dy
					if nx < 0 || ny < 0 || nx >= cw || ny >= ch {
						continue
					}
					if j := ny*cw + nx; !seen[j] && active[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if n*5 > 3*cw*ch {
			continue // most of the frame: texture, not a symbol
		}
		// A 2D symbol changes colour about as often down as across; bars
		// change along one axis only.
		k := region2D
		if 4*min(sumH, sumV) < max(sumH, sumV) {
			k = region1D
		}
		// One cell of margin round the cluster for the quiet zone and
		// the edge modules the activity count misses.
		r := image.Rect((x0-1)*cellSize, (y0-1)*cellSize, (x1+2)*cellSize, (y1+2)*cellSize).
			Intersect(image.Rect(0, 0, width, height))
		out = append(out, region{rect: r, kind: k, cells: n, horizontal: sumH >= sumV})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].cells > out[j].cells })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
