// Package geom holds the plane geometry the symbol readers share: fitting
// the projective (or affine) map from a symbol's module grid to the image.
package geom

import "math"

// Homography maps symbol coordinates (x, y in modules) to image
// coordinates: a projective transform with its last coefficient fixed at 1.
type Homography [8]float64

// Apply maps (x, y) through the homography.
func (h *Homography) Apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + 1
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// Correspondence pairs a symbol point (X, Y) with the image point (U, V)
// it shows at.
type Correspondence struct{ X, Y, U, V float64 }

// FitHomography solves, in the least squares sense of its linear
// equations, for the homography that best maps the symbol points onto the
// image points. It needs at least four points, no three on a line.
func FitHomography(pts []Correspondence) (Homography, bool) {
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
		add([8]float64{p.X, p.Y, 1, 0, 0, 0, -p.X * p.U, -p.Y * p.U}, p.U)
		add([8]float64{0, 0, 0, p.X, p.Y, 1, -p.X * p.V, -p.Y * p.V}, p.V)
	}
	if !Solve(a[:], b[:], 1e-12) {
		return Homography{}, false
	}
	h := Homography(b)
	for _, v := range h {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Homography{}, false
		}
	}
	return h, true
}

// FitAffine fits the best affine map (a homography without perspective
// terms) in the least squares sense. Over a small symbol, an affine fit to
// points along two edges extrapolates to the far corner more steadily than
// a full homography.
func FitAffine(pts []Correspondence) (Homography, bool) {
	var a [3][3]float64
	var bu, bv [3]float64
	for _, p := range pts {
		row := [3]float64{p.X, p.Y, 1}
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				a[i][j] += row[i] * row[j]
			}
			bu[i] += row[i] * p.U
			bv[i] += row[i] * p.V
		}
	}
	det3 := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	det := det3(a)
	if math.Abs(det) < 1e-9 {
		return Homography{}, false
	}
	// Cramer's rule.
	solve := func(b [3]float64) [3]float64 {
		var x [3]float64
		for k := 0; k < 3; k++ {
			m := a
			for i := 0; i < 3; i++ {
				m[i][k] = b[i]
			}
			x[k] = det3(m) / det
		}
		return x
	}
	u, v := solve(bu), solve(bv)
	return Homography{u[0], u[1], u[2], v[0], v[1], v[2], 0, 0}, true
}
