package aztec

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The bull's-eye is a set of concentric square rings one module wide, dark
// at even distance from the dark centre module (ISO/IEC 24778 §6.1). Any
// line through the centre, at any angle, crosses the rings in runs of one
// width; a row up to two modules off the centre crosses a wider middle
// run flanked by at least two such runs on each side. Rows are scanned for
// that pattern, a candidate is checked down its column, and the centre is
// then taken from the run pattern in both directions.

// bitImage reads the binarized image; everything outside it is light. It
// holds a copy of the matrix's rows as words (rowSize a row), which the
// detector samples point by point — millions of times in a busy frame —
// with one bounds check, where the matrix's Get makes four and a signed
// division.
type bitImage struct {
	w, h    int
	rowSize int
	words   []uint32    // pixel (x, y) is bit x%32 of words[y*rowSize+x/32]
	rows    bitrow.Rows // m's rows, as load reads them, and their run lengths, until wipe
	// Blocks of 32×32 pixels turned into columns as lines down them are
	// read (see column), each kept in the slot its place picks until
	// another block takes it: block (bx, by) in blocks[s] when tags[s] is
	// by*rowSize+bx+1, pixel (32bx+j, 32by+i) bit i of blocks[s][j].
	blocks  [blockSlots][32]uint32
	tags    [blockSlots]int32
	colSize int      // words in a column
	col     []uint32 // the column column gathers
}

// blockSlots is how many transposed blocks a bitImage keeps: 128 KiB
// whatever the image's size (a 1080p frame has 2040 blocks, of which the
// search reads far fewer, most of them several times).
const blockSlots = 1024

// load copies m, reusing the words of the image before; its rows read
// from shared when they are of m (shared may be nil), which rows then
// reads until wipe.
func (b *bitImage) load(m *gozxing.BitMatrix, shared *bitrow.SharedRows) {
	b.w, b.h = m.GetWidth(), m.GetHeight()
	b.rowSize = (b.w + 31) / 32
	n := b.rowSize * b.h
	// A larger image's copy and column take new arrays, the old ones
	// cleared as they are let go.
	b.words = scrub.Room(b.words, n)[:n]
	b.rows.OfShared(m, shared)
	for y := range b.h {
		copy(b.words[y*b.rowSize:(y+1)*b.rowSize], b.rows.Row(y))
	}
	b.colSize = (b.h + 31) / 32
	b.col = scrub.Room(b.col, b.colSize)[:b.colSize]
	clear(b.tags[:]) // the blocks are of the image before
}

// wipe clears the copies of the image and the tags, which tell the
// blocks the search read.
func (b *bitImage) wipe() {
	b.rows.Done()
	clear(b.words[:cap(b.words)])
	clear(b.blocks[:])
	clear(b.tags[:])
	clear(b.col[:cap(b.col)])
}

// get reads pixel (x, y), light outside the image.
func (b *bitImage) get(x, y int) bool {
	if uint(x) >= uint(b.w) || uint(y) >= uint(b.h) {
		return false
	}
	return b.words[y*b.rowSize+x>>5]>>(x&31)&1 != 0
}

func (b *bitImage) darkAt(p point) bool {
	if p.x < 0 || p.y < 0 {
		return false
	}
	return b.get(int(p.x), int(p.y))
}

// markDark sets win[j*w+i] to 1 for each dark pixel (x0+i, y0+j) of the
// w×w window at (x0, y0), leaving the others as they are. It visits the dark
// pixels only, a word of a row at a time.
func (b *bitImage) markDark(win []byte, x0, y0, w int) {
	xa, xb := max(x0, 0), min(x0+w, b.w) // the columns inside the image
	if xa >= xb {
		return
	}
	for j := max(0, -y0); j < w && y0+j < b.h; j++ {
		row := b.words[(y0+j)*b.rowSize : (y0+j+1)*b.rowSize]
		out := win[j*w : (j+1)*w]
		for wi := xa >> 5; wi<<5 < xb; wi++ {
			v := row[wi]
			if lo := wi << 5; lo < xa {
				v &^= 1<<(xa-lo) - 1
			}
			if hi := wi<<5 + 32; hi > xb {
				v &= 1<<(32-(hi-xb)) - 1
			}
			for v != 0 {
				out[wi<<5+bits.TrailingZeros32(v)-x0] = 1
				v &= v - 1
			}
		}
	}
}

// centre is a bull's-eye candidate: its centre and module size in pixels.
type centre struct {
	p      point
	module float64
}

