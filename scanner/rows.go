package scanner

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
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
	// local has rows binarized with a black point for each pixel
	// (localBlackPoints), kept in black, where their light is uneven
	// enough to need it; unevenOnly has the others not measured at all.
	local, unevenOnly bool
	black             []int16
	// midrange has rows binarized at the black point halfway between
	// their darkest and lightest levels when they look blurred
	// (blurredBlack), at their histogram's black point otherwise.
	midrange bool
	// smooth, when set, has each row measured as the mean of that many
	// rows from it down (up, at the image's bottom), summed in sum and
	// kept in avg.
	smooth int
	sum    []uint16
	avg    []byte
	// lastBlack is the black point of the row measured last; with given set,
	// the next row's is givenBlack, not measured again (the same row,
	// looked at again another way).
	lastBlack, givenBlack int
	given                 bool
}

// wipe zeroes what the scanner keeps of the last row it read, image data
// (its gray levels, histogram, widths and edges), and of the last symbol
// it read along one.
func (s *rowScanner) wipe() {
	clear(s.lum[:cap(s.lum)])
	clear(s.fwd[:cap(s.fwd)])
	clear(s.rev[:cap(s.rev)])
	clear(s.edgeAt[:cap(s.edgeAt)])
	clear(s.black[:cap(s.black)])
	clear(s.sum[:cap(s.sum)])
	clear(s.avg[:cap(s.avg)])
	clear(s.found[:cap(s.found)])
	s.lin.Wipe() // the last symbol's characters and text
	s.buckets = [histogramBuckets]int{}
	s.lastBlack, s.givenBlack = 0, 0
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
	return s.runsOf(src, y, lum[:w])
}

// runsOf is runs for row y of src whose gray levels lum, at least 3, were
// read already (by another scanner: the row looked at again).
func (s *rowScanner) runsOf(src gozxing.LuminanceSource, y int, lum []byte) bool {
	if s.smooth > 1 {
		return s.measureSmoothed(src, y, lum)
	}
	return s.measure(lum)
}

// smoothRows is how many rows a noisy row is averaged over: the noise's
// deviation falls to about a third, and a symbol's bars, which cross the
// rows, stay sharp unless turned by more than a module over the eight rows.
// The robustness suite's Code 39 and Code 128 under noise of 48 gray
// levels' deviation read 8 of 8 samples with it, none without.
const smoothRows = 8

// measureSmoothed is measure for the mean of s.smooth rows from row y,
// whose gray levels are lum.
func (s *rowScanner) measureSmoothed(src gozxing.LuminanceSource, y int, lum []byte) bool {
	w, h := len(lum), src.GetHeight()
	n := min(s.smooth, h)
	first := min(y, h-n)
	// A narrower view's sums and mean, outgrown, are cleared as they are
	// let go.
	s.sum, s.avg = scrub.Room(s.sum, w), scrub.Room(s.avg, w)
	sum := s.sum[:w]
	// Row y first: the other rows are read into its buffer.
	clear(sum)
	addRow(sum, lum)
	for r := first; r < first+n; r++ {
		if r == y {
			continue
		}
		row, err := src.GetRow(r, s.lum)
		if err != nil {
			return false
		}
		s.lum = row
		addRow(sum, row[:w])
	}
	avg := s.avg[:w]
	if n&(n-1) == 0 { // a power of two, smoothRows: a shift
		sh := bits.TrailingZeros(uint(n))
		for x, v := range sum {
			avg[x] = byte(v >> sh)
		}
	} else {
		for x, v := range sum {
			avg[x] = byte(int(v) / n)
		}
	}
	if !s.measure(avg) {
		return false
	}
	// What noise is left crosses the black point and back within an
	// element now and then, the sharpening doubling it: a run narrower
	// than half a pixel joins the runs either side of it, as grayLines
	// has them.
	fwd := s.fwd[:2]
	for _, r := range s.fwd[2:] {
		if n := len(fwd); n >= 3 && fwd[n-1] < minRunWidth {
			fwd[n-2] += fwd[n-1] + r
			fwd = fwd[:n-1]
			continue
		}
		fwd = append(fwd, r)
	}
	s.fwd = fwd
	rev := s.rev[:1]
	for i := len(fwd) - 1; i >= 1; i-- {
		rev = append(rev, fwd[i])
	}
	s.rev = rev
	return len(fwd)-2 >= s.minEdges
}

