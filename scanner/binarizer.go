package scanner

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// hybridBinarizer computes exactly what gozxing's HybridBinarizer does
// (ZXing's local-average binarizer): a black point per 8×8 block from its
// average, or for a flat block from its darkest pixel and its neighbours';
// each block thresholded at the mean black point of the 5×5 blocks round
// it; a pixel is dark when it is at or below the threshold of a block that
// covers it. It builds whole 32-bit words of the matrix at a time where
// gozxing sets each pixel's bit on its own, which makes it several times
// faster. Rows, and images too small for blocks, are binarized by the
// global histogram, as in gozxing.
type hybridBinarizer struct {
	*globalBinarizer
	matrix *gozxing.BitMatrix
	// s, when set, lends the blocks' arrays and the matrix, kept from
	// pass to pass and frame to frame (and wiped with it) instead of
	// allocated each time.
	s *scratch
}

var _ gozxing.Binarizer = (*hybridBinarizer)(nil)

func newHybridBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return &hybridBinarizer{globalBinarizer: newGlobalBinarizer(src).(*globalBinarizer)}
}

// newPassBinarizer is newHybridBinarizer with its arrays lent by s: for
// one pass's image at a time, whose matrix is cleared when the pass ends.
func newPassBinarizer(src gozxing.LuminanceSource, s *scratch) gozxing.Binarizer {
	return &hybridBinarizer{globalBinarizer: &globalBinarizer{src: src, s: s}, s: s}
}

// newCropBinarizer is newHybridBinarizer with the blocks' arrays lent by
// s (wiped with it) and a matrix of its own, of a crop's size, which its
// user clears: for a crop of a pass's view binarized on its own.
func newCropBinarizer(src gozxing.LuminanceSource, s *scratch) gozxing.Binarizer {
	return &hybridBinarizer{globalBinarizer: &globalBinarizer{src: src}, s: s}
}

// CreateBinarizer returns a binarizer of the same kind for src.
func (b *hybridBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newHybridBinarizer(src)
}

const (
	blockPower      = 3
	blockSize       = 1 << blockPower
	minDimension    = 5 * blockSize // smaller images take the global histogram
	minDynamicRange = 24            // a block with less contrast is flat
)

// GetBlackMatrix returns the binarized image, computed once.
func (b *hybridBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	src := b.GetLuminanceSource()
	w, h := src.GetWidth(), src.GetHeight()
	if w < minDimension || h < minDimension {
		m, err := b.globalBinarizer.GetBlackMatrix()
		if err != nil {
			return nil, err
		}
		b.matrix = m
		return m, nil
	}
	lum := src.GetMatrix()
	subW, subH := (w+blockSize-1)>>blockPower, (h+blockSize-1)>>blockPower
	var bp, thr []int
	var m *gozxing.BitMatrix
	var err error
	if b.s != nil {
		bp, thr = b.s.ints(&b.s.blackPts, subW*subH), b.s.ints(&b.s.thresholds, subW*subH)
	} else {
		bp, thr = make([]int, subW*subH), make([]int, subW*subH)
	}
	m, err = b.newMatrix(w, h)
	if err != nil {
		return nil, err
	}
	bb := &blockBuffers{}
	if b.s != nil {
		bb = &b.s.blocks
	}
	blockThresholds(thr, blackPoints(bp, lum, subW, subH, w, h, bb), subW, subH)
	// gozxing thresholds the last block row and column moved up and left
	// to fit the image, over the pixels of the row and column before them
	// too; but their thresholds are those of the row and column before
	// (the 5×5 window is held inside the image), so each pixel is simply
	// thresholded by the block it lies in.
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	tv := &bb.thr
	defer tv.wipe()
	var keep *bitrow.SharedRows
	if b.s != nil && b.s.keepRows != nil {
		keep = b.s.keepRows
		keep.Prime(m)
	}
	for y := 0; y < h; y++ {
		clear(words)
		by := y >> blockPower
		t := thr[by*subW : (by+1)*subW]
		if y&(blockSize-1) == 0 {
			tv.set(t, w)
		}
		// The pixels in whole groups of 32 in vector registers where
		// there are, the rest a block at a time.
		done := tv.row(lum[y*w:(y+1)*w], words)
		thresholdRow(lum[y*w:(y+1)*w], words, t, done>>blockPower)
		m.SetRow(y, row)
		if keep != nil {
			keep.Keep(y, words)
		}
	}
	clear(words)
	b.matrix = m
	return m, nil
}

