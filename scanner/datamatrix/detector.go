package datamatrix

import (
	"errors"
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/datamatrix/decoder"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// detector finds and reads symbols in one binarized image. Its buffers are
// reused from image to image.
type detector struct {
	img     bitImage
	seen    visited
	seeds   []int
	contour []pixel
	verts   []int
	poly    polygonScratch
	segs    []segment
	corners []finderCorner
	thick   []float64
	hits    []point
	obs     []observation
	line    lineScratch
	binBest []point
	binDist []float64
	bins    []int
	fitPts  []point
	sizes   []scoredSize
	dec     *decoder.Decoder

	steps int // boundary pixels followed in the last image
	// measured, varied and traced count the finder candidates of the
	// last image whose bars were measured, those whose interior varies
	// and those whose timing patterns were traced.
	measured, varied, traced int

	found []*decoded
	// lastErr is the most telling failure so far: a symbol that was found
	// but did not decode says more than no symbol at all.
	lastErr error

	// held is how far the searches since the last wipe wrote into the
	// arrays above, which wipe clears.
	held heldLengths
}

// heldLengths counts, for the detector's arrays, the most entries written
// since the last wipe: each is cut back for every row, contour, corner or
// line, and a shorter one leaves what a longer one wrote past its length.
// The segments, fewer than the polygon's vertices, and the vertices as
// ring indices (poly.verts), as many, are cleared as far as verts; bins as
// far as hits; binDist as far as binBest.
type heldLengths struct {
	seeds, contour, verts, corners, thick, hits, obs, binBest, fitPts, sizes, found int
}

// decoded is a symbol read from the image.
type decoded struct {
	o      outline
	result *common.DecoderResult
	mirror bool
}

// Internal failures; the reader reports them as gozxing exceptions.
var (
	errNotFound = errors.New("datamatrix: no symbol found")
)

// scanParams says how hard to look.
type scanParams struct {
	rowStep  int  // rows between seed scans
	multiple bool // find every symbol, not just the first
	harder   bool // try more geometry and mirror images
	// within, when set, are the only places a contour is started from
	// (the engine's region proposals); a symbol's outline may leave them.
	within []image.Rectangle
	// rows are the rows of the image the engine shares, read when they
	// are of the image searched.
	rows *bitrow.SharedRows
}

// find scans the image for symbols.
func (d *detector) find(m *gozxing.BitMatrix, p scanParams) []*decoded {
	d.img.load(m, p.rows)
	d.seen.reset(&d.img)
	// A row's seeds lie three pixels apart at least.
	d.seeds = scrub.Room(d.seeds, d.img.w/3+1)
	d.found = d.found[:0]
	d.steps = 0
	d.measured, d.varied, d.traced = 0, 0, 0
	d.lastErr = errNotFound
	defer d.img.wipe() // a copy of the image
	// A contour longer than this is a large dark area, not a symbol. A
	// symbol's boundary winds in and out between its modules, so it can
	// be many times its perimeter.
	limit := min(24*(d.img.w+d.img.h), 1<<18)
	// All the boundaries followed in one image may be no longer than a
	// quarter of its pixels: a scene full of symbols and print stays
	// inside that, binarized noise, boundaries everywhere, does not.
	budget := max(d.img.w*d.img.h/4, 1<<16)
	// Start in the middle band and work outwards, so a single symbol near
	// the centre is found early.
	step := max(1, p.rowStep)
	mid := d.img.h / 2
	for k := 0; ; k++ {
		off := (k + 1) / 2 * step
		if k%2 == 1 {
			off = -off
		}
		y := mid + off
		if y < 0 || y >= d.img.h {
			if mid+(k/2+1)*step >= d.img.h && mid-(k/2+1)*step < 0 {
				break
			}
			continue
		}
		if p.within != nil && !crosses(p.within, y) {
			continue
		}
		d.seeds = rowSeeds(d.img.rowWords(y), d.img.w, d.seeds[:0])
		d.held.seeds = max(d.held.seeds, len(d.seeds))
		for _, x := range d.seeds {
			if p.within != nil && !inside(p.within, x, y) || d.seen.has(x, y) || d.insideFound(x, y) {
				continue
			}
			var area int
			var closed bool
			d.contour, area, closed = traceContour(&d.img, &d.seen, x, y, min(limit, budget), d.contour[:0])
			d.held.contour = max(d.held.contour, len(d.contour))
			d.steps += len(d.contour)
			if budget -= len(d.contour); budget <= 0 {
				return d.found
			}
			if !closed || area <= 0 {
				continue
			}
			if dec := d.tryContour(p); dec != nil {
				d.found = append(scrub.Grow(d.found, 1), dec)
				d.held.found = max(d.held.found, len(d.found))
				if !p.multiple {
					return d.found
				}
			}
		}
	}
	return d.found
}

// crosses reports whether row y crosses one of rs.
func crosses(rs []image.Rectangle, y int) bool {
	for _, r := range rs {
		if y >= r.Min.Y && y < r.Max.Y {
			return true
		}
	}
	return false
}

// inside reports whether pixel x, y lies in one of rs.
func inside(rs []image.Rectangle, x, y int) bool {
	return slices.ContainsFunc(rs, func(r image.Rectangle) bool { return image.Pt(x, y).In(r) })
}

func (d *detector) insideFound(x, y int) bool {
	p := point{float64(x), float64(y)}
	for _, f := range d.found {
		if insideQuad(f.o.corners(), p) {
			return true
		}
	}
	return false
}

// minSide is the shortest side in pixels of a symbol worth trying: 8
// modules of about 1.5 pixels.
const minSide = 12

// tryContour checks whether the traced contour holds a symbol's finder
// pattern and reads the symbol.
func (d *detector) tryContour(p scanParams) *decoded {
	c := d.contour
	if len(c) < 2*minSide {
		return nil
	}
	minX, maxX, minY, maxY := contourBounds(c)
	if maxX-minX < minSide/2 || maxY-minY < minSide/2 {
		return nil
	}
	d.verts = simplify(c, int(maxX), int(maxY), d.verts, &d.poly)
	d.held.verts = max(d.held.verts, len(d.verts))
	d.segs = segmentsOf(c, d.verts, d.segs)
	d.corners = finderCorners(d.segs, minSide*2/3, maxFinders, d.corners)
	d.held.corners = max(d.held.corners, len(d.corners))
	for _, f := range d.corners {
		o, ok := d.finderOutline(f)
		if !ok {
			continue
		}
		if !d.countModules(&o) {
			// Every size will be tried.
			o.colsSeen, o.rowsSeen = 0, 0
		}
		if dec := d.read(o, p); dec != nil {
			return dec
		}
	}
	return nil
}

// maxFinders bounds the finder candidates tried per contour.
const maxFinders = 4

// read samples the outline with every plausible symbol size, best fitting
// first, and decodes it.
func (d *detector) read(o outline, p scanParams) *decoded {
	cands := d.sizeCandidates(&o, p.harder)
	for i, c := range cands {
		if i >= 3 {
			break
		}
		if c.score < minSizeScore || c.timing < 0.6 {
			continue
		}
		// The grid as aligned on the fixed pattern, then as refined on
		// every module boundary: the refinement is the better one as a
		// rule, but not on the smallest modules, whose boundaries the
		// binarizer places at random within a pixel.
		size := c.size
		aligned := d.align(o, &size)
		g := newGrid(&aligned, &size, &d.img)
		if all, timing, ok := d.fixedScore(&g, minFixedShare, 0, math.Inf(-1)); !ok || !fixedFits(all, timing) {
			continue
		}
		refined := d.refineGrid(aligned, &size)
		for _, g := range [...]outline{refined, aligned} {
			if dec := d.decodeGrid(g, &size, c.turned, p); dec != nil {
				return dec
			}
		}
	}
	return nil
}

// minSizeScore is the least fixed-pattern score of a symbol size worth
// sampling.
const minSizeScore = 0.65

// fixedFits tells whether a grid's fixed-pattern scores are those of a
// symbol (most modules right, timing patterns included) rather than of a
// bar or a printed box that the detector took for a finder.
func fixedFits(all, timing float64) bool { return all >= minFixedShare && timing >= 0.75 }

// minFixedShare is the share of the fixed pattern's modules a symbol's
// grid reads right.
const minFixedShare = 0.8

// decodeGrid samples the grid of outline o for size s and decodes it, and
// with TRY_HARDER its mirror image too (only that for a turned size).
func (d *detector) decodeGrid(o outline, s *symbolSize, turned bool, p scanParams) *decoded {
	g := newGrid(&o, s, &d.img)
	for _, mirror := range [...]bool{false, true} {
		if mirror && !p.harder || !mirror && turned || mirror && !turned && s.rows != s.cols {
			continue
		}
		bits := d.sample(&g, mirror)
		res, err := d.dec.Decode(bits)
		if err == nil {
			return &decoded{o: o, result: res, mirror: mirror}
		}
		d.lastErr = err
	}
	return nil
}