// addRow adds the gray levels of row to sum, as long: 16 at a time in
// vector registers where there are, then one at a time.
func addRow(sum []uint16, row []byte) {
	sum = sum[:len(row)]
	for x := addRowWide(sum, row); x < len(row); x++ {
		sum[x] += uint16(row[x])
	}
}

// noisyRow tells whether the widths fwd (as rowScanner keeps them) are
// split by noise: a fifth of the runs narrower than a pixel, which no
// readable symbol has. (A quarter left 6 of 8 of the suite's Code 39
// samples under noise of 48 levels unread, whose wide elements make fewer
// specks; a fifth reads them all at the same CPU per image.)
func noisyRow(fwd []int) bool {
	thin := 0
	for _, r := range fwd[1:] {
		if r < subpixel {
			thin++
		}
	}
	return 5*thin >= len(fwd)-1
}

// measure is runs for the row of gray levels lum, at least 3 pixels.
// With s.local set the black point is the row's own only where the light
// varies little along it (localBlackPoints).
func (s *rowScanner) measure(lum []byte) bool {
	w := len(lum)
	black := s.givenBlack
	if !s.given {
		rowHistogram(lum, &s.buckets)
		var ok bool
		if black, ok = blackPointOf(&s.buckets); !ok {
			return false
		}
		if s.midrange {
			if mid, ok := blurredBlack(&s.buckets, black, w); ok {
				black = mid
			}
		}
	}
	s.lastBlack = black
	s.edgeAt = scrub.Room(s.edgeAt, w) // a narrower view's row's edges, outgrown, cleared
	edgeAt := s.edgeAt[:w]
	if s.local {
		if ok, uneven := s.measureLocal(lum, black); uneven || s.unevenOnly {
			return ok
		}
	}
	// The pixels where the sharpened row crosses the black point, found
	// without a branch per pixel (in a textured row which way one goes is
	// anyone's guess), then each edge placed between its pixel and the one
	// before.
	n, dark := sharpEdges(lum, black, edgeAt)
	edgeAt[n] = int32(w - 1) // the last pixel counts as light
	n += dark
	// A run for each edge and one after the last: too few to cross a
	// symbol, or too many, and the row is given up on before its edges
	// are placed.
	if n < s.minEdges || n+1 > maxRowRuns {
		s.fwd = s.fwd[:0]
		return false
	}
	fwd := s.fwd[:0]
	if cap(fwd) < n+2 {
		clear(fwd[:cap(fwd)]) // the widths of an earlier row
		fwd = make([]int, 0, n+2)
	}
	fwd = fwd[:n+1]
	fwd[0] = 0
	// The first pixel counts as light, its sharpened value taken
	// one-sided.
	first := max(black, (3*int(lum[0])-int(lum[1]))/2)
	last := placeEdges(fwd[1:], lum, edgeAt[:n], black, first)
	return s.finish(fwd, last, w)
}

