package scanner

import (
	"encoding/binary"
	"errors"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// planeSource is a gozxing.LuminanceSource over a frame's gray plane, so the
// decoders read camera memory directly instead of an image.Image. It can view
// the plane cropped, inverted, or rotated a quarter turn counter-clockwise
// without copying it; only GetMatrix of an inverted or rotated view copies,
// into a scratch buffer the decoder owns and zeroes after each frame.
type planeSource struct {
	pix           []byte
	stride        int
	left, top     int // offset of the view in the plane
	width, height int // size of the view (after rotation)
	invert        bool
	rotated       bool // view is the plane turned 90° counter-clockwise
	scratch       *scratch
}

var _ gozxing.LuminanceSource = (*planeSource)(nil)

func newPlaneSource(f *Frame, s *scratch) *planeSource {
	return &planeSource{pix: f.Pix, stride: f.Stride, width: f.Width, height: f.Height, scratch: s}
}

func (p *planeSource) GetWidth() int  { return p.width }
func (p *planeSource) GetHeight() int { return p.height }

// GetRow copies row y of the view into row (allocated when too small:
// the row given, a narrower view's, is cleared, as the caller lets it go
// for the one returned).
func (p *planeSource) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= p.height {
		return nil, errors.New("luminance row out of range")
	}
	if len(row) < p.width {
		clear(row)
		row = make([]byte, p.width)
	}
	row = row[:p.width]
	if p.scratch != nil && (p.rotated || p.scratch.viewOf == p) {
		// A quarter-turned view's rows are the plane's columns, read a
		// pixel a stride apart; the view is turned once, and its rows
		// copied from there (as an inverted view's are, once its matrix
		// was asked for).
		copy(row, p.turned()[y*p.width:(y+1)*p.width])
		return row, nil
	}
	if p.rotated {
		// Row y of the counter-clockwise view is plane column (pw-1-y),
		// read downwards, where pw is the plane width (the view's height).
		x := p.left + p.height - 1 - y
		off := p.top*p.stride + x
		for i := range row {
			row[i] = p.pix[off]
			off += p.stride
		}
	} else {
		off := (p.top+y)*p.stride + p.left
		copy(row, p.pix[off:off+p.width])
	}
	if p.invert {
		invertBytes(row)
	}
	return row, nil
}

// invertBytes turns each gray level v of row into 255−v (all its bits
// flipped), eight at a time as a word, the last few one at a time.
func invertBytes(row []byte) {
	for len(row) >= 8 {
		binary.LittleEndian.PutUint64(row, ^binary.LittleEndian.Uint64(row))
		row = row[8:]
	}
	for i, v := range row {
		row[i] = ^v
	}
}

// LendRow returns row y of the view as the plane's own bytes, without
// copying, or nil when the view is rotated or inverted (its rows are not
// the plane's) or y is out of range. Callers never write to it.
func (p *planeSource) LendRow(y int) []byte {
	if p.rotated || p.invert || y < 0 || y >= p.height {
		return nil
	}
	off := (p.top+y)*p.stride + p.left
	return p.pix[off : off+p.width : off+p.width]
}

// GetMatrix returns the view as a tightly packed plane. A plain, uncropped,
// tightly packed view returns the frame's own bytes; callers never write to it.
func (p *planeSource) GetMatrix() []byte {
	if !p.invert && !p.rotated && p.left == 0 && p.top == 0 && p.stride == p.width &&
		len(p.pix) >= p.width*p.height {
		return p.pix[:p.width*p.height]
	}
	if p.scratch != nil && (p.rotated || p.invert) {
		return p.turned()
	}
	out := p.scratch.matrix(p.width * p.height)
	for y := 0; y < p.height; y++ {
		p.GetRow(y, out[y*p.width:(y+1)*p.width])
	}
	return out
}

// turned returns the whole of a rotated or inverted view as a tightly
// packed plane, made once in the scratch buffer kept for it (whose view
// it is, viewOf says); callers never write to it.
func (p *planeSource) turned() []byte {
	s := p.scratch
	n := p.width * p.height
	if s.viewOf == p {
		return s.view[:n]
	}
	s.viewOf = nil // p.GetRow reads the plane while it is made
	out := s.bytes(&s.view, n)
	if p.rotated {
		p.turnInto(out)
	} else {
		for y := 0; y < p.height; y++ {
			p.GetRow(y, out[y*p.width:(y+1)*p.width])
		}
	}
	s.viewOf = p
	return out
}