// ringPattern looks at runs[i] as the middle run of a bull's-eye crossing
// and returns four times the module size the runs next to it suggest (the
// sum of those four runs), or false. The tests are on the module size m =
// s/4, in integers: each bound below is the float comparison it stands for
// multiplied out (m < 1.5 is s < 6, w < 0.5·m is 8w < s, …), exact for any
// run an image can hold.
func ringPattern(runs []int, i int) (int, bool) {
	if i < 2 || i+2 >= len(runs) {
		return 0, false
	}
	l1, l2, r1, r2, c := runs[i-1], runs[i-2], runs[i+1], runs[i+2], runs[i]
	s, skew := l1+l2+r1+r2, (l1+l2)-(r1+r2)
	// m ≥ 1.5 (modules too small to read otherwise); each of the four
	// within 0.5·m … 1.5·m; the middle run within 0.25·m … 5.5·m; the
	// two sides within 0.5·m+1 of each other.
	if s < 6 || 8*min(l1, l2, r1, r2) < s || 8*max(l1, l2, r1, r2) > 3*s ||
		16*c < s || 8*c > 11*s || 8*max(skew, -skew) > s+8 {
		return 0, false
	}
	return s, true
}

// mayRing is ringPattern's cheapest necessary condition, small enough to
// be inlined where every run of a line is tried: the runs either side of
// runs[i] both lie within s/8 … 3s/8, so neither is over three times the
// other.
func mayRing(runs []int, i int) bool {
	if i < 2 || i+2 >= len(runs) {
		return false
	}
	l, r := runs[i-1], runs[i+1]
	return 3*l >= r && 3*r >= l
}

// symmetricExtent counts the pairs of runs round runs[i] that are about a
// module wide and as wide as each other, out to the first pair that is
// not; s is four times the module size, as ringPattern gives it, and the
// bounds are ringPattern's.
func symmetricExtent(runs []int, i int, s int) int {
	n := min(16, i, len(runs)-1-i) // the pairs there are, up to 16
	for k := 0; k < n; k++ {
		l, r := runs[i-k-1], runs[i+k+1]
		if 8*max(l-r, r-l) > s+8 || 8*min(l, r) < s || 8*max(l, r) > 3*s {
			return k
		}
	}
	return max(n, 0)
}

// rowHit is a run in a row that has the ring pattern round it.
type rowHit struct {
	x, y, m float64
	score   int
}

// findCentres scans every step-th row for the ring pattern and checks the
// hits down their columns, most promising first and at most budget of
// them: texture that looks like rings at every turn (noise binarized at
// random) would otherwise cost without end. A hit is the more promising
// the more pairs of equal runs surround it, and when its middle run could
// be the centre module. The results are distinct centres.
func (d *detector) findCentres(step, budget int) []centre {
	img := &d.img
	hits := d.hits[:0]
	for y := step / 2; y < img.h; y += step {
		// The row's runs: measured once between the readers of shared
		// rows, else from the copy of the image.
		var runs []int
		if img.rows.Shared() {
			runs, d.runs = img.rows.Lengths(y, d.runs)
		} else {
			d.runs = bitrow.Lengths(img.words[y*img.rowSize:(y+1)*img.rowSize], img.w, d.runs)
			runs = d.runs
			d.runsHeld = max(d.runsHeld, len(runs))
		}
		x := 0
		for i, r := range runs {
			start := x
			x += r
			if !mayRing(runs, i) {
				continue
			}
			s, ok := ringPattern(runs, i)
			if !ok {
				continue
			}
			m := float64(s) / 4
			score := symmetricExtent(runs, i, s)
			if i%2 == 1 && float64(r) <= 1.6*m {
				score += 2
			}
			// Grown with the old array cleared: one append outgrew would
			// be dropped with where the hits lie, which nothing clears.
			hits = append(scrub.Grow(hits, 1), rowHit{float64(start) + float64(r)/2, float64(y) + 0.5, m, score})
		}
	}
	d.hits = hits
	// The hits by score, best first, in row order within a score.
	var first [maxScore + 2]int // first[maxScore-score]: where that score's hits start
	for _, h := range hits {
		first[maxScore-h.score+1]++
	}
	for k := 1; k < len(first); k++ {
		first[k] += first[k-1]
	}
	d.sorted = scrub.Room(d.sorted, len(hits)) // an array outgrown is cleared as it is let go
	sorted := d.sorted[:len(hits)]
	for _, h := range hits {
		sorted[first[maxScore-h.score]] = h
		first[maxScore-h.score]++
	}
	out := d.centres[:0]
	for _, h := range sorted[:min(len(sorted), max(budget, 0))] {
		out = d.checkHit(h, out)
	}
	d.centres = out
	return out
}

// maxScore is the best score a row hit can have.
const maxScore = 18