// placeEdges sets widths[i] to the width, in subpixels, of the run that
// ends at edge i, the edges being at the pixels edges of lum (each
// between its pixel and the one before, where the sharpened values
// interpolated linearly between the pixel centres cross black; first is
// the first pixel's sharpened value, the last pixel's taken as black),
// and returns the last edge, in subpixels. Edges inside the row read its
// four pixels about them through one slice.
func placeEdges(widths []int, lum []byte, edges []int32, black, first int) (last int) {
	w := len(lum)
	widths = widths[:len(edges)]
	for i, e := range edges {
		x := int(e)
		var prev, f int
		if x >= 2 && x+2 <= w {
			q := lum[x-2 : x+2 : x+2]
			a, b, c, d := int(q[0]), int(q[1]), int(q[2]), int(q[3])
			prev, f = (4*b-a-c)/2, (4*c-b-d)/2
		} else {
			prev = first
			if x > 1 {
				prev = (4*int(lum[x-1]) - int(lum[x-2]) - int(lum[x])) / 2
			}
			f = black
			if x < w-1 {
				f = (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
			}
		}
		// prev and f lie on either side of the black point; the edge
		// is where the line between the pixel centres crosses it.
		pos := max(last, (x-1)*subpixel+subpixel/2+subpixel*(black-prev)/(f-prev))
		widths[i] = pos - last
		last = pos
	}
	return last
}

// sharpEdges sets edgeAt[0:n] to the pixels x of lum (1 ≤ x < len−1)
// where the sharpened row, (4·lum[x]−lum[x−1]−lum[x+1])/2, goes from at
// least black to below it or back, starting light, and returns n and
// whether (1) or not (0) the row is dark at its last such pixel.
func sharpEdges(lum []byte, black int, edgeAt []int32) (n, dark int) {
	if black < 1 {
		for x := 1; x < len(lum)-1; x++ {
			f := (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
			d := int(uint(f-black) >> (bitsPerUint - 1)) // f < black
			edgeAt[n] = int32(x)
			n += d ^ dark
			dark = d
		}
		return n, dark
	}
	// With black at least 1, the halved value (rounded towards zero) is
	// below black exactly when the whole one is below 2·black: the
	// three pixels slide along in registers, and nothing is divided.
	twice := 2 * black
	if len(lum) < 3 {
		return 0, 0
	}
	// 16 pixels at a time in vector registers where there are, then
	// one at a time.
	n, dark, from := sharpEdgesWide(lum, twice, edgeAt)
	a, b := int(lum[from-1]), int(lum[from])
	for i, v := range lum[from+1:] {
		c := int(v)
		d := int(uint(4*b-a-c-twice) >> (bitsPerUint - 1)) // below black
		edgeAt[n] = int32(from + i)
		n += d ^ dark
		dark = d
		a, b = b, c
	}
	return n, dark
}

// finish closes the row's widths fwd, whose last edge is at last
// subpixels of a row w pixels wide, and makes the reversed ones.
func (s *rowScanner) finish(fwd []int, last, w int) bool {
	fwd = append(fwd, w*subpixel-last)
	s.fwd = fwd
	if len(fwd)-2 < s.minEdges {
		return false
	}
	// Right to left: the row's last run, light, comes first.
	rev := s.rev[:0]
	if cap(rev) < len(fwd) {
		clear(rev[:cap(rev)])
		rev = make([]int, 0, cap(fwd))
	}
	rev = rev[:len(fwd)]
	rev[0] = 0
	for i, r := range fwd[1:] {
		rev[len(fwd)-1-i] = r
	}
	s.rev = rev
	return true
}

// measureLocal is measure with a black point for each pixel
// (localBlackPoints): the edges are where the sharpened row crosses it.
// It measures nothing, and reports it, when the row's one black point
// would do as well.
func (s *rowScanner) measureLocal(lum []byte, black int) (ok, uneven bool) {
	w := len(lum)
	thr, uneven := localBlackPoints(lum, black, s.black)
	if !uneven {
		return false, false
	}
	s.black = thr
	// sharp is the sharpened value at x less its black point: dark where
	// negative. The first and last pixels count as light.
	sharp := func(x int) int {
		switch x {
		case 0:
			return max(0, (3*int(lum[0])-int(lum[1]))/2-int(thr[0]))
		case w - 1:
			return 0
		}
		return (4*int(lum[x])-int(lum[x-1])-int(lum[x+1]))/2 - int(thr[x])
	}
	edgeAt := s.edgeAt[:w]
	n, dark := localEdges(lum, thr, edgeAt)
	edgeAt[n] = int32(w - 1)
	n += dark
	fwd := append(s.fwd[:0], 0)
	last := 0
	for _, e := range edgeAt[:n] {
		x := int(e)
		prev, f := sharp(x-1), sharp(x)
		pos := max(last, (x-1)*subpixel+subpixel/2+subpixel*(-prev)/(f-prev))
		fwd = append(fwd, pos-last)
		last = pos
		if len(fwd) > maxRowRuns {
			s.fwd = fwd[:0]
			return false, true
		}
	}
	return s.finish(fwd, last, w), true
}

// localEdges sets edgeAt[0:n] to the pixels x of lum (1 ≤ x < len−1)
// where the sharpened row, (4·lum[x]−lum[x−1]−lum[x+1])/2, goes from at
// least its black point thr[x] to below it or back, starting light, and
// returns n and whether (1) or not (0) the row is dark at its last such
// pixel: sharpEdges with a black point for each pixel (from −16383 to
// 16383). The halved value (rounded towards zero) is below a black point
// t exactly when the whole one is below 2t, less one where t is 0 or
// negative: nothing is divided, and the three pixels slide along in
// registers.
func localEdges(lum []byte, thr []int16, edgeAt []int32) (n, dark int) {
	w := len(lum)
	if w < 3 {
		return 0, 0
	}
	thr, edgeAt = thr[:w], edgeAt[:w]
	// 16 pixels at a time in vector registers where there are, then one
	// at a time.
	n, dark, from := localEdgesWide(lum, thr, edgeAt)
	a, b := int(lum[from-1]), int(lum[from])
	for x := from; x < w-1; x++ {
		c := int(lum[x+1])
		t := int(thr[x])
		t = 2*t - int(uint(t-1)>>(bitsPerUint-1))
		d := int(uint(4*b-a-c-t) >> (bitsPerUint - 1)) // below the black point
		edgeAt[n] = int32(x)
		n += d ^ dark
		dark = d
		a, b = b, c
	}
	return n, dark
}

// localBlock is the width of the blocks localBlackPoints measures the light
// in, as a share of the row's width (at least minLocalBlock pixels): three
// blocks, the span each black point is taken from, hold a bar and a space
// of a symbol whose modules are up to a hundredth of the row wide.
const (
	localBlockShare = 64
	minLocalBlock   = 8
)

// minLocalRange is the least range of gray levels, darkest to lightest,
// three blocks must span for their middle's black point to be their own:
// less is paper, or the inside of a bar.
const minLocalRange = 24

// localBlackPoints returns, in buf, a black point for each pixel of the
// row lum whose histogram gives black, and whether it differs from black
// where it matters (when not, buf is empty): a row lit unevenly along its
// length (a label in a shadow that ends halfway, a lamp's falloff) has its
// light ground darker at one end than its ink at the other, and no one
// black point separates them. Each block of the row takes the mid-gray between
// the darkest and lightest pixels of it and its two neighbours, when these
// differ by minLocalRange, and the row's black point when not; between
// block centres the black point goes linearly, so that it has no steps to
// move an edge. (The hybrid binarizer takes the same approach in two
// dimensions, for the area readers.)
func localBlackPoints(lum []byte, black int, buf []int16) (_ []int16, differs bool) {
	w := len(lum)
	size := max(minLocalBlock, w/localBlockShare)
	blocks := (w + size - 1) / size
	var lo, hi [2 * localBlockShare]uint8
	if blocks > len(lo) {
		return buf[:0], false
	}
	// The blocks in vector registers where they can be, then the rest.
	for b := blockMinMaxWide(lum, size, lo[:blocks], hi[:blocks]); b < blocks; b++ {
		mn, mx := uint8(255), uint8(0)
		for _, v := range lum[b*size : min(w, (b+1)*size)] {
			mn, mx = min(mn, v), max(mx, v)
		}
		lo[b], hi[b] = mn, mx
	}
	// mid is each block's black point, -1 for a block too flat to have
	// one of its own.
	var mid [2 * localBlockShare]int
	for b := range blocks {
		mn, mx := lo[b], hi[b]
		if b > 0 {
			mn, mx = min(mn, lo[b-1]), max(mx, hi[b-1])
		}
		if b+1 < blocks {
			mn, mx = min(mn, lo[b+1]), max(mx, hi[b+1])
		}
		mid[b] = -1
		if int(mx)-int(mn) >= minLocalRange {
			mid[b] = (int(mn) + int(mx)) / 2
			// Where the row's black point lies within the range it
			// finds the edges there too, if off the middle: a uniform
			// growth of the bars moves no edge-to-similar-edge
			// distance. Where it lies outside, the blocks are one run.
			differs = differs || black < int(mn) || black > int(mx)
		}
	}
	if !differs {
		return buf[:0], false
	}
	// A flat block (a quiet zone, the inside of a wide bar) takes the
	// black point of the blocks with contrast on either side of it,
	// weighted by their nearness: paper in a shadow is light beside the
	// symbol in the same shadow.
	last := -1 // the last block with a black point of its own
	for b := 0; b <= blocks; b++ {
		if b < blocks && mid[b] < 0 {
			continue
		}
		for f := last + 1; f < b; f++ {
			switch {
			case last < 0:
				mid[f] = mid[b]
			case b == blocks:
				mid[f] = mid[last]
			default:
				mid[f] = (mid[last]*(b-f) + mid[b]*(f-last)) / (b - last)
			}
		}
		last = b
	}
	buf = scrub.Room(buf, w)[:w] // a narrower view's row's black points, outgrown, cleared
	// Before the first block's centre and after the last one's, the
	// black point of that block; between the centres of blocks b and
	// b+1, t pixels past b's, the one between theirs.
	half := size / 2
	for x := range min(half, w) {
		buf[x] = int16(mid[0])
	}
	for b := 0; b+1 < blocks; b++ {
		from := b*size + half
		if from >= w {
			break
		}
		// (m0·(size−t) + m1·t)/size, none of it negative, stepped a
		// pixel at a time as a quotient q and remainder r of size: each
		// step adds m1−m0, dq sizes and dr.
		m0, m1 := mid[b], mid[b+1]
		end := min(w, from+size)
		if m0 == m1 {
			for x := from; x < end; x++ {
				buf[x] = int16(m0)
			}
			continue
		}
		d := m1 - m0
		dq, dr := d/size, d%size
		if dr < 0 {
			dq, dr = dq-1, dr+size
		}
		q, r := m0, 0
		for x := from; x < end; x++ {
			buf[x] = int16(q)
			q, r = q+dq, r+dr
			if r >= size {
				q, r = q+1, r-size
			}
		}
	}
	for x := max(half, (blocks-1)*size+half); x < w; x++ {
		buf[x] = int16(mid[blocks-1])
	}
	return buf, true
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
	// last is the line Line measured last, for Blurred.
	last []byte
}

var _ databar.BlurredLines = (*grayLines)(nil)

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
		avg := append(scrub.Room(g.avg, w), lum...) // a narrower view's, outgrown, cleared
		for x := range avg {
			avg[x] = byte((int(above[x]) + 2*int(lum[x]) + int(below[x]) + 2) >> 2)
		}
		g.avg, lum = avg, avg
	}
	g.last = lum
	if !g.rows.measure(lum) {
		return buf, false
	}
	return g.runs(buf), true
}