// turnInto writes the quarter-turned view into out: view row y is plane
// column left+height-1-y read downwards. The plane is read along its rows,
// eight pixels a word, in blocks of 8×8 pixels transposed in registers
// and written eight pixels a word; the columns and rows
// left over at the region's edges are copied a pixel at a time.
func (p *planeSource) turnInto(out []byte) {
	w, h := p.width, p.height // of the view: the plane region is h wide, w tall
	var flip uint64           // what inverting XORs into eight pixels
	if p.invert {
		flip = ^uint64(0)
	}
	// at returns plane row top+x of the region, h pixels from left.
	at := func(x int) []byte {
		off := (p.top+x)*p.stride + p.left
		return p.pix[off : off+h]
	}
	x := 0
	for ; x+8 <= w; x += 8 {
		rows := [8][]byte{at(x), at(x + 1), at(x + 2), at(x + 3), at(x + 4), at(x + 5), at(x + 6), at(x + 7)}
		c := 0 // the region's column, view row h-1-c
		for ; c+8 <= h; c += 8 {
			b0 := binary.LittleEndian.Uint64(rows[0][c:c+8]) ^ flip
			b1 := binary.LittleEndian.Uint64(rows[1][c:c+8]) ^ flip
			b2 := binary.LittleEndian.Uint64(rows[2][c:c+8]) ^ flip
			b3 := binary.LittleEndian.Uint64(rows[3][c:c+8]) ^ flip
			b4 := binary.LittleEndian.Uint64(rows[4][c:c+8]) ^ flip
			b5 := binary.LittleEndian.Uint64(rows[5][c:c+8]) ^ flip
			b6 := binary.LittleEndian.Uint64(rows[6][c:c+8]) ^ flip
			b7 := binary.LittleEndian.Uint64(rows[7][c:c+8]) ^ flip
			// The 8×8 bytes transposed, byte j of bi becoming byte i of
			// bj: the off-diagonal 4×4 blocks swap, then the 2×2 blocks
			// within each, then single bytes.
			b0, b4 = swapBlocks(b0, b4, 32, 0x00000000ffffffff)
			b1, b5 = swapBlocks(b1, b5, 32, 0x00000000ffffffff)
			b2, b6 = swapBlocks(b2, b6, 32, 0x00000000ffffffff)
			b3, b7 = swapBlocks(b3, b7, 32, 0x00000000ffffffff)
			b0, b2 = swapBlocks(b0, b2, 16, 0x0000ffff0000ffff)
			b1, b3 = swapBlocks(b1, b3, 16, 0x0000ffff0000ffff)
			b4, b6 = swapBlocks(b4, b6, 16, 0x0000ffff0000ffff)
			b5, b7 = swapBlocks(b5, b7, 16, 0x0000ffff0000ffff)
			b0, b1 = swapBlocks(b0, b1, 8, 0x00ff00ff00ff00ff)
			b2, b3 = swapBlocks(b2, b3, 8, 0x00ff00ff00ff00ff)
			b4, b5 = swapBlocks(b4, b5, 8, 0x00ff00ff00ff00ff)
			b6, b7 = swapBlocks(b6, b7, 8, 0x00ff00ff00ff00ff)
			// bj is region column c+j down rows x..x+7: view row h-1-c-j.
			o := (h-1-c)*w + x
			binary.LittleEndian.PutUint64(out[o:o+8], b0)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b1)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b2)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b3)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b4)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b5)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b6)
			o -= w
			binary.LittleEndian.PutUint64(out[o:o+8], b7)
		}
		for ; c < h; c++ {
			dst := out[(h-1-c)*w+x : (h-1-c)*w+x+8]
			for i, r := range rows {
				dst[i] = r[c] ^ byte(flip)
			}
		}
	}
	for ; x < w; x++ {
		r := at(x)
		for c, v := range r {
			out[(h-1-c)*w+x] = v ^ byte(flip)
		}
	}
}

// swapBlocks swaps the bits of a selected by mask<<shift with those of b
// selected by mask.
func swapBlocks(a, b uint64, shift uint, mask uint64) (uint64, uint64) {
	t := (a>>shift ^ b) & mask
	return a ^ t<<shift, b ^ t
}

func (p *planeSource) IsCropSupported() bool { return !p.rotated }

func (p *planeSource) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	if p.rotated {
		return nil, errors.New("crop of a rotated view is not supported")
	}
	if left < 0 || top < 0 || width <= 0 || height <= 0 || left+width > p.width || top+height > p.height {
		return nil, errors.New("crop rectangle does not fit the image")
	}
	c := *p
	c.left, c.top, c.width, c.height = p.left+left, p.top+top, width, height
	return &c, nil
}

func (p *planeSource) Invert() gozxing.LuminanceSource {
	c := *p
	c.invert = !p.invert
	return &c
}

func (p *planeSource) IsRotateSupported() bool { return !p.rotated }

func (p *planeSource) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	if p.rotated {
		return nil, errors.New("a rotated view cannot be rotated again")
	}
	c := *p
	c.rotated = true
	c.width, c.height = p.height, p.width
	return &c, nil
}

func (p *planeSource) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errors.New("rotation by 45 degrees is not supported")
}