// thresholdRow sets in words the bits of the pixels of one row that are at
// or below the threshold of their block, from block from on: a whole block
// of eight at a time (darkBits), the last, narrower one pixel by pixel.
func thresholdRow(pix []byte, words []uint32, thr []int, from int) {
	for bx := from; bx < len(thr); bx++ {
		t := thr[bx]
		x := bx << blockPower
		var bits uint32
		if x+blockSize <= len(pix) {
			bits = darkBits(binary.LittleEndian.Uint64(pix[x:x+blockSize]), t)
		} else {
			for i, v := range pix[x:] {
				// t-v is negative, its top bit set, when the pixel is light.
				bits |= (1 ^ uint32(uint(t-int(v))>>(bitsPerUint-1))) << i
			}
		}
		words[x>>5] |= bits << (x & 31)
	}
}

// darkBits returns one bit for each of the eight pixels packed in v, the
// first in the lowest byte, set when the pixel is at or below t: bit i for
// byte i. It compares them all at once and without branches (pixel data
// defeats branch prediction): in 16-bit lanes, four pixels at a time,
// 256+t-v keeps its bit 8 exactly when v <= t, and a multiplication
// gathers the eight bits, each of its terms landing on a bit of its own.
func darkBits(v uint64, t int) uint32 {
	const gather = 0x0102040810204080 // bit 8i to bit 56+i
	if t < 0 {
		return 0
	}
	tt := uint64(min(t, 255))*lanes16 | lanes8
	even := (tt - v&lanesFF) & lanes8   // pixels 0, 2, 4, 6 at bits 8, 24, 40, 56
	odd := (tt - v>>8&lanesFF) & lanes8 // pixels 1, 3, 5, 7 at bits 8, 24, 40, 56
	return uint32((even>>8 | odd) * gather >> 56)
}

const bitsPerUint = 32 << (^uint(0) >> 63)

// blackPoints sets bp, of subW·subH, to the black point of each block
// (row-major, subW per row), and returns it: the block's average when its pixels span more than minDynamicRange;
// otherwise half its darkest pixel, or, when that is darker than the black
// points of the blocks above and to the left suggest, their weighted mean.
// The last block row and column are moved up and left to fit the image.
//
// It reads a block row at once where vector registers do it
// (blackPointsRows), or word by word (blackPointsWords).
func blackPoints(bp []int, lum []byte, subW, subH, w, h int, bb *blockBuffers) []int {
	if blockRowVectors {
		return blackPointsRows(bp, lum, subW, subH, w, h, bb)
	}
	return blackPointsWords(bp, lum, subW, subH, w, h)
}

// blackPoint is the black point of block (bx, by), whose pixels average
// avg and go from lo to hi, the blocks before it in bp (subW a row): avg
// when the block is not flat; otherwise half its darkest pixel, or the
// weighted mean of the black points above and to the left when that is
// lighter.
func blackPoint(bp []int, subW, bx, by, lo, hi, avg int) int {
	if hi-lo > minDynamicRange {
		return avg
	}
	if by > 0 && bx > 0 {
		if nb := (bp[(by-1)*subW+bx] + 2*bp[by*subW+bx-1] + bp[(by-1)*subW+bx-1]) / 4; lo < nb {
			return nb
		}
	}
	return lo / 2
}