// Blurred measures the line Line gave last again at its mid-range black
// point, when that lies well below its histogram's and splits it into
// half as many edges again (blurredBlack, rowScanner.splitsAt): blurred
// along it, as the rows the row scan reads again so.
func (g *grayLines) Blurred(buf []int) ([]int, bool) {
	lum, s := g.last, &g.rows
	if len(lum) < 3 || len(s.fwd) < 2 {
		return buf, false
	}
	mid, ok := blurredBlack(&s.buckets, s.lastBlack, len(lum))
	if !ok || !s.splitsAt(lum, mid) {
		return buf, false
	}
	s.given, s.givenBlack = true, mid
	ok = s.measure(lum)
	s.given = false
	if !ok {
		return buf, false
	}
	return g.runs(buf), true
}

// runs appends the widths of the row measured last to buf[:0].
func (g *grayLines) runs(buf []int) []int {
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
	return out
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
	g.src, g.last = nil, nil
}

// splitsAt tells whether the row last measured, lum at its histogram's
// black point, has at least half as many edges again at black: a row of bars
// blurred along it (blurredBlack) does, its narrow spaces between wider
// bars crossing the mid-range black point only, where texture and text
// change about as often at either. The count costs a look at the row's
// sharpened levels, a fraction of measuring it.
func (s *rowScanner) splitsAt(lum []byte, black int) bool {
	n, _ := sharpEdges(lum, black, s.edgeAt[:len(lum)])
	return 2*n >= 3*(len(s.fwd)-2)
}