func (p *planeSource) String() string { return gozxing.LuminanceSourceString(p) }

// scratch holds the buffers one decoder reuses from frame to frame. They
// contain image data while a frame is decoded, so wipe zeroes them when the
// frame is done, like the frame itself.
type scratch struct {
	mat    []byte
	half   []byte
	double []byte
	// box holds the double-size copy of a box of a view that a reader
	// reads again (see decoder.readDoubled).
	box []byte
	// slant holds a region of a view and its copy turned (see
	// decoder.turned).
	slant []byte
	// The hybrid binarizer's black point and threshold per block, and the
	// binarized images of the passes, by size (see binarizer.go).
	blackPts, thresholds []int
	bits                 []*gozxing.BitMatrix
	// The binarizer's block rows (wiped after each use).
	blocks blockBuffers
	// view holds the whole of viewOf, a rotated or inverted view, as a
	// plane (see planeSource.turned).
	view   []byte
	viewOf *planeSource
	used   bool
	// keepRows, while set, keeps the rows of the matrix a binarizer
	// builds as they are set, primed for the readers (see
	// bitrow.SharedRows.Prime); the decoder sets it for a pass's image
	// alone, while the shared rows are bound to no other.
	keepRows *bitrow.SharedRows
}

// ints returns (*b)[:n], growing *b as needed.
func (s *scratch) ints(b *[]int, n int) []int {
	if cap(*b) < n {
		*b = make([]int, n)
	}
	*b = (*b)[:max(len(*b), n)] // as bytes keeps it
	s.used = true
	return (*b)[:n]
}

// maxBitMatrices bounds the binarized images kept: the frame's, and its
// quarter turn's and half size's.
const maxBitMatrices = 3

// bitMatrix returns a w×h bit matrix kept from an earlier pass or frame,
// or a new one. Its bits are left as they are: the caller sets every row.
func (s *scratch) bitMatrix(w, h int) (*gozxing.BitMatrix, error) {
	s.used = true
	for i, m := range s.bits {
		if m.GetWidth() == w && m.GetHeight() == h {
			// The latest used first.
			copy(s.bits[1:i+1], s.bits[:i])
			s.bits[0] = m
			return m, nil
		}
	}
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	if len(s.bits) < maxBitMatrices {
		s.bits = append(s.bits, nil)
	}
	copy(s.bits[1:], s.bits)
	s.bits[0] = m
	return m, nil
}

func (s *scratch) matrix(n int) []byte { return s.bytes(&s.mat, n) }

func (s *scratch) halfPlane(n int) []byte { return s.bytes(&s.half, n) }

func (s *scratch) doublePlane(n int) []byte { return s.bytes(&s.double, n) }

func (s *scratch) slantPlane(n int) []byte { return s.bytes(&s.slant, n) }

func (s *scratch) boxPlane(n int) []byte { return s.bytes(&s.box, n) }

// bytes returns (*b)[:n], growing *b as needed. The length of *b is the
// most handed out since the last wipe, which clears that much: the rest
// of the buffer was never written since it was last cleared (a frame
// smaller than the largest one the worker met, in a batch of files of
// many sizes, clears its own size, not the largest).
func (s *scratch) bytes(b *[]byte, n int) []byte {
	if cap(*b) < n {
		*b = make([]byte, n)
	}
	*b = (*b)[:max(len(*b), n)]
	s.used = true
	return (*b)[:n]
}

func (s *scratch) wipe() {
	if !s.used {
		return
	}
	// What was handed out since the last wipe (see bytes).
	for _, b := range s.planes() {
		clear(*b)
		*b = (*b)[:0]
	}
	s.viewOf = nil
	for _, b := range s.intBuffers() {
		clear(*b)
		*b = (*b)[:0]
	}
	for _, m := range s.bits {
		m.Clear()
	}
	s.used = false
}

// planes and intBuffers are the scratch's byte and int buffers, for wipe
// and trim.
func (s *scratch) planes() [6]*[]byte {
	return [6]*[]byte{&s.mat, &s.half, &s.double, &s.box, &s.slant, &s.view}
}

func (s *scratch) intBuffers() [2]*[]int { return [2]*[]int{&s.blackPts, &s.thresholds} }

// trim lets go of the buffers larger than keep bytes, so that one large
// frame does not pin its buffers for the life of the worker; the
// buffers a frame of the usual size needs stay for the next one. The
// buffers must have been wiped.
func (s *scratch) trim(keep int) {
	for _, b := range s.planes() {
		if cap(*b) > keep {
			*b = nil
		}
	}
	for _, b := range s.intBuffers() {
		if cap(*b)*8 > keep {
			*b = nil
		}
	}
	s.bits = slices.DeleteFunc(s.bits, func(m *gozxing.BitMatrix) bool { return m.GetRowSize()*m.GetHeight()*4 > keep })
}
