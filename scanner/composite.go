package scanner

import (
	"image"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/pdf417"
)

// A GS1 Composite symbol (ISO/IEC 24723) is a linear component (EAN/UPC,
// GS1 DataBar, GS1-128) with a 2D component printed above it: CC-A or
// CC-B, rows like MicroPDF417's, or CC-C, a PDF417 symbol. The composite
// reader finds 2D components; each is joined with the linear symbol read
// just below it (in the component's own orientation) into one result,
// whose text is the GS1 data of both: the linear component's element
// string first, in the human readable form "(01)…(17)…(10)…". A 2D
// component without a linear component below it is not reported (its
// data are meaningless alone), nor is the linear component on its own
// once joined. Reading GS1_COMPOSITE also reads the symbologies of
// linear components, reported only when asked for.

// compositeLinears are the symbologies a linear component may be.
const compositeLinears SymbologySet = 1<<EAN13 | 1<<EAN8 | 1<<UPCA | 1<<UPCE |
	1<<DataBar | 1<<DataBarLimited | 1<<DataBarExpanded | 1<<Code128

// compositeReader reads the 2D components: CC-A and CC-B, then CC-C. It
// searches only beside the linear components a decode has read (see
// componentBoxes): a 2D component alone is never reported, so a frame
// without a linear symbol that could carry one costs it nothing.
func compositeReader() areaReader {
	ab := pdf417.NewCompositeMicroReader()
	c := pdf417.NewCompositeReader()
	return areaReader{sym: GS1Composite, corners: cornersTLBLBRTR, costly: true, besideLinears: true,
		read: func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, _ int) []*gozxing.Result {
			found, _ := ab.DecodeMultiple(bm, hints)
			if hints[noComponentC] == nil {
				more, _ := c.DecodeMultiple(bm, hints)
				found = append(found, more...)
			}
			return found
		}}
}

// noComponentC is a hint of compositeReader's own, set where none of the
// linear components beside which it searches is a GS1-128 symbol, the
// only one a CC-C accompanies (ISO/IEC 24723): there the CC-C reader
// does not search.
const noComponentC gozxing.DecodeHintType = 0x4e43 // "NC"

// componentColumns returns the mask of the numbers of columns a CC-A or
// CC-B above a linear component of symbology s has (hint.ComponentColumns),
// as its linear component fixes them (ISO/IEC 24723, and zint's
// composites): four above EAN-13, UPC-A, GS1-128 and GS1 DataBar
// Omnidirectional and Expanded (stacked or not), three above EAN-8 and
// GS1 DataBar Limited, two above UPC-E and GS1 DataBar Stacked (which
// reads as DataBar, as Omnidirectional does).
func componentColumns(s Symbology) uint8 {
	switch s {
	case EAN8, DataBarLimited:
		return 1 << 3
	case UPCE:
		return 1 << 2
	case DataBar:
		return 1<<2 | 1<<4
	}
	return 1 << 4
}

// How far beyond a linear component, in lengths of it, its 2D component
// may reach, in the linear component's own orientation. Above it lie the
// rest of its bars (up to about three quarters of its length for
// EAN/UPC; its corners span only the rows that read it) and the
// component: a CC-C above a wide GS1-128 is at most about half as high as
// the linear component is long, a CC-A above EAN-13 a third; a CC-B of
// many rows may be as high. Beside it the component sticks out at most a
// few modules (UPC-E's CC-A); below it is only the quiet zone.
const (
	reachAbove  = 1.5
	reachBeside = 0.25
	reachBelow  = 0.1
)

// dataBarReach is how far a GS1 DataBar (Omnidirectional, Stacked)
// linear component's 2D component may reach on every side, in lengths of
// what its corners span: they are those of its finder patterns, which on
// the two rows of a stacked symbol lie a finder's width (15 modules of
// its 50) apart, and in an order that does not tell which side is above.
const dataBarReach = 4