// blurredBlack returns the black point halfway between the darkest and the
// lightest levels of a row of n pixels whose histogram is buckets (each
// the darkest or lightest bucket holding a 64th of the row, so that specks
// of noise do not count), when the row looks blurred along it: that
// mid-range black point, the global threshold of ISO/IEC 15416's scan
// reflectance profile, lies a seventh of the row's range or more below
// the histogram's black point black. Blurred across them, narrow bars and
// spaces between wider ones swing round the mid-range level without
// reaching ink or paper; their gray levels, many, make the histogram's
// dark peak there, and its black point, the valley nearest the light one,
// falls above the narrow spaces. (In the robustness suite's 1D symbols
// the middle row's mid-range black point lies 0.08 to 0.12 of its range
// below the histogram's unblurred, mostly 0.15 to 0.33 below it smeared
// over a module and a half.)
func blurredBlack(buckets *[histogramBuckets]int, black, n int) (int, bool) {
	floor := max(1, n/64)
	lo, hi := 0, histogramBuckets-1
	for lo < hi && buckets[lo] < floor {
		lo++
	}
	for hi > lo && buckets[hi] < floor {
		hi--
	}
	mid := (lo + hi + 1) << histogramShift / 2
	if 7*(black-mid) < (hi-lo)<<histogramShift {
		return 0, false
	}
	return mid, true
}
