package scanner

import (
	"image"
	"math/bits"
	"sort"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
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
	// box is the cluster's busy cells' bounding box, in cells, before the
	// margin (x0, y0, x1, y1 inclusive).
	box [4]int
}

// cellActivity counts, per cell, the changes along rows (h) and along
// columns (v), sampling every other row; the rows read from rows when
// they are of m (rows may be nil).
func cellActivity(m *gozxing.BitMatrix, cw int, h, v []uint16, rows *bitrow.SharedRows) {
	height := m.GetHeight()
	var cur, prev bitrow.Rows
	cur.OfShared(m, rows)
	prev.OfShared(m, rows)
	for y := 0; y+1 < height; y += 2 {
		a, b := cur.Row(y), prev.Row(y+1)
		n := min(cw, len(a))
		if n == 0 {
			continue
		}
		row := (y / cellSize) * cw
		var after uint32 // the first pixel past the cells counted, if any
		if n < len(a) {
			after = a[n] & 1
		}
		rowChanges(h[row:row+n], v[row:row+n], a[:n], b[:n], after)
	}
	cur.Done() // rows of the image
	prev.Done()
}

// rowChanges adds to h[i] the changes along the row of words a within
// word i, and between its last pixel and the next (the first of a[i+1],
// after's for the last word), and to v[i] the changes from a[i] to the
// row below's word b[i]; h, v, a and b are as long. Sliced once, the
// loop reads each word once and checks no bounds.
func rowChanges(h, v []uint16, a, b []uint32, after uint32) {
	h, v, b = h[:len(a)], v[:len(a)], b[:len(a)]
	w := a[0]
	for i := 1; i < len(a); i++ {
		next := a[i]
		h[i-1] += uint16(bits.OnesCount32(w ^ (w>>1 | next<<31)))
		v[i-1] += uint16(bits.OnesCount32(w ^ b[i-1]))
		w = next
	}
	last := len(a) - 1
	h[last] += uint16(bits.OnesCount32(w ^ (w>>1 | after<<31)))
	v[last] += uint16(bits.OnesCount32(w ^ b[last]))
}

// busyCell is the activity (changes along rows plus along columns) of a
// cell that something readable crosses: a cell of 32 columns × 16 sampled
// rows busy with at least two changes per sampled row or column pair on
// average.
const busyCell = cellSize

// findRegions returns candidate regions, largest first, at most limit. A
// cluster of busy cells over most of the frame is texture, not a symbol,
// and is left out. complete reports that the regions hold every busy cell
// of m: none was left out, as texture or over the limit, and m is large
// enough to be cut into cells at all.
// active tells which of m's cells are busy (for onDarkGround).
func findRegions(m *gozxing.BitMatrix, limit int, rows *bitrow.SharedRows) (regions []region, complete bool, active []bool) {
	if !cellsFit(m.GetWidth(), m.GetHeight()) {
		return nil, false, nil
	}
	all, cells, active := clustersActive(m, rows)
	out := all[:0]
	for _, r := range all {
		if r.cells*5 <= 3*cells {
			out = append(out, r)
		}
	}
	complete = len(out) == len(all) && len(out) <= limit
	sort.Slice(out, func(i, j int) bool { return out[i].cells > out[j].cells })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, complete, active
}

// cellsFit reports whether a width×height image is large enough to be
// cut into cells: more than one across and down.
func cellsFit(width, height int) bool {
	return width >= 2*cellSize-cellSize+1 && height >= cellSize+1
}

