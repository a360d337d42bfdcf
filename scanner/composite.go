package scanner

import (
	"math"
	"strings"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/databar"
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

// keepForComposite reports whether a symbol of sym read in a pass that
// reads syms stays in the pass's binarized image: when composites are
// read, a linear component or a 2D component, which sit so close to each
// other that painting one out would take the edge of the other.
func keepForComposite(syms SymbologySet, sym Symbology) bool {
	return syms.Has(GS1Composite) && (compositeLinears.Has(sym) || sym == GS1Composite)
}

// compositeReader reads the 2D components: CC-A and CC-B, then CC-C.
func compositeReader() areaReader {
	ab := pdf417.NewCompositeMicroReader()
	c := pdf417.NewCompositeReader()
	return areaReader{sym: GS1Composite, corners: cornersTLBLBRTR, costly: true,
		read: func(bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, _ int) []*gozxing.Result {
			found, _ := ab.DecodeMultiple(bm, hints)
			more, _ := c.DecodeMultiple(bm, hints)
			return append(found, more...)
		}}
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