// blackPointsRows is blackPoints a block row at a time (blockRow).
func blackPointsRows(bp []int, lum []byte, subW, subH, w, h int, bb *blockBuffers) []int {
	// The whole blocks from the left edge, then the last one moved left
	// when the width is no multiple of the block's.
	words := w >> blockPower
	mins, maxs, sums := bb.rows(subW)
	sc := &bb.row
	defer sc.wipe()
	for by := 0; by < subH; by++ {
		y0 := min(by<<blockPower, h-blockSize)
		blockRow(lum, w, w, 0, y0, blockSize, false, mins[:words], maxs[:words], sums[:words], sc)
		if subW > words {
			blockRow(lum, w, w, w-blockSize, y0, blockSize, false, mins[words:], maxs[words:], sums[words:], sc)
		}
		for bx := range subW {
			lo, hi := int(mins[bx]), int(maxs[bx])
			avg := int(sums[bx]) >> (2 * blockPower)
			bp[by*subW+bx] = blackPoint(bp, subW, bx, by, lo, hi, avg)
		}
	}
	clear(mins)
	clear(maxs)
	clear(sums)
	return bp
}

// blackPointsWords is blackPoints a block at a time. A block's sum,
// darkest and lightest pixel are taken eight pixels at a time, the even
// and the odd ones in the 16-bit lanes of a word each.
func blackPointsWords(bp []int, lum []byte, subW, subH, w, h int) []int {
	for by := 0; by < subH; by++ {
		y0 := min(by<<blockPower, h-blockSize)
		for bx := 0; bx < subW; bx++ {
			x0 := min(bx<<blockPower, w-blockSize)
			at := y0*w + x0
			v := binary.LittleEndian.Uint64(lum[at : at+blockSize])
			loE, loO := v&lanesFF, v>>8&lanesFF
			hiE, hiO := loE, loO
			sum := loE + loO
			at += w
			v = binary.LittleEndian.Uint64(lum[at : at+blockSize])
			even, odd := v&lanesFF, v>>8&lanesFF
			sum += even + odd
			loE, hiE = lanesMin(loE, even), lanesMax(hiE, even)
			loO, hiO = lanesMin(loO, odd), lanesMax(hiO, odd)
			if spreadOver(hiE, loE)|spreadOver(hiO, loO)|spreadOver(hiE, loO)|spreadOver(hiO, loE) != 0 {
				// Two pixels of the first two rows, one above the
				// other or side by side, differ by more than
				// minDynamicRange: the block is not flat, and its black
				// point is its average, which needs no darkest and
				// lightest pixel. (Most blocks that are not flat show it
				// there: edges and texture.)
				for y := 2; y < blockSize; y++ {
					at += w
					v := binary.LittleEndian.Uint64(lum[at : at+blockSize])
					sum += v&lanesFF + v>>8&lanesFF
				}
				bp[by*subW+bx] = int(sum*lanes16>>48) >> (2 * blockPower)
				continue
			}
			for y := 2; y < blockSize; y++ {
				at += w
				v := binary.LittleEndian.Uint64(lum[at : at+blockSize])
				even, odd := v&lanesFF, v>>8&lanesFF
				sum += even + odd
				loE, hiE = lanesMin(loE, even), lanesMax(hiE, even)
				loO, hiO = lanesMin(loO, odd), lanesMax(hiO, odd)
			}
			lo, hi := 0xff, 0
			for k := 0; k < 64; k += 16 {
				lo = min(lo, int(loE>>k&0xff), int(loO>>k&0xff))
				hi = max(hi, int(hiE>>k&0xff), int(hiO>>k&0xff))
			}
			// The four lanes' sums, added into the top lane (at most
			// 64×255, well inside it).
			avg := int(sum*lanes16>>48) >> (2 * blockPower)
			bp[by*subW+bx] = blackPoint(bp, subW, bx, by, lo, hi, avg)
		}
	}
	return bp
}