// checkHit checks a row hit and adds the centre it leads to, if new.
func (d *detector) checkHit(h rowHit, out []centre) []centre {
	c, ok := d.crossCheck(h.x, h.y, h.m)
	if !ok {
		return out
	}
	for _, o := range out {
		if o.p.sub(c.p).norm() < 0.75*math.Max(o.module, c.module) {
			return out
		}
	}
	return append(scrub.Grow(out, 1), c) // an array outgrown is cleared as it is let go
}

// crossCheck moves from a row hit at (x, y), the middle of a chord across
// the rings, to the bull's-eye's centre. The centre module is a small dark
// blob that the light first ring closes in all round, within a few
// modules of the middle of any chord; the rings round it are large. Of the
// small blobs nearby, the first that has the ring pattern centred on it
// both ways is the centre.
func (d *detector) crossCheck(x, y, m float64) (centre, bool) {
	// Cheap first: the column through the hit crosses the rings too (the
	// bars of a 1D code that made a row hit do not).
	cy, _, _, ok := d.lineCentre(point{x, y}, point{0, 1}, m)
	if !ok || d.lineK < 3 {
		return centre{}, false
	}
	// And the row through the centre that the column found.
	if _, _, _, ok := d.lineCentre(point{x, cy}, point{1, 0}, m); !ok || d.lineK < 3 {
		return centre{}, false
	}
	r := int(3*m) + 2
	x0, y0 := int(x)-r, int(y)-r
	w := 2*r + 1
	// The window's pixels, read once: a pixel is looked at from each of
	// its neighbours in the flood. open holds the dark ones the flood has
	// not reached yet, so that a neighbour takes one look. (Image data:
	// cleared once done, and an array outgrown as it is let go, which
	// holds pixels only where a panic cut a flood short.)
	d.window = scrub.Room(d.window, w*w)
	open := d.window[:w*w] // all 0: cleared after each use
	d.img.markDark(open, x0, y0, w)
	maxArea := int(3*m*m) + 8
	// The small blobs, nearest the hit first.
	blobs := d.blobs[:0]
	for k := nextOpen(open, 0); k < len(open); k = nextOpen(open, k+1) {
		c, area, ok := d.fillBlob(open, x0, y0, w, k%w, k/w, maxArea)
		if !ok || float64(area) < max(2, 0.1*m*m) {
			continue
		}
		blobs = append(scrub.Grow(blobs, 1), c) // an array outgrown is cleared as it is let go
	}
	clear(open)
	d.blobs = blobs
	d.blobsHeld = max(d.blobsHeld, len(blobs))
	hit := point{x, y}
	for i := 1; i < len(blobs); i++ {
		for j := i; j > 0 && blobs[j].sub(hit).norm() < blobs[j-1].sub(hit).norm(); j-- {
			blobs[j], blobs[j-1] = blobs[j-1], blobs[j]
		}
	}
	for i, c := range blobs {
		if i == 3 {
			break
		}
		cy, mv, darkV, ok1 := d.lineCentre(c, point{0, 1}, m)
		cx, mh, darkH, ok2 := d.lineCentre(point{c.x, cy}, point{1, 0}, m)
		if !ok1 || !ok2 || !darkV || !darkH || math.Abs(cx-c.x) > 0.75*m || math.Abs(cy-c.y) > 0.75*m {
			continue
		}
		if mv < mh/3 || mv > 3*mh {
			continue
		}
		return centre{p: point{(cx + c.x) / 2, (cy + c.y) / 2}, module: (mv + mh) / 2}, true
	}
	return centre{}, false
}

// nextOpen returns the first cell of the window from k on that is open
// (not 0), or len(open): eight cells at a time where they are all closed,
// as most of a window is, dark pixels flooded or light ones.
func nextOpen(open []byte, k int) int {
	for ; k+8 <= len(open); k += 8 {
		if v := binary.LittleEndian.Uint64(open[k:]); v != 0 {
			return k + bits.TrailingZeros64(v)/8
		}
	}
	for k < len(open) && open[k] == 0 {
		k++
	}
	return k
}

