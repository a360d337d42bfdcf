package dotcode

import "github.com/makiuchi-d/gozxing"

// contrastRadius is the half-width of the window a pixel is compared
// with: wide enough to hold a few dots and the paper between them.
const contrastRadius = 8

// contrast binarizes a gray image for dots: a pixel is dark when it is
// darker than the mean of the window around it by a margin. Small faint
// dots, blurred or far from other ink, keep their centres where a block
// binarizer, seeing mostly paper, drops them. The buffers are the
// reader's, reused between images.
func (r *Reader) contrast(src gozxing.LuminanceSource) *gozxing.BitMatrix {
	w, h := src.GetWidth(), src.GetHeight()
	if r.dark == nil || r.dark.GetWidth() != w || r.dark.GetHeight() != h {
		r.dark, _ = gozxing.NewBitMatrix(w, h)
	} else {
		r.dark.Clear()
	}
	// Integral image: sum[y*(w+1)+x] holds the sum of the pixels above
	// and left of (x, y).
	stride := w + 1
	if n := stride * (h + 1); cap(r.sum) < n {
		r.sum = make([]uint32, n)
	} else {
		r.sum = r.sum[:n]
		clear(r.sum[:stride])
	}
	if cap(r.lum) < w*h {
		r.lum = make([]byte, w*h)
	}
	lum := r.lum[:w*h]
	for y := 0; y < h; y++ {
		row, err := src.GetRow(y, lum[y*w:(y+1)*w])
		if err != nil {
			return r.dark
		}
		copy(lum[y*w:(y+1)*w], row)
		var acc uint32
		base := (y + 1) * stride
		r.sum[base] = 0
		for x := 0; x < w; x++ {
			acc += uint32(row[x])
			r.sum[base+x+1] = r.sum[base-stride+x+1] + acc
		}
	}
	out := gozxing.NewBitArray(w)
	words := out.GetBitArray()
	for y := 0; y < h; y++ {
		y0, y1 := max(0, y-contrastRadius), min(h, y+contrastRadius+1)
		clear(words)
		for x := 0; x < w; x++ {
			x0, x1 := max(0, x-contrastRadius), min(w, x+contrastRadius+1)
			s := r.sum[y1*stride+x1] - r.sum[y0*stride+x1] - r.sum[y1*stride+x0] + r.sum[y0*stride+x0]
			n := uint32((y1 - y0) * (x1 - x0))
			v := uint32(lum[y*w+x])
			// Darker than the mean by 10 levels and by 1/12 of the mean.
			if 12*(v+10)*n < 11*s {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		r.dark.SetRow(y, out)
	}
	clear(lum) // a copy of the frame
	return r.dark
}
