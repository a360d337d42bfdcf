package scanner

import (
	"image"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// croppedBitmap returns the rectangle r of a pass's view as a bitmap of its
// own: the luminance cropped, and the pass's binarized image m cropped (with
// the symbols found painted out, as they are in m), so that a reader
// searches only r, and the cropped luminance. It reports false when the
// view cannot be cropped. m's rows are read from rows when they are of m
// (rows may be nil).
func croppedBitmap(src gozxing.LuminanceSource, m *gozxing.BitMatrix, r image.Rectangle, rows *bitrow.SharedRows) (*gozxing.BinaryBitmap, gozxing.LuminanceSource, bool) {
	r = r.Intersect(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	if r.Empty() || !src.IsCropSupported() {
		return nil, nil, false
	}
	lum, err := src.Crop(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	if err != nil {
		return nil, nil, false
	}
	c, err := gozxing.NewBitMatrix(r.Dx(), r.Dy())
	if err != nil {
		return nil, nil, false
	}
	var in bitrow.Rows
	in.OfShared(m, rows)
	out := gozxing.NewBitArray(r.Dx())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copyBits(out.GetBitArray(), in.Row(y), r.Min.X, r.Dx())
		c.SetRow(y-r.Min.Y, out)
	}
	in.Done() // image data, as the frame is
	clear(out.GetBitArray())
	bm, err := gozxing.NewBinaryBitmap(&matrixBinarizer{src: lum, m: c})
	if err != nil {
		return nil, nil, false
	}
	return bm, lum, true
}

// copyBits sets dst to the n bits of src from bit from on; bits of dst past
// n are cleared.
func copyBits(dst, src []uint32, from, n int) {
	shift := uint(from % 32)
	w := from / 32
	for j := range dst {
		var v uint32
		if w+j < len(src) {
			v = src[w+j] >> shift
		}
		if shift != 0 && w+j+1 < len(src) {
			v |= src[w+j+1] << (32 - shift)
		}
		dst[j] = v
	}
	if rem := n % 32; rem != 0 && n/32 < len(dst) {
		dst[n/32] &= 1<<uint(rem) - 1
	}
}

// matrixBinarizer hands out a binarized image made already.
type matrixBinarizer struct {
	src gozxing.LuminanceSource
	m   *gozxing.BitMatrix
}

var _ gozxing.Binarizer = (*matrixBinarizer)(nil)

func (b *matrixBinarizer) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *matrixBinarizer) GetWidth() int                               { return b.m.GetWidth() }
func (b *matrixBinarizer) GetHeight() int                              { return b.m.GetHeight() }

// GetBlackMatrix returns the image.
func (b *matrixBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) { return b.m, nil }

// GetBlackRow returns row y of the image.
func (b *matrixBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return b.m.GetRow(y, row), nil
}

// CreateBinarizer returns a hybrid binarizer for src: a new view has no
// binarized image yet.
func (b *matrixBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newHybridBinarizer(src)
}
