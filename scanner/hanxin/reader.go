package hanxin

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/guard"
)

// maxCandidates bounds the finder candidates grouped in fours (those
// seen most often first), and maxGroups the groups that lie like a
// symbol's finders and still fail to decode: a symbol's data and texture
// make candidates too.
const (
	maxCandidates = 48
	maxGroups     = 64
)

// Reader decodes Han Xin Code symbols. Use NewReader; a Reader keeps
// scratch buffers and must not be shared between goroutines.
type Reader struct {
	// The adapter's Decode finds and decodes a symbol, scanning every
	// third row and column, with TRY_HARDER too.
	guard.Adapter
	dec   *decoder
	cols  bitrow.Columns
	lines lines
	runs  []int
	cands []candidate
	near  candidateCells // the cands by place
	g     grid
	// dist holds the candidates' distances, kept from search to search:
	// a frame with every symbology on is searched by the hundred passes.
	dist []float64
	// lights holds, for the candidates i and j of a search, the light
	// after i's square away from j (lightAfterSquare) at i*n+j once a
	// group's test has measured it, and a negative value before: the
	// groups of a textured image share their pairs many times over.
	lights  []float64
	lightsN int // n, the candidates grouped
	// promising is set when the last search found finder candidates
	// that could pair.
	promising bool
	// What Wipe has to clear, written since the last Wipe: searched,
	// the columns, rows and runs (runsHeld of them) of a search, its
	// candidates (candsHeld of them) and the distances and lights of
	// those grouped (pairsHeld of each); sampled, the grid and the
	// codewords of a symbol sampled. The engine wipes every area reader
	// after each frame and whenever a pass's rows change size, whether
	// it searched since or not.
	searched, sampled              bool
	runsHeld, candsHeld, pairsHeld int
	// eq reads a grid's modules from the gray view, where DecodeGray
	// gives one.
	eq equalizer
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns a Han Xin Code reader.
func NewReader() *Reader {
	r := &Reader{dec: newDecoder()}
	r.Find = r.decode
	return r
}

// Wipe zeroes what the Reader keeps from the last image it read: the
// binarized row and columns and their runs (image data), the finder
// candidates, where they lie and how far apart (places in the image), and
// the modules and codewords of the last symbol sampled (its content).
func (r *Reader) Wipe() {
	if r.searched {
		r.cols.Wipe()
		r.lines.wipe()
		clear(r.runs[:r.runsHeld])
		clear(r.cands[:r.candsHeld])
		r.near.wipe()
		// A search fills the distances and lights of its candidates
		// before it reads them.
		clear(r.dist[:r.pairsHeld])
		clear(r.lights[:r.pairsHeld])
		r.lightsN = 0
		r.searched, r.runsHeld, r.candsHeld, r.pairsHeld = false, 0, 0, 0
	}
	if r.sampled {
		clear(r.g.dark[:cap(r.g.dark)])
		clear(r.dec.ints[:cap(r.dec.ints)])
		clear(r.dec.cw[:cap(r.dec.cw)])
		clear(r.dec.placed[:cap(r.dec.placed)])
		r.sampled = false
	}
	r.eq.wipe()
}

// Promising reports whether the last search found two finder candidates
// that could be one symbol's: where it found none, the same pixels
// binarized another way rarely show a symbol.
func (r *Reader) Promising() bool { return r.promising }

// Info is stored under gozxing.ResultMetadataType_OTHER: the symbol's
// version, error correction level (1 to 4 for L1 to L4), data mask and
// how many codewords were corrected.
type Info struct {
	Version, Level, Mask int
	ErrorsCorrected      int
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) (out []*gozxing.Result, err error) {
	defer guard.Recover("hanxin", &out, &err)
	r.promising = false
	bm, err := guard.Matrix("hanxin", image)
	if err != nil {
		return nil, err
	}
	// Every third line: a finder's square, 3 modules across, is 6 pixels
	// or more at the 2-pixel modules of the smallest symbols read, so
	// lines 3 pixels apart cross it at least twice at any turn (zint's
	// sweep reads all it read with every other line, and one more). The
	// thorough search, of the passes that binarize or scale the frame
	// another way, takes every third line too. It took every other line,
	// and every line before that, and read nothing more: zint's sweep,
	// and the same sweep with modules from 1.2 pixels, read the same
	// symbols with the thorough search at every line, every other line
	// and none at all, and Han Xin's synthetic curves (internal/robust,
	// 24 samples a level on every axis, 96 on module size, blur and
	// contrast, all passes) the same with every other line and every
	// third. Those passes search photos whose texture makes pairable
	// finder candidates (see Promising) twice, and cost more than the
	// first.
	const step = 3
	cands := r.findCandidates(bm, step, hints)
	// A symbol shows at least two of its finders, whatever its turn, and
	// any two of them could pair (see pairable).
	r.promising = anyPairable(cands)
	// Only the candidates whose angles were seen are grouped.
	cands = slices.DeleteFunc(cands, func(c candidate) bool { return !c.angles })
	lastErr := error(errNoSymbol)
	if len(cands) < 3 {
		return nil, lastErr
	}
	slices.SortStableFunc(cands, func(p, q candidate) int { return cmp.Compare(q.hits, p.hits) })
	cands = cands[:min(len(cands), maxCandidates)]
	n := len(cands)
	r.pairsHeld = max(r.pairsHeld, n*n)
	r.dist = grow(r.dist, n*n) // every entry set below
	dist := r.dist
	for i := range n {
		for j := range n {
			dist[i*n+j] = math.Hypot(cands[i].x-cands[j].x, cands[i].y-cands[j].y)
		}
	}
	r.lights, r.lightsN = grow(r.lights, n*n), n
	for i := range r.lights {
		r.lights[i] = -1
	}
	tries := 0
	forGroups(cands, dist, func(a, b, c, d int) (taken, stop bool) {
		if !sidesMayFit(cands, dist, [4]int{a, b, c, d}) {
			// tryGroup's errNoGroup, which neither counts nor stops.
			return false, false
		}
		res, err := r.tryGroup(bm, [4]candidate{cands[a], cands[b], cands[c], cands[d]}, [4]int{a, b, c, d})
		if err != nil {
			if err != errNoGroup {
				lastErr = err
				tries++
			}
			return false, tries == maxGroups
		}
		out = append(out, res)
		return true, !all
	})
	if len(out) == 0 {
		// No four read: a finder lost in the data beside it (its
		// separator gone at low contrast or under blur) leaves three.
		if res, err := r.tryTriples(bm, cands, dist); err == nil {
			return []*gozxing.Result{res}, nil
		} else if err != errNoSymbol {
			lastErr = err
		}
	}
	if len(out) == 0 {
		return nil, lastErr
	}
	return out, nil
}

// maxTriples bounds the groups of three, completed with a fourth finder
// predicted, that Reader.tryTriples tries without reading.
const maxTriples = 4

// tryTriples reads a symbol of which only three finders were found:
// three pairable candidates lying as three corners of a square do
// (rightish), completed with the fourth corner of the parallelogram they
// make. tryGroup tests the four as it tests any group (shape, the odd
// finder, which must be one of the three, their angles) and fit places the predicted one
// where the three found and the size and orientation tried put it
// (ISO/IEC 20830 §5.3.1: the four finders sit at the symbol's corners);
// the finder patterns' score and the error correction confirm or refuse
// it. It returns errNoSymbol where no group was tried.
func (r *Reader) tryTriples(bm *gozxing.BitMatrix, cands []candidate, dist []float64) (*gozxing.Result, error) {
	n := len(cands)
	lastErr := error(errNoSymbol)
	tries := 0
	for a := range n {
		for b := a + 1; b < n; b++ {
			if !pairable(cands[a], cands[b], dist[a*n+b]) {
				continue
			}
			for c := b + 1; c < n; c++ {
				if !pairable(cands[a], cands[c], dist[a*n+c]) || !pairable(cands[b], cands[c], dist[b*n+c]) ||
					!rightish(dist, n, a, b, c) {
					continue
				}
				// The corner is the point facing the longest side.
				p, v, q := a, b, c
				switch longest := max(dist[a*n+b], dist[a*n+c], dist[b*n+c]); longest {
				case dist[b*n+c]:
					p, v, q = b, a, c
				case dist[a*n+b]:
					p, v, q = a, c, b
				}
				four := candidate{
					x: cands[p].x + cands[q].x - cands[v].x, y: cands[p].y + cands[q].y - cands[v].y,
					module: (cands[p].module + cands[v].module + cands[q].module) / 3, predicted: true,
				}
				res, err := r.tryGroup(bm, [4]candidate{cands[a], cands[b], cands[c], four}, [4]int{a, b, c, -1})
				if err == nil {
					return res, nil
				}
				if err != errNoGroup {
					lastErr = err
					if tries++; tries == maxTriples {
						return nil, lastErr
					}
				}
			}
		}
	}
	return nil, lastErr
}

// forGroups calls try with the fours of candidates (a < b < c < d) that
// could be one symbol's finders: pairable two by two, three lying as a
// square's corners do (rightish) and the four as its corners
// (squarish), in the order of their indexes, as nested loops testing
// each pair met would. A group try reports taken (read) takes its
// candidates out of the groups after it; forGroups returns once try
// reports stop. dist holds the candidates' distances, n by n.
func forGroups(cands []candidate, dist []float64, try func(a, b, c, d int) (taken, stop bool)) {
	n := len(cands)
	// pairs[i]: the candidates pairable with candidate i, bit j for
	// candidate j (n <= maxCandidates <= 64), each pair tested once.
	var pairs [maxCandidates]uint64
	for i := range n {
		for j := range n {
			if j != i && pairable(cands[i], cands[j], dist[i*n+j]) {
				pairs[i] |= 1 << j
			}
		}
	}
	free := uint64(1)<<n - 1
	after := func(i int) uint64 { return ^uint64(0) << (i + 1) } // the candidates after i
	for a := range n {
		if free&(1<<a) == 0 {
			continue
		}
	group:
		for bs := pairs[a] & free & after(a); bs != 0; bs &= bs - 1 {
			b := bits.TrailingZeros64(bs)
			for cs := pairs[a] & pairs[b] & free & after(b); cs != 0; cs &= cs - 1 {
				c := bits.TrailingZeros64(cs)
				tri := sorted3(dist[a*n+b], dist[a*n+c], dist[b*n+c])
				if !rightishSorted(tri) {
					continue
				}
				for ds := pairs[a] & pairs[b] & pairs[c] & free & after(c); ds != 0; ds &= ds - 1 {
					d := bits.TrailingZeros64(ds)
					if !squarishTo(tri, dist[a*n+d], dist[b*n+d], dist[c*n+d]) {
						continue
					}
					taken, stop := try(a, b, c, d)
					if stop {
						return
					}
					if taken {
						// No group left holds a.
						free &^= 1<<a | 1<<b | 1<<c | 1<<d
						break group
					}
				}
			}
		}
	}
}

// sidesMayFit reports whether four candidates (indexes of cands, whose
// distances dist holds, n by n) could pass groupShape's tests of the
// sides and diagonals they make and the size their sides give. It takes
// as the sides the distances between neighbours round the candidates'
// centre and the other two as the diagonals: one of the three ways of
// pairing four points off. A group that no pairing passes with fails
// there, and is turned away here without ordering its candidates by
// their angles: most groups of a textured image are (2,391 of the 3,279
// of the five textured photos where Han Xin costs most).
func sidesMayFit(cands []candidate, dist []float64, g [4]int) bool {
	n := len(cands)
	module := 0.0
	for _, i := range g {
		module += cands[i].module / 4
	}
	at := func(i, j int) float64 { return dist[g[i]*n+g[j]] }
	// The diagonals p[0]-p[1] and p[2]-p[3]; the sides the other four.
	for _, p := range [3][4]int{{0, 2, 1, 3}, {0, 1, 2, 3}, {0, 3, 1, 2}} {
		d0, d1 := at(p[0], p[1]), at(p[2], p[3])
		if d0 > 1.4*d1 || d1 > 1.4*d0 {
			continue
		}
		sides := [4]float64{at(p[0], p[2]), at(p[2], p[1]), at(p[1], p[3]), at(p[3], p[0])}
		minSide, maxSide, sum := sides[0], sides[0], 0.0
		for _, s := range sides {
			minSide, maxSide, sum = min(minSide, s), max(maxSide, s), sum+s
		}
		// groupShape sums the sides in another order: a size within a
		// rounding error of its bounds is left to it.
		est := sum/4/module + 9
		const slack = 1e-9
		if maxSide > 1.6*minSide || est < 19-slack || est > float64(sizeOf(maxVersion))+10+slack {
			continue
		}
		return true
	}
	return false
}

// pairable reports whether two candidates dist apart could be finders of
// one symbol: modules alike, at least 9 modules apart (12 in version 1).
func pairable(p, q candidate, dist float64) bool {
	if p.module > 1.33*q.module || q.module > 1.33*p.module {
		return false
	}
	return dist > 9*max(p.module, q.module)
}

// anyPairable reports whether two of cands could be finders of one
// symbol. Where none could, this binarization of the image shows no two
// finders of a symbol, and the finder patterns that texture imitates are
// no sign that another binarization of the same pixels would (see
// Promising).
func anyPairable(cands []candidate) bool {
	for i, p := range cands {
		for _, q := range cands[i+1:] {
			if pairable(p, q, math.Hypot(p.x-q.x, p.y-q.y)) {
				return true
			}
		}
	}
	return false
}

// rightish reports whether three points lie about as three corners of a
// square do: two sides alike and a diagonal not too long (in a small
// symbol, the odd finder makes a triangle of three about alike).
func rightish(dist []float64, n, a, b, c int) bool {
	return rightishSorted(sorted3(dist[a*n+b], dist[a*n+c], dist[b*n+c]))
}

// rightishSorted is rightish of the three distances d, sorted.
func rightishSorted(d [3]float64) bool {
	return d[1] < 1.7*d[0] && d[2] < 2*d[0]
}

// sorted3 returns three distances in increasing order.
func sorted3(d0, d1, d2 float64) [3]float64 {
	if d0 > d1 {
		d0, d1 = d1, d0
	}
	if d1 > d2 {
		d1, d2 = d2, d1
	}
	if d0 > d1 {
		d0, d1 = d1, d0
	}
	return [3]float64{d0, d1, d2}
}

// squarish reports whether four points lie about as a square's corners
// do: of their six distances, the four shortest (the sides) alike, the two
// longest (the diagonals) alike and longer than the shortest side. (The
// bottom-left finder's square, off the others' square, makes two sides of
// a small symbol about as long as a diagonal.) Only the shortest and the
// three longest distances are wanted: they are picked out of the
// distances among the first three points, sorted (forGroups sorts them
// once for every fourth point it tries with them), and the three to the
// fourth.
func squarish(dist []float64, n, a, b, c, d int) bool {
	return squarishTo(sorted3(dist[a*n+b], dist[a*n+c], dist[b*n+c]), dist[a*n+d], dist[b*n+d], dist[c*n+d])
}

// squarishTo is squarish of three points whose distances are tri, sorted,
// and a fourth at p, q and r from them.
func squarishTo(tri [3]float64, p, q, r float64) bool {
	f := sorted3(p, q, r)
	e := tri
	lo := e[0]
	if f[0] < lo {
		lo = f[0]
	}
	// The longest three of the six, t1 >= t2 >= t3: the two sorted
	// triples merged from their long ends.
	var t1, t2, t3 float64
	if e[2] >= f[2] {
		t1 = e[2]
		if e[1] >= f[2] {
			t2, t3 = e[1], max(e[0], f[2])
		} else {
			t2, t3 = f[2], max(e[1], f[1])
		}
	} else {
		t1 = f[2]
		if f[1] >= e[2] {
			t2, t3 = f[1], max(f[0], e[2])
		} else {
			t2, t3 = e[2], max(f[1], e[1])
		}
	}
	return t3 < 1.6*lo && t1 < 1.4*t2 && t2 > 1.2*lo
}

// minFinderScore is the least finderScore of a fit tried.
const minFinderScore = 0.7

// errNotDecoded says four candidates lie like a symbol's finders but no
// size and orientation gave a readable symbol.
var errNotDecoded = gozxing.NewNotFoundException("hanxin: no symbol read at the finders")

// errNoGroup says four candidates do not lie as a symbol's finders do.
var errNoGroup = gozxing.NewNotFoundException("hanxin: not a symbol's finders")

// errNoSymbol says a search found no four candidates that could be a
// symbol's finders. (A NotFoundException made anew for each search
// unwound the stack each time, for an error the engine drops.)
var errNoSymbol = gozxing.NewNotFoundException("hanxin: no symbol's finders")

// Model points: the centres of the finders' dark squares, in modules from
// the symbol's top-left corner, clockwise from the top-left finder.
func squareCentres(size int) [4][2]float64 {
	s := float64(size)
	return [4][2]float64{{5.5, 5.5}, {s - 5.5, 5.5}, {s - 5.5, s - 5.5}, {1.5, s - 1.5}}
}

// noIDs stands for the indexes of candidates that are none of a
// search's: tryGroup measures their light (see Reader.lights) itself.
var noIDs = [4]int{-1, -1, -1, -1}

// tryGroup decodes the symbol four candidates would be the finders of,
// the candidates ids of the last search (or noIDs).
func (r *Reader) tryGroup(bm *gozxing.BitMatrix, q [4]candidate, ids [4]int) (*gozxing.Result, error) {
	cx, cy, est, ok := groupShape(&q, &ids)
	if !ok {
		return nil, errNoGroup
	}
	// Away from its neighbours, the bottom-left finder's square meets
	// the quiet zone; the others' squares meet their angles, a module of
	// light then dark. Only the odd one's two orientations (seen from the
	// front or mirrored) are tried.
	odd := -1
	for i := range q {
		if q[i].predicted {
			continue
		}
		l1 := r.lightAway(bm, &q, ids, i, (i+3)%4)
		l2 := r.lightAway(bm, &q, ids, i, (i+1)%4)
		switch {
		case l1 >= 2 && l2 >= 2 && odd < 0:
			odd = i
		case l1 > 1.8 || l2 > 1.8:
			return nil, errNoGroup
		}
	}
	if odd < 0 {
		// A group of three (guessed) is tried only where the odd finder
		// is among them: the fits of texture's triples cost much.
		return nil, errNoGroup
	}
	if !armsFit(q, odd, cx, cy) {
		// Counted as a group tried, as before the test, whose fits all
		// failed: the groups tried, and so those a search reaches, are
		// the same.
		return nil, errNotDecoded
	}
	// The sizes and orientations (any of the four turns, seen from the
	// front or mirrored) whose finder patterns fit best. The module size
	// of the candidates is rough (a binarizer grows dark modules), so
	// sizes a quarter either way are tried.
	type layoutFit struct {
		size  int
		order [4]int
		score float64
	}
	var fits []layoutFit
	lo := max(sizeOf(1), int(0.75*est)-2)
	hi := min(sizeOf(maxVersion), int(1.3*est)+2)
	for size := lo; size <= hi; size++ {
		if versionOf(size) == 0 {
			continue
		}
		for mirror := range 2 {
			for k := range 4 {
				// Order i = 3 is the bottom-left finder.
				bl := (k + 3) % 4
				if mirror == 1 {
					bl = (k + 1) % 4
				}
				if bl != odd {
					continue
				}
				f := layoutFit{size: size}
				for i := range 4 {
					f.order[i] = (k + i) % 4
					if mirror == 1 {
						f.order[i] = (k - i + 4) % 4
					}
				}
				h, ok := fit(q, f.order, size)
				if !ok {
					continue
				}
				if f.score = finderScore(bm, &h, size, minFinderScore); f.score >= minFinderScore {
					fits = append(fits, f)
				}
			}
		}
	}
	slices.SortStableFunc(fits, func(f, g layoutFit) int {
		if f.score != g.score {
			return cmp.Compare(g.score, f.score)
		}
		return cmp.Compare(math.Abs(float64(f.size)-est), math.Abs(float64(g.size)-est))
	})
	var lastErr error = errNotDecoded
	// The function information (68 modules) settles the size and the
	// mirror image, which the finder patterns, symmetric about their
	// diagonal and small against the symbol, may leave open. The best two
	// fits are tried again refined if none reads.
	read := func(h *geom.Homography, size int) (*gozxing.Result, bool) {
		r.sample(bm, h, size, true)
		if _, err := r.dec.readInfo(&r.g); err != nil {
			return nil, false
		}
		r.sample(bm, h, size, false)
		text, info, fixed, err := r.dec.decodeGrid(&r.g)
		if err != nil {
			lastErr = err
			return nil, false
		}
		return result(text, info, fixed, h, size), true
	}
	for _, f := range fits {
		h, _ := fit(q, f.order, f.size)
		if res, ok := read(&h, f.size); ok {
			return res, nil
		}
	}
	var refined [2]geom.Homography
	for i, f := range fits[:min(len(fits), 2)] {
		h, _ := fit(q, f.order, f.size)
		refined[i] = h
		h, ok := r.refine(bm, h, r.dec.layout(versionOf(f.size)))
		if !ok {
			continue
		}
		refined[i] = h
		// Refined, then shifted a quarter module each way: small modules
		// read at one pixel each.
		for _, d := range [5][2]float64{{0, 0}, {0.25, 0}, {-0.25, 0}, {0, 0.25}, {0, -0.25}} {
			hs := shifted(h, d[0], d[1])
			if res, ok := read(&hs, f.size); ok {
				return res, nil
			}
		}
	}
	if r.eq.src == nil {
		return nil, lastErr
	}
	// The same two fits, refined where they could be, read from the gray
	// view (sampleGray).
	for i, f := range fits[:min(len(fits), 2)] {
		h := &refined[i]
		if !r.sampleGray(h, r.dec.layout(versionOf(f.size))) {
			continue
		}
		text, info, fixed, err := r.dec.decodeGrid(&r.g)
		if err != nil {
			lastErr = err
			continue
		}
		return result(text, info, fixed, h, f.size), nil
	}
	return nil, lastErr
}

// groupShape orders four candidates (and ids with them) clockwise on
// the screen (y down) round their centre (cx, cy) and reports whether
// they lie as a symbol's finders do: modules alike, sides alike,
// diagonals alike and the size their sides give (est) one a symbol has.
func groupShape(q *[4]candidate, ids *[4]int) (cx, cy, est float64, ok bool) {
	module := 0.0
	for _, c := range q {
		module += c.module / 4
	}
	for _, c := range q {
		if c.module < 0.75*module || c.module > 1.33*module {
			return 0, 0, 0, false
		}
	}
	for _, c := range q {
		cx, cy = cx+c.x/4, cy+c.y/4
	}
	var angle [4]float64
	for i, c := range q {
		angle[i] = math.Atan2(c.y-cy, c.x-cx)
	}
	for i := 1; i < 4; i++ { // insertion sort by angle
		for j := i; j > 0 && angle[j] < angle[j-1]; j-- {
			angle[j], angle[j-1] = angle[j-1], angle[j]
			q[j], q[j-1] = q[j-1], q[j]
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	var sides [4]float64
	for i := range 4 {
		sides[i] = math.Hypot(q[(i+1)%4].x-q[i].x, q[(i+1)%4].y-q[i].y)
	}
	minSide, maxSide, sum := sides[0], sides[0], 0.0
	for _, s := range sides {
		minSide, maxSide, sum = min(minSide, s), max(maxSide, s), sum+s
	}
	est = sum/4/module + 9 // squares 12 to 16 modules in from the corners
	if maxSide > 1.6*minSide || est < 19 || est > float64(sizeOf(maxVersion))+10 {
		return 0, 0, 0, false
	}
	d0 := math.Hypot(q[2].x-q[0].x, q[2].y-q[0].y)
	d1 := math.Hypot(q[3].x-q[1].x, q[3].y-q[1].y)
	if d0 > 1.4*d1 || d1 > 1.4*d0 {
		return 0, 0, 0, false
	}
	return cx, cy, est, true
}

// armsFit reports whether the four candidates' angles were seen where a
// symbol's finders have them (ISO/IEC 20830 §5.3.1): the nested angles
// of the top-left, top-right and bottom-right finders open towards the
// symbol's centre, so they lie on the side of the square away from it,
// those of the bottom-left one (odd) open outwards and lie towards it.
// Each finder shows its 1:1:1:1:3 runs along the lines through its
// square that leave through its angles, the quarter turn of directions
// round the diagonal from its square to its corner, and a line seeing
// them sees them on that side. So some side a candidate's hits saw the
// angles on must be within a quarter turn of the way from the centre
// (cx, cy) to it, or back for the odd one. Texture's candidates see
// them on any side.
func armsFit(q [4]candidate, odd int, cx, cy float64) bool {
	for i, c := range q {
		if c.predicted {
			continue
		}
		dx, dy := c.x-cx, c.y-cy
		if i == odd {
			dx, dy = -dx, -dy
		}
		if !(c.arms&armsLeft != 0 && dx < 0 || c.arms&armsRight != 0 && dx > 0 ||
			c.arms&armsUp != 0 && dy < 0 || c.arms&armsDown != 0 && dy > 0) {
			return false
		}
	}
	return true
}

// lightAway is lightAfterSquare of candidate q[i] away from q[j], kept in
// r.lights for the candidates of the last search (ids).
func (r *Reader) lightAway(bm *gozxing.BitMatrix, q *[4]candidate, ids [4]int, i, j int) float64 {
	c, from := q[i], q[j]
	if ids[i] < 0 || ids[j] < 0 {
		return lightAfterSquare(bm, c, 2*c.x-from.x, 2*c.y-from.y)
	}
	k := ids[i]*r.lightsN + ids[j]
	if r.lights[k] < 0 {
		r.lights[k] = lightAfterSquare(bm, c, 2*c.x-from.x, 2*c.y-from.y)
	}
	return r.lights[k]
}

// lightAfterSquare walks from the finder's square towards (tx, ty) and
// returns the length, in modules, of the light run past its edge (up to
// 3).
func lightAfterSquare(bm *gozxing.BitMatrix, c candidate, tx, ty float64) float64 {
	dx, dy := tx-c.x, ty-c.y
	n := math.Hypot(dx, dy)
	if n == 0 {
		return 0
	}
	dx, dy = dx/n, dy/n
	t := 0.0
	for ; t < 3*c.module && dark(bm, c.x+dx*t, c.y+dy*t); t += 0.5 {
	}
	start := t
	for ; t < start+3*c.module && !dark(bm, c.x+dx*t, c.y+dy*t); t += 0.5 {
	}
	return (t - start) / c.module
}

// shifted returns h moved by (dx, dy) modules.
func shifted(h geom.Homography, dx, dy float64) geom.Homography {
	if dx == 0 && dy == 0 {
		return h
	}
	var pts [4]geom.Correspondence
	for i, c := range [4][2]float64{{0, 0}, {10, 0}, {10, 10}, {0, 10}} {
		u, v := h.Apply(c[0]+dx, c[1]+dy)
		pts[i] = geom.Correspondence{X: c[0], Y: c[1], U: u, V: v}
	}
	hs, ok := geom.FitHomography(pts[:])
	if !ok {
		return h
	}
	return hs
}

// fit maps the model's square centres onto the candidates in the given
// order.
func fit(q [4]candidate, order [4]int, size int) (geom.Homography, bool) {
	m := squareCentres(size)
	var pts [4]geom.Correspondence
	guessed := -1
	for i := range 4 {
		c := q[order[i]]
		if c.predicted {
			guessed = i
		}
		pts[i] = geom.Correspondence{X: m[i][0], Y: m[i][1], U: c.x, V: c.y}
	}
	if guessed >= 0 {
		// A finder not found (see Reader.tryTriples) lies where the
		// other three put its model point.
		var three [3]geom.Correspondence
		k := 0
		for i := range 4 {
			if i != guessed {
				three[k], k = pts[i], k+1
			}
		}
		a, ok := geom.FitAffine(three[:])
		if !ok {
			return geom.Homography{}, false
		}
		pts[guessed].U, pts[guessed].V = a.Apply(pts[guessed].X, pts[guessed].Y)
	}
	return geom.FitHomography(pts[:])
}

// finderScore is the fraction of the finder patterns' modules and their
// separators that show what they should through h, or some fraction
// under least once too many modules have failed for it to reach least:
// most fits of candidates that are no symbol's finders fail fast.
func finderScore(bm *gozxing.BitMatrix, h *geom.Homography, size int, least float64) float64 {
	const n = 4 * 7 * 7
	// More failures than n − ⌈least·n⌉ leave good below least·n.
	maxBad := n - int(math.Ceil(least*n))
	good, bad := 0, 0
	for i := range 4 {
		r0, c0 := finderOrigin(i, size)
		for row := range 7 {
			for col := range 7 {
				x, y := h.Apply(float64(c0+col)+0.5, float64(r0+row)+0.5)
				if dark(bm, x, y) == (finderRows[i][row]&(0x40>>col) != 0) {
					good++
				} else if bad++; bad > maxBad {
					return float64(good) / n
				}
			}
		}
	}
	return float64(good) / n
}

// grid returns the reader's grid made ready for a symbol size modules
// a side, its modules to be sampled (r.sampled: to wipe).
func (r *Reader) grid(size int) *grid {
	g := &r.g
	g.size = size
	r.sampled = true
	// A search tries sizes from small to large: an array a larger size
	// outgrew holds the modules sampled at a smaller one, cleared as it
	// is let go.
	g.dark = grow(g.dark, size*size)
	return g
}

// sample reads the grid's modules through h: only the function
// information's when infoOnly is set.
func (r *Reader) sample(bm *gozxing.BitMatrix, h *geom.Homography, size int, infoOnly bool) {
	g := r.grid(size)
	if infoOnly {
		a, b := infoModules(size)
		for _, copyOf := range [2]*[34][2]int{&a, &b} {
			for _, m := range copyOf {
				x, y := h.Apply(float64(m[1])+0.5, float64(m[0])+0.5)
				g.dark[m[0]*size+m[1]] = dark(bm, x, y)
			}
		}
		return
	}
	for row := range size {
		for col := range size {
			x, y := h.Apply(float64(col)+0.5, float64(row)+0.5)
			g.dark[row*size+col] = dark(bm, x, y)
		}
	}
}

// result builds the gozxing result, its points the symbol's corners:
// top-left, bottom-left, bottom-right, top-right.
func result(text string, info symbolInfo, fixed int, h *geom.Homography, size int) *gozxing.Result {
	s := float64(size)
	var pts []gozxing.ResultPoint
	for _, c := range [4][2]float64{{0, 0}, {0, s}, {s, s}, {s, 0}} {
		x, y := h.Apply(c[0], c[1])
		pts = append(pts, gozxing.NewResultPoint(x, y))
	}
	res := gozxing.NewResult(text, nil, pts, gozxing.BarcodeFormat_QR_CODE)
	res.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, "L"+string(rune('0'+info.level)))
	res.PutMetadata(gozxing.ResultMetadataType_OTHER, Info{Version: info.version, Level: info.level, Mask: info.mask, ErrorsCorrected: fixed})
	return res
}