// spreadOver returns, in bit 9 of a lane, whether hi's value exceeds lo's
// by more than minDynamicRange there: hi−lo+512−minDynamicRange−1 lies
// between 256 and 1022, at least 512 exactly then, and borrows from no
// other lane.
func spreadOver(hi, lo uint64) uint64 {
	return (hi + (512-minDynamicRange-1)*lanes16 - lo) & lanes9
}

// Words of four 16-bit lanes, each holding a value from 0 to 255.
const (
	lanes16 = 0x0001000100010001 // 1 in each lane
	lanesFF = 0x00ff00ff00ff00ff // 255 in each lane; the even bytes of a word
	lanes8  = 0x0100010001000100 // bit 8 of each lane
	lanes9  = 0x0200020002000200 // bit 9 of each lane
)

// lanesAtLeast returns 0xff in each lane where a's value is at least b's,
// 0 elsewhere: 256+a-b keeps its bit 8 exactly then, and borrows from no
// other lane.
func lanesAtLeast(a, b uint64) uint64 { return ((a | lanes8) - b) & lanes8 >> 8 * 0xff }

// lanesMin and lanesMax return the lesser and greater value of each lane.
func lanesMin(a, b uint64) uint64 { return a ^ (a^b)&lanesAtLeast(a, b) }
func lanesMax(a, b uint64) uint64 { return b ^ (a^b)&lanesAtLeast(a, b) }

// blockThresholds sets thr to each block's threshold, and returns it: the
// mean black point of the 5×5 blocks round it, the window held inside the
// image. The windows' sums are running sums, along the rows and then down
// the columns, where summing each window anew took 25 reads a block; bp
// (at least 5×5 blocks) is overwritten on the way.
func blockThresholds(thr, bp []int, subW, subH int) []int {
	// The sums of five blocks along each row, at the window centres
	// 2 … subW-3, in thr.
	for by := 0; by < subH; by++ {
		r, sums := bp[by*subW:(by+1)*subW], thr[by*subW:(by+1)*subW]
		sum := r[0] + r[1] + r[2] + r[3] + r[4]
		sums[2] = sum
		// The window at 3+i takes in block 5+i and leaves block i.
		at := sums[3 : subW-2]
		in, out := r[5:][:len(at)], r[:len(at)]
		for i := range at {
			sum += in[i] - out[i]
			at[i] = sum
		}
	}
	// Five of those down each column, at the window centres 2 … subH-3
	// of columns 2 … subW-3, in bp: running sums again, a row of them at
	// a time from the row above, each row sliced once.
	lo, hi := 2, subW-2
	rowOf := func(s []int, by int) []int { return s[by*subW+lo : by*subW+hi] }
	first := rowOf(bp, 2)
	copy(first, rowOf(thr, 0))
	for by := 1; by < 5; by++ {
		r := rowOf(thr, by)[:len(first)]
		for i := range first {
			first[i] += r[i]
		}
	}
	for by := 3; by <= subH-3; by++ {
		sums, above := rowOf(bp, by), rowOf(bp, by-1)
		in, out := rowOf(thr, by+2), rowOf(thr, by-3)
		above, in, out = above[:len(sums)], in[:len(sums)], out[:len(sums)]
		for i := range sums {
			sums[i] = above[i] + in[i] - out[i]
		}
	}
	// The windows' means.
	for by := 2; by <= subH-3; by++ {
		r := rowOf(bp, by)
		for i, s := range r {
			r[i] = s / 25
		}
	}
	// Each block's window is the nearest one held inside.
	for by := 0; by < subH; by++ {
		centre := bp[max(2, min(by, subH-3))*subW:][:subW]
		out := thr[by*subW : (by+1)*subW]
		out[0], out[1] = centre[2], centre[2]
		copy(out[lo:hi], centre[lo:hi])
		out[subW-2], out[subW-1] = centre[subW-3], centre[subW-3]
	}
	return thr
}

