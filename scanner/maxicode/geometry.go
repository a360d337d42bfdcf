package maxicode

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
)

// outerRing is the nominal radius of the outer edge of the outer dark ring,
// in module widths (ISO/IEC 16023 §4.2.2), the unit of the fitted ellipse.
// Printers draw the inner rings differently; the outer edge varies least.
const outerRing = 4.45

// frame maps symbol coordinates (module widths from the bullseye centre,
// x right, y down, symbol upright) to image coordinates: an affine map
// from the fitted bullseye ellipse, a rotation and a scale.
type frame struct {
	cx, cy   float64
	s        [2][2]float64 // ellipse map: unit circle to the outer ring's outer edge
	cos, sin float64
	scale    float64 // 1/modules per outer ring radius
	aspect   float64 // row pitch correction
	mirror   bool
	// h, when set, replaces the affine map: symbol coordinates with rows
	// scaled by aspect go straight to the image.
	h *homography
}

func (f *frame) point(x, y float64) (float64, float64) {
	if f.mirror {
		x = -x
	}
	y *= f.aspect
	if f.h != nil {
		return f.h.Apply(x, y)
	}
	u := (f.cos*x - f.sin*y) * f.scale
	v := (f.sin*x + f.cos*y) * f.scale
	return f.cx + f.s[0][0]*u + f.s[0][1]*v, f.cy + f.s[1][0]*u + f.s[1][1]*v
}

// modulePoint is the image position of the centre of grid module (row, col).
func (f *frame) modulePoint(row, col int) (float64, float64) {
	x := float64(col-centerCol) + 0.5*float64(row&1)
	y := float64(row-centerRow) * rowPitch
	return f.point(x, y)
}

// corners returns the symbol's corners, top-left, bottom-left,
// bottom-right, top-right.
func (f *frame) corners() []gozxing.ResultPoint {
	half := 16*rowPitch + 1/math.Sqrt(3)
	pts := [4][2]float64{{-14.5, -half}, {-14.5, half}, {15.5, half}, {15.5, -half}}
	out := make([]gozxing.ResultPoint, 4)
	for i, p := range pts {
		x, y := f.point(p[0], p[1])
		out[i] = gozxing.NewResultPoint(x, y)
	}
	return out
}

// fitEllipse casts rays from a bullseye centre, finds the outer edge of
// the outer ring along each and fits the ellipse through those points,
// refining the centre. It returns false when too few rays cross all three
// rings, or too few of their edges lie on the fitted ellipse.
//
// The second test is what tells rings from other things that cross a ray
// six times: square rings (an Aztec finder) put the edges of the diagonal
// rays 40 % farther out than those of the axial ones, and texture puts
// them anywhere; a circle seen in perspective puts them all on an ellipse.
// An edge more than half a ring off the first fit (a data module touching
// the ring where the test below missed it) is dropped and the ellipse
// fitted again without it.
func fitEllipse(bm *gozxing.BitMatrix, b bullseye) (cx, cy float64, s [2][2]float64, ok bool) {
	const rays = 32
	var pts [rays][2]float64
	n := 0
	limit := b.unit * 16
	for i := 0; i < rays; i++ {
		a := 2 * math.Pi * float64(i) / rays
		dx, dy := math.Cos(a), math.Sin(a)
		var edge [6]float64
		k := 0
		want := true
		for t := 0.0; t < limit && k < 6; t += 0.5 {
			if dark(bm, b.x+dx*t, b.y+dy*t) == want {
				edge[k] = t
				k++
				want = !want
			}
		}
		if k < 6 {
			continue
		}
		// The outer edge, unless a module beyond touches the ring: then
		// its inner edge plus the middle ring's width.
		t := edge[5]
		if w := edge[3] - edge[2]; edge[5]-edge[4] > 1.6*w {
			t = edge[4] + w
		}
		pts[n] = [2]float64{dx * t, dy * t}
		n++
	}
	need := rays * 3 / 4
	if n < need { // few rays crossed all rings
		return 0, 0, s, false
	}
	x0, y0, m, ok := fitConic(pts[:n])
	if !ok {
		return 0, 0, s, false
	}
	// Keep the edges within half a ring (and a pixel, the edges' own
	// precision) of the ellipse, and fit again through them alone.
	tol := math.Max(b.unit/2, 1)
	in := 0
	for _, p := range pts[:n] {
		dx, dy := p[0]-x0, p[1]-y0
		q := dx*(m[0][0]*dx+m[0][1]*dy) + dy*(m[1][0]*dx+m[1][1]*dy)
		if q <= 0 {
			continue
		}
		if d := math.Hypot(dx, dy); math.Abs(d-d/math.Sqrt(q)) <= tol {
			pts[in] = p
			in++
		}
	}
	if in < need {
		return 0, 0, s, false
	}
	if in < n {
		if x0, y0, m, ok = fitConic(pts[:in]); !ok {
			return 0, 0, s, false
		}
	}
	s, ok = invSqrt(m)
	return b.x + x0, b.y + y0, s, ok
}

