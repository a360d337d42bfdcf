package scanner

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/linear"
)

// Row scanning. Each scanned row of a pass's view is binarized once into
// the widths of its light and dark runs, with every edge placed to a
// sixteenth of a pixel, and the linear reader reads those widths four
// ways: left to right and right to left (a symbol upside down), and as
// dark bars on light and light bars on dark. So one pass reads 1D codes
// in every orientation along its rows, inverted ones included, from one
// binarization of each row, and a row without a symbol costs no
// allocation. GS1 DataBar Omnidirectional is read from the widths too
// (scanner/databar's OmniAt, and the pairs of its stacked forms' rows,
// joined across rows: dataBarPairs); gozxing's row decoder gets the
// row's bits only when the widths hold its finder pattern.

// subpixel is the unit of the run widths: a sixteenth of a pixel.
const subpixel = 16

// maxRowRuns bounds the runs kept of one row: a row with more changes is
// noise, not a symbol, and is skipped; buffers stay bounded whatever the
// frame's width.
const maxRowRuns = 1 << 15

// rowScanner holds the buffers one decoder scans rows with.
type rowScanner struct {
	lum     []byte
	buckets [histogramBuckets]int
	// fwd and rev hold a row's widths read left to right and right to
	// left, each after a slot of width 0 that turns light bars on dark
	// into dark on light (fwd[1:] is the row as it is).
	fwd, rev []int
	// edgeAt holds the pixels where a row's edges are.
	edgeAt []int32
	lin    linear.Reader
	found  []linear.Symbol
	// minEdges is the fewest changes a row needs to be read (see
	// fewestEdges).
	minEdges int
}

// wipe zeroes what the scanner keeps of the last row it read: image data.
func (s *rowScanner) wipe() {
	clear(s.lum[:cap(s.lum)])
	clear(s.fwd[:cap(s.fwd)])
	clear(s.rev[:cap(s.rev)])
	clear(s.edgeAt[:cap(s.edgeAt)])
	clear(s.found[:cap(s.found)])
}

// runs binarizes row y of src into s.fwd and s.rev and reports whether it
// has enough changes to cross a barcode: the black point of the row's
// histogram, as globalBinarizer.GetBlackRow finds it, on the row
// sharpened with a -1 4 -1 filter (halved), the pixel at each end light;
// each edge where the sharpened values, interpolated linearly between
// pixel centres, cross the black point.
func (s *rowScanner) runs(src gozxing.LuminanceSource, y int) bool {
	w := src.GetWidth()
	lum, err := src.GetRow(y, s.lum)
	if err != nil || w < 3 {
		return false
	}
	s.lum = lum
	return s.measure(lum[:w])
}