// globalBinarizer computes exactly what gozxing's GlobalHistogramBinarizer
// does (ZXing's histogram binarizer): a black point in the valley of a
// 32-bucket histogram between its two main peaks, of each row for
// GetBlackRow (through a -1 4 -1 sharpening filter) and of four sample rows
// for the whole image. It builds the row a word at a time, and reports a
// row without contrast with one shared error rather than a new exception,
// whose stack trace gozxing captures each time: in photos such rows are
// common.
type globalBinarizer struct {
	src     gozxing.LuminanceSource
	lum     []byte
	buckets [histogramBuckets]int
	// s, when set, lends the matrix (see newPassBinarizer).
	s *scratch
	// built is set once GetBlackMatrix made a matrix.
	built bool
}

var _ gozxing.Binarizer = (*globalBinarizer)(nil)

const (
	histogramShift   = 3 // 256 levels into 32 buckets
	histogramBuckets = 256 >> histogramShift
)

// errNoContrast is what a binarizer reports for a row or image whose
// histogram has no two distinct peaks.
var errNoContrast = gozxing.NewNotFoundException("no contrast")

func newGlobalBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return &globalBinarizer{src: src}
}

// newPassGlobalBinarizer is newGlobalBinarizer with its matrix lent by s,
// as newPassBinarizer's.
func newPassGlobalBinarizer(src gozxing.LuminanceSource, s *scratch) gozxing.Binarizer {
	return &globalBinarizer{src: src, s: s}
}

// newMatrix returns a w×h matrix for the binarized image: lent by the
// scratch space when there is one, its rows to be set every one.
func (b *globalBinarizer) newMatrix(w, h int) (*gozxing.BitMatrix, error) {
	if b.s != nil {
		return b.s.bitMatrix(w, h)
	}
	return gozxing.NewBitMatrix(w, h)
}

func (b *globalBinarizer) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *globalBinarizer) GetWidth() int                               { return b.src.GetWidth() }
func (b *globalBinarizer) GetHeight() int                              { return b.src.GetHeight() }

// CreateBinarizer returns a binarizer of the same kind for src.
func (b *globalBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newGlobalBinarizer(src)
}