// fitConic fits the ellipse a x² + b xy + c y² + d x + e y = 1 through
// points by least squares, and returns its centre and the matrix M with
// (p-centre)ᵀ M (p-centre) = 1 on it.
func fitConic(pts [][2]float64) (x0, y0 float64, m [2][2]float64, ok bool) {
	var ata [5][5]float64
	var atb [5]float64
	for _, p := range pts {
		x, y := p[0], p[1]
		row := [5]float64{x * x, x * y, y * y, x, y}
		for i := 0; i < 5; i++ {
			for j := 0; j < 5; j++ {
				ata[i][j] += row[i] * row[j]
			}
			atb[i] += row[i]
		}
	}
	if !geom.Solve(ata[:], atb[:], 1e-12) {
		return 0, 0, m, false
	}
	sol := atb
	m = [2][2]float64{{sol[0], sol[1] / 2}, {sol[1] / 2, sol[2]}}
	det := m[0][0]*m[1][1] - m[0][1]*m[1][0]
	if det <= 0 || m[0][0] <= 0 {
		return 0, 0, m, false
	}
	// Centre: solve 2 M x0 = -g.
	gx, gy := sol[3], sol[4]
	x0 = -(m[1][1]*gx - m[0][1]*gy) / (2 * det)
	y0 = -(-m[1][0]*gx + m[0][0]*gy) / (2 * det)
	k := 1 + x0*(m[0][0]*x0+m[0][1]*y0) + y0*(m[1][0]*x0+m[1][1]*y0)
	if k <= 0 {
		return 0, 0, m, false
	}
	for i := range m {
		for j := range m[i] {
			m[i][j] /= k
		}
	}
	return x0, y0, m, true
}

// invSqrt returns M^(-1/2) of a symmetric positive definite 2x2 matrix.
func invSqrt(m [2][2]float64) ([2][2]float64, bool) {
	a, b, c := m[0][0], m[0][1], m[1][1]
	tr, det := a+c, a*c-b*b
	disc := math.Sqrt(math.Max(0, tr*tr/4-det))
	l1, l2 := tr/2+disc, tr/2-disc
	if l2 <= 0 {
		return [2][2]float64{}, false
	}
	// Eigenvector of l1.
	var vx, vy float64
	if math.Abs(b) > 1e-12 {
		vx, vy = l1-c, b
	} else if a >= c {
		vx, vy = 1, 0
	} else {
		vx, vy = 0, 1
	}
	nrm := math.Hypot(vx, vy)
	vx, vy = vx/nrm, vy/nrm
	r1, r2 := 1/math.Sqrt(l1), 1/math.Sqrt(l2)
	// V diag(r1, r2) Vᵀ with V = [v, v⊥].
	return [2][2]float64{
		{r1*vx*vx + r2*vy*vy, (r1 - r2) * vx * vy},
		{(r1 - r2) * vx * vy, r1*vy*vy + r2*vx*vx},
	}, true
}
