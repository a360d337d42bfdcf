// Package rmqr reads rMQR (Rectangular Micro QR Code, ISO/IEC 23941:2022)
// symbols for scannerd: the 32 sizes R7x43 to R17x139 at error correction
// levels M and H. It finds the finder pattern, picks the orientation whose
// separator, timing pattern and quiet zone fit, reads the version
// information beside the finder, follows the timing patterns along the
// top, bottom and left edges to fit the grid, checks every function
// pattern, corrects errors with Reed–Solomon over GF(256) and decodes
// numeric, alphanumeric, byte and kanji data with ECI and FNC1.
//
// The Reader implements gozxing.Reader; one Reader serves one goroutine.
// A QR or Micro QR finder pattern is not an rMQR symbol: the version
// information, the function patterns, the quiet zone and the error
// correction must all agree.
package rmqr

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// Reader decodes rMQR symbols. Use NewReader; a Reader keeps scratch
// buffers and must not be shared between goroutines.
type Reader struct {
	// The adapter's Decode finds and decodes an rMQR symbol. TRY_HARDER scans every row and
	// also tries mirrored symbols.
	guard.Adapter
	rs      *reedsolomon.ReedSolomonDecoder
	finders qrfinder.Scanner
	grid    moduleGrid
	cw      []byte
	pts     []correspondence
	near    []correspondence
	// blocks holds a Reed–Solomon block's codewords as corrected and as
	// read (see correct).
	blocks [2 * maxBlock]int
	// small are the boxes round the finders of small modules whose
	// symbol did not decode, in the image searched last (see Small).
	small []image.Rectangle
	// What Wipe has to clear, written since the last Wipe: located,
	// the image points the edges and anchors were found at (pts,
	// near); sampled, the grid and the codewords of a symbol sampled
	// (cw, blocks).
	located, sampled bool
}

var _ gozxing.Reader = (*Reader)(nil)

// NewReader returns an rMQR reader.
func NewReader() *Reader {
	r := &Reader{rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)}
	r.Find = r.decode
	return r
}

// Wipe zeroes what the Reader keeps from the images it read since the
// last Wipe: where in them the symbols' timing patterns and anchors lay,
// the modules and codewords of the last symbol sampled (its content) and
// the boxes Small returns, which a caller reads after a search and so
// wipes only once done with them; and the finders its search found.
func (r *Reader) Wipe() {
	r.finders.Wipe()
	if r.located {
		clear(r.pts[:cap(r.pts)])
		clear(r.near[:cap(r.near)])
		r.located = false
	}
	if r.sampled {
		r.grid = moduleGrid{}
		clear(r.cw[:cap(r.cw)])
		clear(r.blocks[:])
		r.sampled = false
	}
	// The boxes are few (maxSmall an image): cleared whether or not a
	// search noted any since.
	clear(r.small[:cap(r.small)])
	r.small = r.small[:0]
}

func (r *Reader) decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) (out []*gozxing.Result, err error) {
	defer guard.Recover("rmqr", &out, &err)
	bm, err := guard.Matrix("rmqr", image)
	if err != nil {
		return nil, err
	}
	tryHarder := hint.TryHarder(hints)
	r.small = r.small[:0]
	return r.finders.Each(bm, hints, tryHarder, all, func(f qrfinder.Finder) (*gozxing.Result, error) {
		return r.decodeFinder(bm, f, hints, tryHarder)
	})
}

// Info is stored under gozxing.ResultMetadataType_OTHER: the symbol's size
// ("R7x43") and how many codewords were corrected.
type Info struct {
	Version         string
	ErrorsCorrected int
}

// smallModule is the module size, in pixels, under which a finder whose
// symbol did not decode is worth reading again at double size. With
// modules of two or three pixels, the binarized image places each edge to
// a pixel, a third to a half of a module: the version information and
// the timing patterns, one module wide, come out too ragged to follow,
// where at double size the threshold falls between interpolated samples.
const smallModule = 4

// maxSmall bounds the boxes of one image, so that a texture full of
// finder-like squares costs a bounded amount.
const maxSmall = 8

// Small returns the boxes, in pixels of the image searched last, that
// hold the symbols of its finders with modules under smallModule pixels
// which did not decode although an orientation's frame fits (quiet zone,
// separator, timing): what a reading of these boxes at double size may
// still decode. The slice is the Reader's, valid until its next search or
// Wipe.
func (r *Reader) Small() []image.Rectangle { return r.small }

// noteSmall keeps the box round the largest symbol that finder f could
// belong to in orientation h, clipped to the image.
func (r *Reader) noteSmall(bm *gozxing.BitMatrix, h *homography) {
	if len(r.small) >= maxSmall {
		return
	}
	// The map is fitted to the finder alone: its perspective, carried a
	// hundred modules on, may fold the plane. The box takes the affine
	// map of the finder's edges instead.
	ox, oy := h.Apply(0, 0)
	rx, ry := h.Apply(7, 0)
	dx, dy := h.Apply(0, 7)
	ux, uy, vx, vy := (rx-ox)/7, (ry-oy)/7, (dx-ox)/7, (dy-oy)/7
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	const quiet = 2
	for _, c := range [4][2]float64{{-quiet, -quiet}, {maxWidth + quiet, -quiet}, {maxWidth + quiet, maxHeight + quiet}, {-quiet, maxHeight + quiet}} {
		x, y := ox+c[0]*ux+c[1]*vx, oy+c[0]*uy+c[1]*vy
		minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
	}
	if math.IsNaN(minX + minY + maxX + maxY) {
		return
	}
	box := image.Rect(int(max(minX, -1)), int(max(minY, -1)), int(min(maxX, 1e6))+1, int(min(maxY, 1e6))+1).
		Intersect(image.Rect(0, 0, bm.GetWidth(), bm.GetHeight()))
	if box.Dx() < 8 || box.Dy() < 8 {
		return
	}
	for _, b := range r.small {
		if box.In(b) {
			return
		}
	}
	r.small = append(scrub.Grow(r.small, 1), box) // an array outgrown is cleared
}