// componentBoxes returns the rectangles of the frame where the 2D
// components of the linear components in results may lie, those already
// joined to a component read left out, and those the view shows none
// above (above, which looks once a result; see componentAbove): round
// each linear component, the box that holds it and the reach of a
// component above it, the boxes that overlap merged.
func componentBoxes(results []Result, above func(*Result) (bool, float64, bool)) []componentSearch {
	var boxes []componentSearch
	for i := range results {
		l := &results[i]
		if l.component || !compositeLinears.Has(l.Symbology) || !mayCarryComponent(l) || hasComponent(results, l) {
			continue
		}
		if !l.signLooked {
			var may bool
			may, l.componentFrom, l.fromKnown = above(l)
			l.signLooked, l.noSign = true, !may
		}
		if l.noSign {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(1)
		if m := linearModule(l); m > 0 {
			lo, hi = m, m
		}
		boxes = mergeBox(boxes, componentSearch{componentBox(l), lo, hi, linearFacing(l), componentColumns(l.Symbology), l.Symbology == Code128})
	}
	return boxes
}

// componentSearch is a box of the frame searched for 2D components, and
// the least and greatest module (frame pixels) of the linear components
// whose box it is; +Inf both where one of their modules is not known.
type componentSearch struct {
	box    image.Rectangle
	lo, hi float64
	// facing are the directions the rows of those linear components
	// run in, read left to right (unit vectors, frame pixels); nil where
	// one of them does not tell (see linearFacing).
	facing [][2]float64
	// cols has bit n set for each number of columns n the CC-A and CC-B
	// above those linear components have (componentColumns); cc is set
	// where one of them is a GS1-128 symbol, which a CC-C may lie above.
	cols uint8
	cc   bool
}

// linearFacing returns the direction the rows of the linear result l run
// in, read left to right, as its corners give it: a 2D component's rows
// run the same way, above it (ISO/IEC 24723). Nil for a GS1 DataBar
// (Omnidirectional, Stacked) symbol, whose corners do not tell which
// side is above (see dataBarReach).
func linearFacing(l *Result) [][2]float64 {
	q := l.Points
	ux, uy := q[1].X-q[0].X+q[2].X-q[3].X, q[1].Y-q[0].Y+q[2].Y-q[3].Y
	n := math.Hypot(ux, uy)
	if l.Symbology == DataBar || n == 0 {
		return nil
	}
	return [][2]float64{{ux / n, uy / n}}
}

// linearModule returns the module of the linear result l in frame
// pixels, along its rows, where its symbology's width in modules is
// fixed (EAN/UPC); else 0.
func linearModule(l *Result) float64 {
	modules, ok := eanModules[l.Symbology]
	if !ok {
		return 0
	}
	q := l.Points
	return math.Hypot(q[1].X-q[0].X+q[2].X-q[3].X, q[1].Y-q[0].Y+q[2].Y-q[3].Y) / 2 / modules
}

// componentBox returns the box round the linear result l and the reach of
// a 2D component above it, from below it; for an EAN/UPC symbol, from
// the top of the rows that read it (a margin below), or from where its
// component may begin where that is known (componentAbove) and higher.
func componentBox(l *Result) image.Rectangle {
	q := l.Points
	// u along the rows of l, its length long; n at right angles, up.
	ux, uy := (q[1].X-q[0].X+q[2].X-q[3].X)/2, (q[1].Y-q[0].Y+q[2].Y-q[3].Y)/2
	length := math.Hypot(ux, uy)
	if l.Symbology == DataBar || length == 0 {
		return boundsOf(q, dataBarReach*length)
	}
	ux, uy = ux/length, uy/length
	nx, ny := uy, -ux // a quarter turn back from u: up, y growing down
	at := func(p Point, along, up float64) Point {
		return Point{p.X + along*length*ux + up*length*nx, p.Y + along*length*uy + up*length*ny}
	}
	bottom := [2]Point{at(q[2], reachBeside, -reachBelow), at(q[3], -reachBeside, -reachBelow)}
	module := linearModule(l)
	if l.fromKnown || module > 0 {
		// The bars hold no component: an EAN/UPC symbol's rows that read
		// them lie below it, and so do the bars up to where they end,
		// where that is known. The box reaches below the rows' top by
		// two modules and three of the binarizer's blocks, as
		// componentAbove's reaches below the bars' end (the crop
		// binarizes the component's rows as the view does).
		var c Point
		for _, p := range q {
			c.X, c.Y = c.X+p.X/4, c.Y+p.Y/4
		}
		up := math.Inf(-1)
		if module > 0 {
			up = ((q[0].X+q[1].X)/2-c.X)*nx + ((q[0].Y+q[1].Y)/2-c.Y)*ny - 2*module - 3*blockSize
		}
		if l.fromKnown {
			up = max(up, l.componentFrom)
		}
		from := Point{c.X + up*nx - 0.5*length*ux, c.Y + up*ny - 0.5*length*uy}
		bottom = [2]Point{at(from, 1+reachBeside, 0), at(from, -reachBeside, 0)}
	}
	return boundsOf([4]Point{
		at(q[0], -reachBeside, reachAbove), at(q[1], reachBeside, reachAbove), bottom[0], bottom[1],
	}, 0)
}

// boundsOf returns the smallest rectangle of whole pixels holding q grown
// by g on every side.
func boundsOf(q [4]Point, g float64) image.Rectangle {
	lo, hi := q[0], q[0]
	for _, p := range q[1:] {
		lo.X, lo.Y = math.Min(lo.X, p.X), math.Min(lo.Y, p.Y)
		hi.X, hi.Y = math.Max(hi.X, p.X), math.Max(hi.Y, p.Y)
	}
	return image.Rect(int(math.Floor(lo.X-g)), int(math.Floor(lo.Y-g)), int(math.Ceil(hi.X+g)), int(math.Ceil(hi.Y+g)))
}

// mergeBox adds b to boxes, as the union of b and every box it overlaps,
// with the modules and the directions of both.
func mergeBox(boxes []componentSearch, b componentSearch) []componentSearch {
	for {
		merged := false
		for i, o := range boxes {
			if o.box.Overlaps(b.box) {
				b.box = b.box.Union(o.box)
				if math.IsInf(o.lo, 1) || math.IsInf(b.lo, 1) {
					b.lo, b.hi = math.Inf(1), math.Inf(1)
				} else {
					b.lo, b.hi = min(b.lo, o.lo), max(b.hi, o.hi)
				}
				b.cols |= o.cols
				b.cc = b.cc || o.cc
				if o.facing == nil || b.facing == nil {
					b.facing = nil
				} else {
					b.facing = append(slices.Clip(b.facing), o.facing...)
				}
				boxes = append(boxes[:i], boxes[i+1:]...)
				merged = true
				break
			}
		}
		if !merged {
			return append(boxes, b)
		}
	}
}

// mayCarryComponent reports whether the linear result l can be the linear
// component of a composite: its data are GS1 data (a Code 128 symbol is
// GS1-128), and if it is a GS1 DataBar symbol, its linkage flag is set.
func mayCarryComponent(l *Result) bool {
	_, ok := linearElements(l)
	return ok && !l.unlinked
}

// hasComponent reports whether a 2D component in results lies above the
// linear result l.
func hasComponent(results []Result, l *Result) bool {
	for i := range results {
		if results[i].component {
			if _, ok := below(&results[i], l); ok {
				return true
			}
		}
	}
	return false
}

// readComponents runs the composite reader a over the boxes round the
// linear components in results (componentBoxes), each cropped from pass
// p's view and binarized on its own, as p binarizes. The quarter-turned
// view cannot be cropped: there the boxes are cropped from the first
// pass's view, unturned, which the reader reads at every quarter turn.
func (d *decoder) readComponents(a areaReader, p pass, syms SymbologySet, results []Result, hints map[gozxing.DecodeHintType]interface{}) []Result {
	boxes := componentBoxes(results, d.componentAbove)
	if len(boxes) == 0 {
		return results
	}
	src, global := p.src, p.global
	if p.rotated {
		src, global = d.view, false
		origin := d.viewMin
		p.view = nil
		p.toFrame = func(q Point) Point { return Point{q.X + float64(origin.X), q.Y + float64(origin.Y)} }
	}
	bounds := image.Rect(0, 0, src.GetWidth(), src.GetHeight())
	// The view's pixels a frame pixel (2 in the upscaled pass).
	const unit = 1 << 10
	scale := float64(p.fromFrame(image.Rect(0, 0, unit, unit)).Dx()) / unit
	for _, b := range boxes {
		if d.interrupted() {
			break
		}
		r := alignToBlocks(p.fromFrame(b.box.Sub(d.viewMin)), bounds)
		if r.Empty() || !src.IsCropSupported() {
			continue
		}
		lum, err := src.Crop(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
		if err != nil {
			continue
		}
		var bin gozxing.Binarizer
		if global {
			bin = newGlobalBinarizer(lum)
		} else {
			bin = newCropBinarizer(lum, &d.scratch)
		}
		bm, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			continue
		}
		h := maps.Clone(hints)
		h[hint.ComponentColumns] = b.cols
		if !b.cc {
			h[noComponentC] = true
		}
		if !math.IsInf(b.lo, 1) {
			h[hint.Modules] = [2]float64{b.lo * scale, b.hi * scale}
		}
		if b.facing != nil {
			// The crop is the view unturned, at its scale: the
			// directions are the frame's.
			h[hint.Facing] = b.facing
		}
		results = d.collect(a, d.readArea(a, lum, bm, h, 0), p, syms, results, nil, r.Min)
		wipeBitmap(bm, true)
		wipeBinarizer(bin)
	}
	return results
}

// joinComposites joins each 2D component in results with the linear
// component below it, drops the components left alone, and the results
// of symbologies not in asked (the linear ones read for composites).
func joinComposites(results []Result, asked SymbologySet) []Result {
	used := make([]bool, len(results))
	var out []Result
	for i := range results {
		c := &results[i]
		if !c.component {
			continue
		}
		best, bestDist := -1, math.Inf(1)
		for j := range results {
			if used[j] || results[j].component || !compositeLinears.Has(results[j].Symbology) {
				continue
			}
			if d, ok := below(c, &results[j]); ok && d < bestDist {
				best, bestDist = j, d
			}
		}
		if best < 0 {
			continue
		}
		if r, ok := joinComposite(c, &results[best]); ok {
			used[best] = true
			out = append(out, r)
		}
	}
	for i, r := range results {
		if !used[i] && !r.component && asked.Has(r.Symbology) {
			out = append(out, r)
		}
	}
	return out
}

// below reports whether the linear result l lies just below the 2D
// component c, in c's orientation, and how far its centre is from c's
// bottom edge.
func below(c, l *Result) (float64, bool) {
	tl, tr, bl := c.Points[0], c.Points[1], c.Points[3]
	width := math.Hypot(tr.X-tl.X, tr.Y-tl.Y)
	height := math.Hypot(bl.X-tl.X, bl.Y-tl.Y)
	if width == 0 || height == 0 {
		return 0, false
	}
	rx, ry := (tr.X-tl.X)/width, (tr.Y-tl.Y)/width // along the rows
	dx, dy := (bl.X-tl.X)/height, (bl.Y-tl.Y)/height
	lc, cc := l.Center(), c.Center()
	across := (lc.X-cc.X)*rx + (lc.Y-cc.Y)*ry
	down := (lc.X-cc.X)*dx + (lc.Y-cc.Y)*dy - height/2
	// The linear component is at most about as wide as the component
	// again on either side, and starts right under it.
	if math.Abs(across) > width || down <= 0 || down > 1.5*width+height {
		return 0, false
	}
	return down, true
}

// joinComposite makes the composite result of 2D component c and linear
// component l: the GS1 data of both, the box round both.
func joinComposite(c, l *Result) (Result, bool) {
	linear, ok := linearElements(l)
	if !ok {
		return Result{}, false
	}
	cc, err := databar.HumanReadable(c.Text)
	if err != nil {
		return Result{}, false
	}
	r := *c
	r.component = false
	r.Text = linear + cc
	r.SymbologyID = "]e0"
	// The box: c's top edge, and its sides carried down to the farthest
	// corner of l.
	tl, tr, bl := c.Points[0], c.Points[1], c.Points[3]
	height := math.Hypot(bl.X-tl.X, bl.Y-tl.Y)
	dx, dy := (bl.X-tl.X)/height, (bl.Y-tl.Y)/height
	reach := height
	for _, p := range l.Points {
		reach = math.Max(reach, (p.X-tl.X)*dx+(p.Y-tl.Y)*dy)
	}
	r.Points[2] = Point{tr.X + reach*dx, tr.Y + reach*dy}
	r.Points[3] = Point{tl.X + reach*dx, tl.Y + reach*dy}
	return r, true
}

// linearElements returns the GS1 data of a linear component in the human
// readable form: the GTIN of EAN/UPC and DataBar symbols as AI 01, the
// element string of DataBar Expanded and GS1-128.
func linearElements(l *Result) (string, bool) {
	t := l.Text
	switch l.Symbology {
	case EAN13, UPCA, EAN8, DataBar, DataBarLimited:
		if l.Symbology == UPCA {
			t = "0" + t
		}
		if len(t) > 14 || !isDigits(t) {
			return "", false
		}
		return "(01)" + strings.Repeat("0", 14-len(t)) + t, true
	case UPCE:
		a, ok := upcEToA(t)
		if !ok {
			return "", false
		}
		return "(01)00" + a, true
	case DataBarExpanded:
		return t, strings.HasPrefix(t, "(")
	case Code128:
		if l.SymbologyID != "]C1" { // GS1-128: FNC1 first
			return "", false
		}
		s, err := databar.HumanReadable(t)
		return s, err == nil
	}
	return "", false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// upcEToA expands the eight digits of a UPC-E symbol (number system, six
// digits, check digit) to the twelve of the UPC-A code it stands for.
func upcEToA(e string) (string, bool) {
	if len(e) != 8 || !isDigits(e) || e[0] > '1' {
		return "", false
	}
	d := e[1:7]
	var body string
	switch d[5] {
	case '0', '1', '2':
		body = d[:2] + d[5:6] + "0000" + d[2:5]
	case '3':
		body = d[:3] + "00000" + d[3:5]
	case '4':
		body = d[:4] + "00000" + d[4:5]
	default:
		body = d[:5] + "0000" + d[5:6]
	}
	return e[:1] + body + e[7:], true
}

// alignToBlocks returns r within bounds, grown to the hybrid binarizer's
// blocks of the whole view (which start at its top-left corner; the
// last, where it does not fit, ends at its edge): the crop binarizes as
// the view would, but for the blocks near its edges. A crop shifted from
// the blocks moves every threshold, which at two pixels a module reads a
// symbol the view did not, or misses one it read.
func alignToBlocks(r, bounds image.Rectangle) image.Rectangle {
	r = r.Intersect(bounds)
	if r.Empty() {
		return r
	}
	r.Min.X, r.Min.Y = r.Min.X&^(blockSize-1), r.Min.Y&^(blockSize-1)
	r.Max.X = min(bounds.Max.X, (r.Max.X+blockSize-1)&^(blockSize-1))
	r.Max.Y = min(bounds.Max.Y, (r.Max.Y+blockSize-1)&^(blockSize-1))
	return r
}
