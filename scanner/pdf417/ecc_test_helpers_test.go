package pdf417

// ecCodewords computes the numEC error correction codewords for data
// (ISO/IEC 15438 §5.8.2 and Annex E): the negated remainder of
// data(x)·x^numEC divided by Π (x - 3^j), j = 1..numEC.
func ecCodewords(data []int, numEC int) []int {
	// g[i] is the coefficient of x^i.
	g := poly{1}
	for j := 1; j <= numEC; j++ {
		g = g.mul(poly{gfSub(0, gfPow3(j)), 1})
	}
	// Long division with the remainder kept highest degree first.
	rem := make([]int, numEC)
	for _, d := range data {
		t := gfAdd(d, rem[0])
		copy(rem, rem[1:])
		rem[numEC-1] = 0
		for i := 0; i < numEC; i++ {
			rem[i] = gfSub(rem[i], gfMul(t, g[numEC-1-i]))
		}
	}
	out := make([]int, numEC)
	for i, r := range rem {
		out[i] = gfSub(0, r)
	}
	return out
}