// GetBlackRow binarizes row y into row, reused when it is wide enough.
func (b *globalBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	w := b.src.GetWidth()
	if row == nil || row.GetSize() < w {
		if row != nil {
			row.Clear() // a row of an earlier view, not left behind
		}
		row = gozxing.NewBitArray(w)
	} else {
		row.Clear()
	}
	if len(b.lum) < w {
		b.lum = make([]byte, w)
	}
	lum, err := b.src.GetRow(y, b.lum)
	if err != nil {
		return nil, err
	}
	lum = lum[:w]
	rowHistogram(lum, &b.buckets)
	black, ok := blackPointOf(&b.buckets)
	if !ok {
		return nil, errNoContrast
	}
	words := row.GetBitArray()
	if w < 3 {
		for x, v := range lum {
			if int(v) < black {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		return row, nil
	}
	sharpDarkBits(lum, black, words)
	return row, nil
}

// sharpDarkBits sets in words the bits of the pixels x of lum (1 ≤ x <
// len−1) dark after a -1 4 -1 sharpening filter (halved): where
// (4·lum[x]−lum[x−1]−lum[x+1])/2 is below black. Vector registers do the
// whole half words they can (sharpDarkWide), a pixel at a time the rest.
func sharpDarkBits(lum []byte, black int, words []uint32) {
	from, to := sharpDarkWide(lum, black, words)
	sharpDarkSpan(lum, black, words, 1, from)
	sharpDarkSpan(lum, black, words, to, len(lum)-1)
}

// sharpDarkSpan is sharpDarkBits for the pixels from x0 to x1 (not
// included), a pixel at a time.
func sharpDarkSpan(lum []byte, black int, words []uint32, x0, x1 int) {
	for x := x0; x < x1; x++ {
		f := (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
		words[x>>5] |= uint32(uint(f-black)>>(bitsPerUint-1)) << (x & 31)
	}
}

// GetBlackMatrix binarizes the whole image at the black point of four
// rows' middle three fifths.
func (b *globalBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	w, h := b.src.GetWidth(), b.src.GetHeight()
	if len(b.lum) < w {
		b.lum = make([]byte, w)
	}
	b.buckets = [histogramBuckets]int{}
	for k := 1; k < 5; k++ {
		lum, err := b.src.GetRow(h*k/5, b.lum)
		if err != nil {
			return nil, err
		}
		for _, v := range lum[w/5 : w*4/5] {
			b.buckets[v>>histogramShift]++
		}
	}
	black, ok := blackPointOf(&b.buckets)
	if !ok {
		return nil, errNoContrast
	}
	m, err := b.newMatrix(w, h)
	if err != nil {
		return nil, err
	}
	lum := b.src.GetMatrix()
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	var keep *bitrow.SharedRows
	if b.s != nil && b.s.keepRows != nil {
		keep = b.s.keepRows
		keep.Prime(m)
	}
	for y := 0; y < h; y++ {
		clear(words)
		pix := lum[y*w : (y+1)*w]
		x := darkWordsWide(pix, black, words)
		for ; x+8 <= w; x += 8 {
			words[x>>5] |= darkBits(binary.LittleEndian.Uint64(pix[x:x+8]), black-1) << (x & 31)
		}
		for ; x < w; x++ {
			words[x>>5] |= uint32(uint(int(pix[x])-black)>>(bitsPerUint-1)) << (x & 31)
		}
		m.SetRow(y, row)
		if keep != nil {
			keep.Keep(y, words)
		}
	}
	clear(words)
	b.built = true
	return m, nil
}

// rowHistogram sets buckets to the histogram of a row's pixels. Pixels
// side by side mostly fall in one bucket, and counting them all in one
// histogram would make each count wait for the one before: four
// histograms take every fourth pixel each, and are added up. The row is
// taken eight pixels at a time, sliced once for the eight, and each
// pixel's bucket is its level shifted as a word (a byte's shift would
// want widening again).
func rowHistogram(lum []byte, buckets *[histogramBuckets]int) {
	var h [4][histogramBuckets]int32
	for len(lum) >= 8 {
		p := lum[:8:8]
		h[0][uint(p[0])>>histogramShift]++
		h[1][uint(p[1])>>histogramShift]++
		h[2][uint(p[2])>>histogramShift]++
		h[3][uint(p[3])>>histogramShift]++
		h[0][uint(p[4])>>histogramShift]++
		h[1][uint(p[5])>>histogramShift]++
		h[2][uint(p[6])>>histogramShift]++
		h[3][uint(p[7])>>histogramShift]++
		lum = lum[8:]
	}
	for _, v := range lum {
		h[0][uint(v)>>histogramShift]++
	}
	for k := range buckets {
		buckets[k] = int(h[0][k]) + int(h[1][k]) + int(h[2][k]) + int(h[3][k])
	}
}

// blackPointOf finds the black point in a histogram: the tallest peak,
// the peak farthest from it weighted by its height, and between them the
// low valley nearest the lighter one; false when the peaks are too close
// for any contrast.
func blackPointOf(buckets *[histogramBuckets]int) (int, bool) {
	first, most := 0, 0 // the tallest peak, the first of its height
	for x, n := range buckets {
		if n > most {
			first, most = x, n
		}
	}
	second, secondScore := 0, 0
	for x, n := range buckets {
		d := x - first
		if score := n * d * d; score > secondScore {
			second, secondScore = x, score
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= histogramBuckets/16 {
		return 0, false
	}
	// The buckets between the peaks, sliced once, from the lighter peak
	// down: bucket first+k is k from the darker peak, len(between)+1-k
	// from the lighter one.
	between := buckets[first+1 : second]
	valley, valleyScore := second-1, -1
	for k := len(between); k >= 1; k-- {
		if score := k * k * (len(between) + 1 - k) * (most - between[k-1]); score > valleyScore {
			valley, valleyScore = first+k, score
		}
	}
	return valley << histogramShift, true
}
