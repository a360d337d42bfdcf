package pdf417

import "github.com/makiuchi-d/gozxing"

// rotation names the four ways a symbol can lie in an image. The detector
// always looks for an upright symbol (start pattern on the left, rows
// horizontal) in a view of the image turned by one of these.
type rotation uint8

const (
	rot0   rotation = iota // the image as it is
	rot90                  // rows run down the image: see toImage
	rot180                 // upside down
	rot270
)

// view is the image seen turned by a rotation, without copying it.
type view struct {
	m      *gozxing.BitMatrix
	rot    rotation
	w, h   int // view size
	iw, ih int // image size
}

func newView(m *gozxing.BitMatrix, rot rotation) view {
	v := view{m: m, rot: rot, iw: m.GetWidth(), ih: m.GetHeight()}
	v.w, v.h = v.iw, v.ih
	if rot == rot90 || rot == rot270 {
		v.w, v.h = v.ih, v.iw
	}
	return v
}

// toImage maps view coordinates to image coordinates. For rot90 the view's
// rows are the image's columns read top to bottom, so a symbol whose rows run
// downwards in the image (turned 90° clockwise) is upright in the view.
func (v view) toImage(x, y float64) (float64, float64) {
	switch v.rot {
	case rot90:
		return float64(v.iw) - y, x
	case rot180:
		return float64(v.iw) - x, float64(v.ih) - y
	case rot270:
		return y, float64(v.ih) - x
	}
	return x, y
}

// get reports whether the view pixel (x, y) is dark; outside is light.
func (v view) get(x, y int) bool {
	if x < 0 || y < 0 || x >= v.w || y >= v.h {
		return false
	}
	switch v.rot {
	case rot90:
		return v.m.Get(v.iw-1-y, x)
	case rot180:
		return v.m.Get(v.iw-1-x, v.ih-1-y)
	case rot270:
		return v.m.Get(y, v.ih-1-x)
	}
	return v.m.Get(x, y)
}