// measure is runs for the row of gray levels lum, at least 3 pixels.
func (s *rowScanner) measure(lum []byte) bool {
	w := len(lum)
	rowHistogram(lum, &s.buckets)
	black, ok := blackPointOf(&s.buckets)
	if !ok {
		return false
	}
	// The pixels where the sharpened row crosses the black point, found
	// without a branch per pixel (in a textured row which way one goes is
	// anyone's guess), then each edge placed between its pixel and the one
	// before.
	if cap(s.edgeAt) < w {
		s.edgeAt = make([]int32, w)
	}
	edgeAt := s.edgeAt[:w]
	n, dark := 0, 0
	for x := 1; x < w-1; x++ {
		f := (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
		d := int(uint(f-black) >> (bitsPerUint - 1)) // f < black
		edgeAt[n] = int32(x)
		n += d ^ dark
		dark = d
	}
	edgeAt[n] = int32(w - 1) // the last pixel counts as light
	n += dark
	fwd := append(s.fwd[:0], 0)
	last := 0 // the last edge, in subpixels
	for _, e := range edgeAt[:n] {
		x := int(e)
		// The first pixel counts as light, its sharpened value taken
		// one-sided.
		prev := max(black, (3*int(lum[0])-int(lum[1]))/2)
		if x > 1 {
			prev = (4*int(lum[x-1]) - int(lum[x-2]) - int(lum[x])) / 2
		}
		f := black
		if x < w-1 {
			f = (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
		}
		// prev and f lie on either side of the black point; the edge
		// is where the line between the pixel centres crosses it.
		pos := max(last, (x-1)*subpixel+subpixel/2+subpixel*(black-prev)/(f-prev))
		fwd = append(fwd, pos-last)
		last = pos
		if len(fwd) > maxRowRuns {
			s.fwd = fwd[:0]
			return false
		}
	}
	fwd = append(fwd, w*subpixel-last)
	s.fwd = fwd
	if len(fwd)-2 < s.minEdges {
		return false
	}
	// Right to left: the row's last run, light, comes first.
	rev := append(s.rev[:0], 0)
	for i := len(fwd) - 1; i >= 1; i-- {
		rev = append(rev, fwd[i])
	}
	s.rev = rev
	return true
}

// views returns the four ways to read the row: left to right, right to
// left, and each with light bars on dark.
func (s *rowScanner) views() [4]rowView {
	return [4]rowView{{s.fwd[1:], false, false}, {s.rev[1:], true, false}, {s.fwd, false, true}, {s.rev, true, true}}
}

// rowView is one way of reading a row: its widths, light first.
type rowView struct {
	runs               []int
	reversed, inverted bool
}

// span returns the pixels along the row, from the left, that runs first
// to last of the view cover.
func (v rowView) span(first, last, width int) (x0, x1 float64) {
	a := 0
	for _, r := range v.runs[:first] {
		a += r
	}
	b := a
	for _, r := range v.runs[first : last+1] {
		b += r
	}
	x0, x1 = float64(a)/subpixel, float64(b)/subpixel
	if v.reversed {
		x0, x1 = float64(width)-x1, float64(width)-x0
	}
	return x0, x1
}

// linearFormats are the linear reader's formats for the symbologies of
// syms.
func linearFormats(syms SymbologySet) linear.Formats {
	var f linear.Formats
	for _, m := range [...]struct {
		sym Symbology
		f   linear.Format
	}{
		{Code128, linear.Code128}, {Code39, linear.Code39}, {Code93, linear.Code93}, {Codabar, linear.Codabar},
		{ITF, linear.ITF}, {EAN13, linear.EAN13}, {UPCA, linear.EAN13}, {EAN8, linear.EAN8}, {UPCE, linear.UPCE},
	} {
		if syms.Has(m.sym) {
			f |= linear.NewFormats(m.f)
		}
	}
	for _, o := range otherLinear {
		if syms.Has(o.sym) {
			f |= linear.NewFormats(o.format)
		}
	}
	return f
}

// linearSymbology names a linear read, and gives its text as scannerd
// reports it, or reports that it is none of the wanted symbologies. A UPC-A
// code is an EAN-13 code whose first digit is 0: it is reported as UPC-A
// (its twelve digits) when that is wanted, else as EAN-13.
func linearSymbology(s *linear.Symbol, wanted SymbologySet) (Symbology, string, bool) {
	var sym Symbology
	text := s.Text
	switch s.Format {
	case linear.Code128:
		sym = Code128
	case linear.Code39:
		sym = Code39
		text, _ = code39FullASCII(text)
	case linear.Code93:
		sym = Code93
	case linear.Codabar:
		sym = Codabar
	case linear.ITF:
		sym = ITF
	case linear.EAN8:
		sym = EAN8
	case linear.UPCE:
		sym = UPCE
	case linear.EAN13:
		sym = EAN13
		if text[0] == '0' && wanted.Has(UPCA) {
			sym, text = UPCA, text[1:]
		}
	default:
		for _, o := range otherLinear {
			if o.format == s.Format {
				sym = o.sym
			}
		}
	}
	return sym, text, wanted.Has(sym)
}

// grayLines measures the rows of a pass's gray view for the DataBar
// Expanded reader as the row scan does (rowScanner.runs).
type grayLines struct {
	src  gozxing.LuminanceSource
	rows rowScanner
	// near holds the rows above and below, and avg the three averaged,
	// when smoothing.
	near [2][]byte
	avg  []byte
}

var _ databar.Lines = (*grayLines)(nil)

// The databar reader's unit must be the row scan's.
var _ = [1]int{}[subpixel-databar.LineUnit]

func (g *grayLines) Line(y int, smooth bool, buf []int) ([]int, bool) {
	src := g.src
	w, h := src.GetWidth(), src.GetHeight()
	lum, err := src.GetRow(y, g.rows.lum)
	if err != nil || w < 3 {
		return buf, false
	}
	g.rows.lum = lum
	lum = lum[:w]
	if smooth && y > 0 && y+1 < h {
		above, err1 := src.GetRow(y-1, g.near[0])
		below, err2 := src.GetRow(y+1, g.near[1])
		if err1 != nil || err2 != nil {
			return buf, false
		}
		g.near = [2][]byte{above, below}
		avg := append(g.avg[:0], lum...)
		for x := range avg {
			avg[x] = byte((int(above[x]) + 2*int(lum[x]) + int(below[x]) + 2) >> 2)
		}
		g.avg, lum = avg, avg
	}
	if !g.rows.measure(lum) {
		return buf, false
	}
	// A run narrower than half a pixel is noise, which the sharpening
	// doubles, crossing the threshold and back within an element of low
	// contrast: it joins the runs either side of it.
	out := buf[:0]
	for _, r := range g.rows.fwd[1:] {
		if n := len(out); n >= 2 && out[n-1] < minRunWidth {
			out[n-2] += out[n-1] + r
			out = out[:n-1]
			continue
		}
		out = append(out, r)
	}
	return out, true
}

// minRunWidth is the narrowest run grayLines keeps, in subpixels. Half a
// pixel read more of the robustness suite's DataBar Expanded symbols
// under noise, JPEG and uneven light than a quarter (12 samples a level).
const minRunWidth = subpixel / 2

// wipe zeroes the rows it keeps: image data.
func (g *grayLines) wipe() {
	g.rows.wipe()
	clear(g.near[0][:cap(g.near[0])])
	clear(g.near[1][:cap(g.near[1])])
	clear(g.avg[:cap(g.avg)])
	g.src = nil
}
