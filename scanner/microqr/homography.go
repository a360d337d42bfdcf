package microqr

import "math"

// homography maps symbol coordinates (x = column, y = row, in modules, the
// symbol's top-left corner at 0,0) to image coordinates.
type homography [8]float64

func (h *homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + 1
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// correspondence pairs a symbol point with the image point it shows at.
type correspondence struct{ x, y, u, v float64 }

// fitHomography solves for the homography that best maps the symbol
// points onto the image points, in the least squares sense of the linear
// equations (at least four points, not three on a line).
func fitHomography(pts []correspondence) (homography, bool) {
	var a [8][8]float64
	var b [8]float64
	add := func(row [8]float64, rhs float64) {
		for i := 0; i < 8; i++ {
			for j := 0; j < 8; j++ {
				a[i][j] += row[i] * row[j]
			}
			b[i] += row[i] * rhs
		}
	}
	for _, p := range pts {
		add([8]float64{p.x, p.y, 1, 0, 0, 0, -p.x * p.u, -p.y * p.u}, p.u)
		add([8]float64{0, 0, 0, p.x, p.y, 1, -p.x * p.v, -p.y * p.v}, p.v)
	}
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-9 {
			return homography{}, false
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < 8; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < 8; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var h homography
	for r := 7; r >= 0; r-- {
		v := b[r]
		for c := r + 1; c < 8; c++ {
			v -= a[r][c] * h[c]
		}
		h[r] = v / a[r][r]
	}
	for _, v := range h {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return homography{}, false
		}
	}
	return h, true
}