// fillBlob floods the dark 8-connected blob at window cell (i, j) and
// returns its centroid in image coordinates and its area, or false when it
// is larger than maxArea or reaches the window's edge (a ring, not the
// centre module). open holds the window's dark pixels not flooded yet, w
// a row; the flood clears those it reaches.
func (d *detector) fillBlob(open []byte, x0, y0, w, i, j, maxArea int) (point, int, bool) {
	stack := append(d.fill[:0], j*w+i)
	open[j*w+i] = 0
	// The sums of the pixels' window coordinates: the centroid is their
	// mean, offset to the pixels' centres in the image.
	sx, sy := 0, 0
	area := 0
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ci, cj := k%w, k/w
		area++
		sx += ci
		sy += cj
		if ci == 0 || cj == 0 || ci == w-1 || cj == w-1 || area > maxArea {
			// A ring or a large dark area: stop here; what is left of it
			// is flooded, and given up, from the next pixel on. Every
			// pixel pushed was taken (area) or is left: the stack was
			// never longer than the two together.
			d.fillHeld = max(d.fillHeld, area+len(stack))
			d.fill = stack[:0]
			return point{}, area, false
		}
		// Away from the window's edge, every neighbour is inside it: the
		// three above, the two beside and the three below, pushed in that
		// order (which decides how a flood that stops early leaves the
		// rest of its blob to the next). Room for the eight first: an
		// array a push outgrew would be dropped with the pixels in it,
		// which nothing clears.
		stack = scrub.Grow(stack, 8)
		up, down := (*[3]byte)(open[k-w-1:k-w+2]), (*[3]byte)(open[k+w-1:k+w+2])
		if up[0] != 0 {
			up[0] = 0
			stack = append(stack, k-w-1)
		}
		if up[1] != 0 {
			up[1] = 0
			stack = append(stack, k-w)
		}
		if up[2] != 0 {
			up[2] = 0
			stack = append(stack, k-w+1)
		}
		if open[k-1] != 0 {
			open[k-1] = 0
			stack = append(stack, k-1)
		}
		if open[k+1] != 0 {
			open[k+1] = 0
			stack = append(stack, k+1)
		}
		if down[0] != 0 {
			down[0] = 0
			stack = append(stack, k+w-1)
		}
		if down[1] != 0 {
			down[1] = 0
			stack = append(stack, k+w)
		}
		if down[2] != 0 {
			down[2] = 0
			stack = append(stack, k+w+1)
		}
	}
	d.fill = stack
	d.fillHeld = max(d.fillHeld, area) // every pixel pushed was taken
	if area == 0 {
		return point{}, area, false
	}
	return point{blobMean(sx, x0, area), blobMean(sy, y0, area)}, area, true
}

// blobMean is the mean of the pixel centres a0+c+½ over a blob's area
// pixels whose window coordinates c sum to sum, as the sum of those
// centres, added in floats one by one, divided by area. Every partial sum
// is a multiple of ½ far below 2⁵³, so each float addition was exact and
// the sum is (2·(sum + area·a0) + area)/2 exactly.
func blobMean(sum, a0, area int) float64 {
	return float64(2*(sum+area*a0)+area) / 2 / float64(area)
}

// lineCentre samples the line through p along dir ((1, 0) or (0, 1))
// within eight modules either way and finds the run nearest p that has the
// ring pattern round it. It returns the coordinate of the run's middle
// along dir, the module size, and whether the run is the dark centre
// module (dark and about a module wide).
func (d *detector) lineCentre(p, dir point, m float64) (float64, float64, bool, bool) {
	reach := int(8*m) + 2
	px, py := math.Floor(p.x), math.Floor(p.y)
	runs, starts := d.axisRuns(int(px), int(py), dir.x != 0, reach)
	along := px*dir.x + py*dir.y
	here := p.x*dir.x + p.y*dir.y
	// The centre module: a dark run about a module wide with at least
	// three pairs of equal runs round it, nearest p. Failing that, the
	// middle of the pattern: the run with the most pairs of equal runs
	// round it, nearest p among equals (a chord across a ring).
	best, bestK, bestD := -1, 0, math.Inf(1)
	centreRun, centreD := -1, math.Inf(1)
	var bestM, centreM float64
	var bestS, centreS int
	for i := range runs {
		if !mayRing(runs, i) {
			continue
		}
		s, ok := ringPattern(runs, i)
		if !ok {
			continue
		}
		mm := float64(s) / 4
		k := symmetricExtent(runs, i, s)
		mid := along + float64(starts[i]) + float64(runs[i])/2
		dd := math.Abs(mid - here)
		if i%2 == 1 && k >= 3 && float64(runs[i]) <= 1.6*mm && dd < centreD {
			centreRun, centreD, centreM, centreS = i, dd, mm, s
		}
		if k > bestK || k == bestK && dd < bestD {
			best, bestK, bestD, bestM, bestS = i, k, dd, mm, s
		}
	}
	if centreRun >= 0 && centreD <= 3*m {
		best, bestD, bestM, bestS = centreRun, centreD, centreM, centreS
	}
	if best < 0 || bestD > 4*m {
		return 0, 0, false, false
	}
	mid := along + float64(starts[best]) + float64(runs[best])/2
	centreModule := best%2 == 1 && float64(runs[best]) <= 1.6*bestM
	d.lineK = symmetricExtent(runs, best, bestS)
	return mid, bestM, centreModule, true
}
