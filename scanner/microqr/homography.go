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

// fitAffine fits the best affine map (a homography without perspective
// terms) in the least squares sense. Over a symbol as small as Micro QR,
// an affine fit to points along two edges extrapolates to the far corner
// far more steadily than a full homography.
func fitAffine(pts []correspondence) (homography, bool) {
	var a [3][3]float64
	var bu, bv [3]float64
	for _, p := range pts {
		row := [3]float64{p.x, p.y, 1}
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				a[i][j] += row[i] * row[j]
			}
			bu[i] += row[i] * p.u
			bv[i] += row[i] * p.v
		}
	}
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	if math.Abs(det) < 1e-9 {
		return homography{}, false
	}
	solve := func(b [3]float64) [3]float64 {
		var x [3]float64
		for k := 0; k < 3; k++ {
			m := a
			for i := 0; i < 3; i++ {
				m[i][k] = b[i]
			}
			x[k] = (m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])) / det
		}
		return x
	}
	u, v := solve(bu), solve(bv)
	return homography{u[0], u[1], u[2], v[0], v[1], v[2], 0, 0}, true
}

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