// onDarkGround appends to out the rectangles of the regions of regions
// (findRegions's, of the busy cells active of the view src) of
// minCropCells cells or more that lie on a dark ground: the cells that
// ring its busy cells and are not busy themselves, its quiet zone and
// what lies round it, are darker on average than its busy cells. A
// symbol's busy cells are a mix of its dark and light modules, its quiet
// zone the colour of its ground: lighter than the mix round a dark symbol
// on light, darker round a light symbol on dark. The first pass's readers
// look for dark modules on light and see nothing of such a symbol; the
// inverted pass does. (The binarized image cannot tell: its binarizer
// takes a flat block with no contrast for light, however dark.) A region
// with no ring in view is not told; nor is one that covers most of the
// view, texture to findRegions. Where no region was told either way,
// whole reports that the view as a whole lies on a dark ground
// (borderDark): a symbol that fills the view, its quiet zone no wider
// than a cell, has its ground round the view's edges; in a view too
// small to be cut into cells (active nil), every pixel counts as busy.
// The rings' luminance is sampled every fourth pixel of every fourth row.
func onDarkGround(src gozxing.LuminanceSource, regions []region, active []bool, out []image.Rectangle) (dark []image.Rectangle, whole bool) {
	width, height := src.GetWidth(), src.GetHeight()
	cw, ch := (width+cellSize-1)/cellSize, (height+cellSize-1)/cellSize
	small := active == nil && !cellsFit(width, height)
	if len(active) != cw*ch && !small {
		return out, false // not the regions of this view
	}
	var buf []byte // rows copied from a view that lends none
	defer func() { clear(buf) }()
	lender, _ := src.(interface{ LendRow(y int) []byte })
	row := func(y int) []byte {
		var r []byte
		if lender != nil {
			r = lender.LendRow(y)
		}
		if r == nil {
			r, _ = src.GetRow(y, buf)
			buf = r
		}
		return r
	}
	const step = 4
	// sum adds up the samples of cell (cx, cy) when it is in view and
	// busy or not as asked.
	sum := func(cx, cy int, busy bool) (total, n int) {
		if cx < 0 || cy < 0 || cx >= cw || cy >= ch || active[cy*cw+cx] != busy {
			return 0, 0
		}
		x0, x1 := cx*cellSize, min(cx*cellSize+cellSize, width)
		for y := cy * cellSize; y < min(cy*cellSize+cellSize, height); y += step {
			r := row(y)
			for x := x0; x < x1; x += step {
				total += int(r[x])
			}
			n += (x1 - x0 + step - 1) / step
		}
		return total, n
	}
	told := false
	for _, rg := range regions {
		if rg.cells < minCropCells {
			continue
		}
		x0, y0, x1, y1 := rg.box[0], rg.box[1], rg.box[2], rg.box[3]
		inSum, inN := 0, 0
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				t, n := sum(cx, cy, true)
				inSum, inN = inSum+t, inN+n
			}
		}
		ringSum, ringN := 0, 0
		ring := func(cx, cy int) {
			t, n := sum(cx, cy, false)
			ringSum, ringN = ringSum+t, ringN+n
		}
		for cx := x0 - 1; cx <= x1+1; cx++ {
			ring(cx, y0-1)
			ring(cx, y1+1)
		}
		for cy := y0; cy <= y1; cy++ {
			ring(x0-1, cy)
			ring(x1+1, cy)
		}
		told = told || ringN > 0 && inN > 0
		// ringSum/ringN < inSum/inN
		if ringN > 0 && inN > 0 && ringSum*inN < inSum*ringN {
			out = append(out, rg.rect)
		}
	}
	if told {
		return out, false
	}
	return out, borderDark(width, height, row, func(hist *[256]int) {
		// Every other pixel of every other row, the odd rows' shifted
		// a pixel: dots a few pixels apart (DotCode's) alias with a
		// sparser grid, which may then see none of them.
		for cy := range ch {
			for cx := range cw {
				if !small && !active[cy*cw+cx] {
					continue
				}
				x0, x1 := cx*cellSize, min(cx*cellSize+cellSize, width)
				for y := cy * cellSize; y < min(cy*cellSize+cellSize, height); y += 2 {
					r := row(y)
					for x := x0 + y/2%2; x < x1; x += 2 {
						hist[r[x]]++
					}
				}
			}
		}
	})
}

// borderDark reports whether the edges of a width×height view (rows
// from row) are a flat dark ground round what is busy in it (busy adds
// the busy cells' samples to a histogram). Its outermost rows and
// columns, averaged four pixels at a time along them, must be darker on
// average than the busy cells, and flat: all but the darkest and
// lightest of their samples (one in edgeTail each) within a band a
// quarter as wide as the contrast from their mean to the light of the
// busy cells (the level their lightest thirty-second reaches: a light
// symbol's light modules, or the dots of a DotCode symbol, which cover
// little of it). A symbol's quiet zone round it is flat; the edges of a
// photo, even where vignetting darkens them, cross what it shows (a
// table's grain, a hand, print), which keeps its contrast there in
// proportion.
func borderDark(width, height int, row func(y int) []byte, busy func(hist *[256]int)) bool {
	const run = 4 // pixels averaged, against noise
	if width < run || height < run {
		return false
	}
	var edges, inside [256]int // samples by level
	along := func(r []byte) {
		for x := 0; x+run <= width; x += run {
			edges[(int(r[x])+int(r[x+1])+int(r[x+2])+int(r[x+3])+run/2)/run]++
		}
	}
	along(row(0))
	along(row(height - 1))
	var left, right int
	for y := 0; y+run <= height; y++ {
		r := row(y)
		left, right = left+int(r[0]), right+int(r[width-1])
		if y%run == run-1 {
			edges[(left+run/2)/run]++
			edges[(right+run/2)/run]++
			left, right = 0, 0
		}
	}
	edgeSum, edgeN := weigh(&edges)
	lo, hi := level(&edges, edgeN/edgeTail), level(&edges, edgeN-1-edgeN/edgeTail)
	if 4*(hi-lo) > 255-edgeSum/edgeN {
		return false // not flat however light the busy cells
	}
	busy(&inside)
	inSum, inN := weigh(&inside)
	// edgeSum/edgeN < inSum/inN
	if inN == 0 || edgeSum*inN >= inSum*edgeN {
		return false
	}
	light := level(&inside, inN-1-inN/32)
	return 4*(hi-lo) <= light-edgeSum/edgeN
}

