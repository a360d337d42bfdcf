package geom

import "math"

// Row is a row of a small square system: the readers solve systems of 3
// to 10 unknowns, on the stack.
type Row interface {
	~[3]float64 | ~[4]float64 | ~[5]float64 | ~[8]float64 | ~[9]float64 | ~[10]float64
}

// Solve solves the square system m·x = b (len(b) unknowns) by Gaussian
// elimination with partial pivoting, in place: m is overwritten and b
// becomes x. It reports false, leaving both in pieces, when a pivot is
// smaller than tiny: the system is singular, or too nearly so to trust.
func Solve[R Row](m []R, b []float64, tiny float64) bool {
	n := len(b)
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < tiny {
			return false
		}
		m[c], m[p] = m[p], m[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k < n; k++ {
				m[r][k] -= f * m[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	for r := n - 1; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < n; k++ {
			v -= m[r][k] * b[k]
		}
		b[r] = v / m[r][r]
	}
	return true
}
