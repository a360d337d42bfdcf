package pdf417

import (
	"cmp"
	"image"
	"math"
	"math/bits"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Where to look for MicroPDF417 symbols, and at which angle. A symbol has
// no start or stop pattern to find it by; what it has everywhere is bars:
// along its rows the image changes colour often, across them seldom. So
// the binarized image is looked at in cells of 32×32 pixels (one word of a
// matrix row), and in each the colour changes between neighbouring pixels
// are counted along four directions ψ: rows (0°), the diagonal down to the
// right (45°), columns (90°) and the other diagonal (135°). A line of
// direction ψ crosses bars whose rows run at angle φ |cos(ψ−φ)| times as
// often as a line along the rows, so the four counts, summed as vectors of
// doubled angle 2ψ, point to 2φ: within 1.6° for four directions (the
// counts along the diagonals scaled by 1/√2, their steps being √2 long).
// Cells with many changes are clustered with their neighbours; each
// cluster whose cells' changes clearly run more one way than the other is
// searched, in a view of the image turned to the cluster's angle and in
// that view turned round, for the left edges of the symbol's rows. A frame
// without bars costs one pass over its words; the row readers then search
// only the clusters, at any angle.

const microCell = 32 // pixels; one word of a matrix row

// A sampled row of a cell counts only if it changes colour at least
// microBarChanges times along the row or down the columns: bars, not the
// single edge of an object's outline, a shadow or a gradient (nor that
// edge's pixel staircase, which a line along it crosses often). A cell is
// busy when it has, over such rows, at least microBusy changes (about four
// rows' worth). A cluster of busy cells is searched at an angle when its
// cells' vectors, projected on that angle's, sum to at least microCoherent
// of the cluster's changes: bars alone give 0.3 to 0.4, a MicroPDF417
// symbol, whose rows change colour across too where they meet, 0.07 and
// more (more where its rows are taller than two modules), and evenly
// scattered texture about 0. The composite reader searches beside the
// linear symbols read at microCoherent; the MicroPDF417 reader, which
// searches the whole image, at microSymbolCoherent: in the robustness
// suite (24 samples a level) every cluster a symbol was read from held
// 0.10 or more (tilted 45°), most 0.13 or more, where the textured
// clusters of the development set's photos (skin, fur, print, the
// larger part of the instructions the search spent over every eighth
// image) hold 0.05 to 0.09, most under 0.07.
const (
	microBarChanges     = 3
	microBusy           = 2 * 24 // the counts are doubled
	microCoherent       = 0.04
	microSymbolCoherent = 0.07
)

// microAngleBins is the number of bins of the histogram of a cluster's
// angles (6° each), and microPeak the share of its highest bin a second
// angle must reach to be searched too (a symbol beside another symbol or
// text: the cluster holds both).
const (
	microAngleBins = 30
	microPeak      = 0.5
)

// microReach is how far apart, in cells, two busy cells of one cluster
// may be.
const microReach = 1

// microMargin is how far a cluster's bounds reach beyond its cells: a cell
// a symbol covers only in part (its quiet zone, the ends of its rows) may
// not count as barred.
const microMargin = microCell

// microBeyond is how far a cluster's bounds reach beyond the image's edge,
// in the pixels of its count: the two modules of light a row's RAP needs
// before it, for modules of up to 8 pixels, the largest the fine count
// finds (32 for the coarse count's, every fourth pixel). At 8 pixels,
// modules over 4 pixels (zint --scale 3) and over 16 (--scale 9 and up)
// were not read without a quiet zone. (Reaching as far as microMargin
// would cost a tenth more samples on the development set's images, whose
// symbols often lie near an edge.)
const microBeyond = 16

// microMaxRegions bounds the clusters searched per image, largest first, so
// that an image full of striped texture costs a bounded amount.
const microMaxRegions = 16

// cellChanges are the colour changes counted in one cell along rows (h),
// columns (v), the 45° diagonal (d) and the 135° one (a), doubled.
type cellChanges struct{ h, v, d, a int32 }

// vector returns the cell's doubled-angle vector and its total of
// changes.
func (c cellChanges) vector() (x, y, total float64) {
	diag := float64(c.d+c.a) / math.Sqrt2
	return float64(c.h - c.v), float64(c.d-c.a) / math.Sqrt2, float64(c.h+c.v) + diag
}

// turnedRegion is a cluster of barred cells: its bounds in pixels, grown
// by a cell, and the angle its rows run at (radians, clockwise from the
// image's x axis, in [-π/2, π/2)).
type turnedRegion struct {
	x0, y0, x1, y1 int
	angle          float64
	cells          int
	// scale is the image pixels a pixel of the count that found the
	// cluster stood for, 1 or microCoarse; the region is seen at that
	// scale (see view).
	scale int
}

// view returns the region seen with its rows horizontal, turned further by
// turn radians (π for the other way round), a view pixel every rg.scale
// image pixels.
func (rg turnedRegion) view(m *gozxing.BitMatrix, turn float64) view {
	a := rg.angle + turn
	scale := float64(max(1, rg.scale))
	cx, cy := float64(rg.x0+rg.x1)/2, float64(rg.y0+rg.y1)/2
	dx, dy := float64(rg.x1-rg.x0)/scale, float64(rg.y1-rg.y0)/scale
	ux, uy := math.Cos(a), math.Sin(a)
	// Whole pixels, so that the view turned round samples the same points
	// as this one, its rows read backwards. Not a pixel more for the
	// rounding error of a cosine or sine that should be 0 (cos π/2 is
	// 6e-17): a quarter turn's view one pixel wider would sample halfway
	// between pixels, where every edge is a tie.
	const rounding = 1e-9
	w := math.Ceil(dx*math.Abs(ux) + dy*math.Abs(uy) - rounding)
	h := math.Ceil(dx*math.Abs(uy) + dy*math.Abs(ux) - rounding)
	ox := cx - scale*(w/2*ux-h/2*uy)
	oy := cy - scale*(w/2*uy+h/2*ux)
	return newTurnedView(m, ox, oy, a, scale, int(w), int(h))
}

// countChanges fills r.cells with the changes of each cell of the w×h
// image whose words copyWords made, stride words a row, over the row
// pairs (y, y+1) for even y, a word of each row at a time; it returns the
// grid's width in cells. Down the columns it takes the mean of the
// changes from row y to y+1 and from y+1 to y+2: bars turned exactly a
// quarter, with modules of an even number of pixels (a portrait scan
// turned upright), have every edge between an odd row and the next, which
// the pair alone never sees, and where edges fall anywhere the mean counts
// as many as the pair did. The counts are kept doubled, to keep the half.
func (r *MicroReader) countChanges(words []uint32, stride, w, h int) int {
	cw, ch := (w+microCell-1)/microCell, (h+microCell-1)/microCell
	// An array outgrown (the coarse count's after the fine one's, a
	// larger image's) is cleared as it is let go, with its counts.
	r.cells = scrub.Kept(r.cells, append(r.cells[:0], make([]cellChanges, cw*ch)...))
	r.cellsHeld = max(r.cellsHeld, len(r.cells))
	for y := 0; y+1 < h; y += 2 {
		a, b := words[y*stride:(y+1)*stride], words[(y+1)*stride:(y+2)*stride]
		below := b // below the last pair, no change
		if y+2 < h {
			below = words[(y+2)*stride : (y+3)*stride]
		}
		cells := r.cells[(y/microCell)*cw : (y/microCell+1)*cw]
		b, below = b[:len(a)], below[:len(a)] // no test of their bounds a word
		for i := range a {
			wa, wb, wc := a[i], b[i], below[i]
			if wa == wb && wb == wc && wa+1 <= 1 {
				// One colour along the row and down the columns (most
				// words of a frame's background): at most the change to
				// the next word's first pixel, under microBarChanges.
				continue
			}
			var na, nb uint32 // the first pixel of the next word
			if i+1 < len(a) {
				na, nb = a[i+1]&1, b[i+1]&1
			}
			// Bit k of a word is pixel 32i+k; shifted right, pixel x+1.
			sa := wa>>1 | na<<31
			h := 2 * int32(bits.OnesCount32(wa^sa))
			v := int32(bits.OnesCount32(wa^wb) + bits.OnesCount32(wb^wc))
			if max(h, v) < 2*microBarChanges {
				continue
			}
			// The diagonals only for the words that count.
			sb := wb>>1 | nb<<31
			d, an := 2*int32(bits.OnesCount32(wa^sb)), 2*int32(bits.OnesCount32(sa^wb))
			c := &cells[i]
			c.h, c.v, c.d, c.a = c.h+h, c.v+v, c.d+d, c.a+an
		}
	}
	return cw
}

// belowNoise tells whether a sensor's noise covers most of the frame
// (r.speckled): binarized at each block's mean, a flat ground whose
// noise spans more than the binarizer's least range of levels turns to
// speckle, which changes colour often and alike along every direction,
// where bars change it mostly along one. Where over half the cells are
// busy and their changes run no way (under microCoherent), only the
// cells whose changes run one way (microSymbolCoherent) count as barred
// (barredCells): the speckle made every cell busy, and the one cluster
// of them so evenly scattered that no symbol in it was searched (at
// sensor noise of 8 gray levels no MicroPDF417 symbol read). The cells
// of a symbol on it, its bars binarized cleanly, run one way as before.
func (r *MicroReader) belowNoise() {
	speckle := 0
	for _, c := range r.cells {
		if x, y, total := c.vector(); total >= microBusy && math.Hypot(x, y) < microCoherent*total {
			speckle++
		}
	}
	r.speckled = 2*speckle > len(r.cells)
}

// turnedRegions returns the clusters of barred cells of m, largest first,
// at most microMaxRegions: one per angle its cells show (see clusterAngles).
// Then, after those, the clusters of the coarse count (see coarseRegions).
func (r *MicroReader) turnedRegions(m *gozxing.BitMatrix) []turnedRegion {
	// The words the turned views read too (see view): the count reads
	// them rather than each row again. The shared rows where they may be
	// read as they are; a copy where the bars of 1D symbols are cleared,
	// of the shared rows where there are any (one copy of all the words,
	// not one a row out of the matrix).
	w, h := m.GetWidth(), m.GetHeight()
	words, stride, shared := r.rows.Words()
	switch {
	case shared && len(r.erase) == 0:
		r.words, r.stride = words, stride
	case shared:
		if cap(r.ownWords) < len(words) {
			clear(r.ownWords[:cap(r.ownWords)]) // see copyWords
			r.ownWords = make([]uint32, len(words))
		}
		r.ownWords = r.ownWords[:len(words)]
		copy(r.ownWords, words)
		r.words, r.stride = r.ownWords, stride
	default:
		r.ownWords, r.stride, r.row = copyWords(m, r.row, r.ownWords)
		r.words = r.ownWords
	}
	for _, e := range r.erase {
		clearRect(r.words, r.stride, e.Intersect(image.Rect(0, 0, w, h)))
	}
	cw := r.countChanges(r.words, r.stride, w, h)
	if cw == 0 {
		return nil
	}
	r.belowNoise()
	r.barred = r.barredCells(r.barred)
	out := r.clusters(r.barred, cw, 1, w, h, r.regions[:0])
	defer func() { r.regions = out[:0] }()
	slices.SortStableFunc(out, func(a, b turnedRegion) int { return cmp.Compare(b.cells, a.cells) })
	out = out[:min(len(out), microMaxRegions)]
	var plain []uint32 // m's words, nothing erased, where the reader has them
	switch {
	case shared:
		plain = words
	case len(r.erase) == 0:
		plain = r.words
	}
	out = r.coarseRegions(m, plain, r.stride, cw, out)
	return out
}

// barredCells sets in barred (resized to r.cells) the cells of r.cells
// that hold bars: microBusy changes or more.
func (r *MicroReader) barredCells(barred []bool) []bool {
	barred = scrub.Kept(barred, append(barred[:0], make([]bool, len(r.cells))...)) // see countChanges
	for i, c := range r.cells {
		x, y, total := c.vector()
		barred[i] = total >= microBusy && (!r.speckled || math.Hypot(x, y) >= microSymbolCoherent*total)
	}
	return barred
}

// clusters appends to out the clusters of the barred cells of r.cells, a
// grid cw cells wide of a count made every scale-th pixel of a w×h
// image, with their bounds in that image's pixels.
func (r *MicroReader) clusters(barred []bool, cw, scale, w, h int, out []turnedRegion) []turnedRegion {
	ch := len(r.cells) / cw
	// seen, stack, members and out are the reader's, kept from image to
	// image: an array outgrown is cleared as it is let go, with the
	// cells and regions of the clusters met.
	seen := scrub.Grow(r.clusterSeen[:0], len(barred))[:len(barred)]
	clear(seen)
	// A cell is pushed once at most (seen), and is one cluster's member:
	// room for every cell, made once.
	stack, members := scrub.Room(r.clusterStack, len(barred)), scrub.Room(r.clusterMembers, len(barred))
	defer func() { r.clusterSeen, r.clusterStack, r.clusterMembers = seen, stack, members }()
	total := 0.0 // the cluster's changes
	cell := microCell * scale
	for start, b := range barred {
		if seen[start] || !b {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		members, total = members[:0], 0
		cx0, cy0, cx1, cy1 := cw, ch, -1, -1
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			members = append(members, i)
			_, _, t := r.cells[i].vector()
			total += t
			x, y := i%cw, i/cw
			cx0, cy0, cx1, cy1 = min(cx0, x), min(cy0, y), max(cx1, x), max(cy1, y)
			for ny := max(0, y-microReach); ny <= min(ch-1, y+microReach); ny++ {
				for nx := max(0, x-microReach); nx <= min(cw-1, x+microReach); nx++ {
					if j := ny*cw + nx; barred[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		// The bounds reach microBeyond beyond the image, which the view sees
		// as light: a symbol drawn without a quiet zone, its bars at the
		// image's edge, then has the light margin its rows need before the
		// left RAP (and after the stop bar) all the same.
		margin, edge := microMargin*scale, microBeyond*scale
		rg := turnedRegion{
			x0: max(-edge, cx0*cell-margin), y0: max(-edge, cy0*cell-margin),
			x1: min(w+edge, (cx1+1)*cell+margin), y1: min(h+edge, (cy1+1)*cell+margin),
			cells: len(members), scale: scale,
		}
		coherent := microSymbolCoherent
		if r.composite {
			coherent = microCoherent
		}
		for _, a := range r.clusterAngles(members, coherent*total) {
			rg.angle = a
			out = append(scrub.Grow(out, 1), rg)
		}
	}
	return out
}

// clusterAngles returns the angles the rows of a cluster's cells run at:
// the peaks of the histogram of their angles, each cell weighing as much
// as its bars (the length of its vector), and each peak's angle that of
// the summed vectors of the cells in its bin and the bins beside it, when
// the cluster's vectors projected on it sum to at least least.
func (r *MicroReader) clusterAngles(members []int, least float64) []float64 {
	var hist [microAngleBins]float64
	bin := func(x, y float64) int {
		a := math.Atan2(y, x) // doubled angle, in [-π, π]
		return int((a+math.Pi)/(2*math.Pi)*microAngleBins) % microAngleBins
	}
	for _, i := range members {
		x, y, _ := r.cells[i].vector()
		hist[bin(x, y)] += math.Hypot(x, y)
	}
	var smooth [microAngleBins]float64
	top := 0.0
	for b := range hist {
		smooth[b] = hist[(b+microAngleBins-1)%microAngleBins] + 2*hist[b] + hist[(b+1)%microAngleBins]
		top = max(top, smooth[b])
	}
	// Room for the two a cluster may show at once: an array outgrown is
	// cleared as it is let go, with the angles of the clusters before.
	angles := scrub.Grow(r.angles[:0], 2)
	defer func() { r.angles = angles }()
	for b := range smooth {
		prev, next := smooth[(b+microAngleBins-1)%microAngleBins], smooth[(b+1)%microAngleBins]
		if smooth[b] < microPeak*top || smooth[b] < prev || smooth[b] <= next || len(angles) == 2 {
			continue
		}
		var sx, sy float64
		for _, i := range members {
			x, y, _ := r.cells[i].vector()
			if d := (bin(x, y) - b + microAngleBins) % microAngleBins; d <= 1 || d == microAngleBins-1 {
				sx, sy = sx+x, sy+y
			}
		}
		// How strongly the whole cluster's bars run at that angle: its
		// cells' vectors projected on the peak's (cells of other angles,
		// their vectors scattered by noise, add or take away a little).
		n := math.Hypot(sx, sy)
		strength := 0.0
		for _, i := range members {
			x, y, _ := r.cells[i].vector()
			strength += (x*sx + y*sy) / n
		}
		if strength >= least {
			angles = append(angles, math.Atan2(sy, sx)/2)
		}
	}
	return angles
}

// clearRect clears the bits of rectangle e in words, stride words a row.
func clearRect(words []uint32, stride int, e image.Rectangle) {
	if e.Empty() {
		return
	}
	first, last := e.Min.X>>5, (e.Max.X-1)>>5
	lowMask := ^uint32(0) << uint(e.Min.X&31)         // bits from Min.X on
	highMask := ^uint32(0) >> uint(31-(e.Max.X-1)&31) // bits to Max.X-1
	for y := e.Min.Y; y < e.Max.Y; y++ {
		row := words[y*stride : (y+1)*stride]
		if first == last {
			row[first] &^= lowMask & highMask
			continue
		}
		row[first] &^= lowMask
		clear(row[first+1 : last])
		row[last] &^= highMask
	}
}