// edgeTail: borderDark leaves out one sample in this many at either end
// of the edges' levels, specks of dust or of noise.
const edgeTail = 32

// weigh returns the sum and the number of the samples of a histogram.
func weigh(hist *[256]int) (sum, n int) {
	for v, k := range hist {
		sum, n = sum+v*k, n+k
	}
	return sum, n
}

// level returns the level of a histogram's sample of rank k (from 0,
// darkest first): the lowest level with more than k samples at or below
// it, 255 when there is none.
func level(hist *[256]int, k int) int {
	for v, n := range hist {
		if k -= n; k < 0 {
			return v
		}
	}
	return 255
}

// clusters returns the clusters of busy cells of m, each grown by a cell,
// and the number of cells of m; m's rows read from rows when they are of
// m (rows may be nil).
func clusters(m *gozxing.BitMatrix, rows *bitrow.SharedRows) ([]region, int) {
	all, cells, _ := clustersActive(m, rows)
	return all, cells
}

// clustersActive is clusters, and also returns which cells are busy.
func clustersActive(m *gozxing.BitMatrix, rows *bitrow.SharedRows) ([]region, int, []bool) {
	width, height := m.GetWidth(), m.GetHeight()
	cw, ch := (width+cellSize-1)/cellSize, (height+cellSize-1)/cellSize
	h := make([]uint16, cw*ch)
	v := make([]uint16, cw*ch)
	cellActivity(m, cw, h, v, rows)
	active := make([]bool, cw*ch)
	for i := range active {
		active[i] = int(h[i])+int(v[i]) >= busyCell
	}
	return clusterCells(active, cw, width, height, h, v), cw * ch, active
}

// clusterCells returns the 8-connected clusters of the active cells of a
// grid cw cells wide over a width×height image, each grown by a cell; h
// and v, when given, are the cells' changes along rows and columns, which
// tell bars from 2D symbols.
func clusterCells(active []bool, cw, width, height int, h, v []uint16) []region {
	ch := len(active) / cw
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
			if h != nil {
				sumH, sumV = sumH+int(h[c]), sumV+int(v[c])
			}
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
		out = append(out, region{rect: r, kind: k, cells: n, horizontal: sumH >= sumV, box: [4]int{x0, y0, x1, y1}})
	}
	return out
}

// maxCrops bounds the regions searched one by one once a pass has found a
// symbol; with more, the pass goes on over the whole image.
const maxCrops = 8

// leftToSearch tells where a pass's remaining area readers should look once
// the symbols it found are painted out of its binarized image m: nowhere
// (done), when no cell is busy any more; in the busy regions left, when
// they are few and cover at most half of the image; else everywhere (nil).
// Once the one symbol of a label is read, what is left is mostly its
// printed text, which costs a reader little to search on its own.
func leftToSearch(m *gozxing.BitMatrix, rows *bitrow.SharedRows) (crops []image.Rectangle, done bool) {
	all, _ := clusters(m, rows)
	if len(all) == 0 {
		return nil, true
	}
	if len(all) > maxCrops {
		return nil, false
	}
	area := 0
	for _, r := range all {
		crops = append(crops, r.rect)
		area += r.rect.Dx() * r.rect.Dy()
	}
	if 2*area > m.GetWidth()*m.GetHeight() {
		return nil, false
	}
	return crops, false
}

// minCropCells is the fewest cells a proposed region needs: a symbol
// readable in a frame, at two pixels a module or more, crosses at least
// that many; fewer are specks of texture or noise.
const minCropCells = 3

// cropsOf turns clusters of cells (of cells in all) into the regions to
// search: those of minCropCells or more, merged where they overlap; or
// whole when a cluster covers most of the image or the regions cover more
// than half of it (texture, or a symbol filling the frame): then the whole
// image is searched.
func cropsOf(all []region, cells, width, height int) (crops []image.Rectangle, whole bool) {
	for _, r := range all {
		if r.cells*5 > 3*cells {
			return nil, true
		}
		if r.cells >= minCropCells {
			crops = append(crops, r.rect)
		}
	}
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(crops) && !merged; i++ {
			for j := i + 1; j < len(crops); j++ {
				if crops[i].Overlaps(crops[j]) {
					crops[i] = crops[i].Union(crops[j])
					crops = append(crops[:j], crops[j+1:]...)
					merged = true
					break
				}
			}
		}
	}
	area := 0
	for _, c := range crops {
		area += c.Dx() * c.Dy()
	}
	if len(crops) > maxCrops || 2*area > width*height {
		return nil, true
	}
	return crops, false
}
