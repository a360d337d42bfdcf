package pdf417

import "errors"

// errUncorrectable reports more damage than the error correction codewords
// can repair.
var errUncorrectable = errors.New("pdf417: too many errors to correct")

// correctErrors repairs codewords in place with the Reed-Solomon code of
// ISO/IEC 15438 §5.8.2: the last numEC codewords are check codewords and the
// whole sequence, read as a polynomial with codewords[0] as the highest
// coefficient, has roots 3^1 … 3^numEC. erasures lists positions known to be
// unreadable (their values are ignored). It returns the number of errors
// found outside the erasures.
//
// Decoding is Berlekamp-Massey seeded with the erasure locator, Chien search
// and Forney's formula. 2·errors + erasures must not exceed numEC, and must
// stay below it when there are erasures, so that at least one check remains
// to reject a wrong completion.
func correctErrors(codewords []int, erasures []int, numEC int) (int, error) {
	n := len(codewords)
	if numEC < 1 || n > maxCodewords || numEC >= n || len(erasures) > numEC {
		return 0, errUncorrectable
	}
	// syndrome[j] = C(3^j) for j = 1..numEC; index 0 unused.
	syndrome := make([]int, numEC+1)
	clean := true
	for j := 1; j <= numEC; j++ {
		x := gfPow3(j)
		v := 0
		for _, c := range codewords {
			v = gfAdd(gfMul(v, x), c)
		}
		syndrome[j] = v
		if v != 0 {
			clean = false
		}
	}
	if clean {
		return 0, nil
	}

	// Erasure locator Γ(x) = Π (1 - X·x) with X = 3^(n-1-position).
	gamma := poly{1}
	seen := make(map[int]bool, len(erasures))
	for _, pos := range erasures {
		if pos < 0 || pos >= n || seen[pos] {
			continue
		}
		seen[pos] = true
		gamma = gamma.mul(poly{1, gfSub(0, gfPow3(n-1-pos))})
	}
	f := len(seen)

	// Berlekamp-Massey for errors and erasures (Blahut's form).
	lambda := append(poly(nil), gamma...)
	b := append(poly(nil), gamma...)
	l := f
	for r := f + 1; r <= numEC; r++ {
		delta := 0
		for i, c := range lambda {
			if r-i >= 1 {
				delta = gfAdd(delta, gfMul(c, syndrome[r-i]))
			}
		}
		xb := append(poly{0}, b...)
		next := make(poly, max(len(lambda), len(xb)))
		copy(next, lambda)
		for i, c := range xb {
			next[i] = gfSub(next[i], gfMul(delta, c))
		}
		if delta != 0 && 2*l <= r+f-1 {
			inv := gfInv(delta)
			b = make(poly, len(lambda))
			for i, c := range lambda {
				b[i] = gfMul(c, inv)
			}
			l = r + f - l
		} else {
			b = xb
		}
		lambda = next
	}
	deg := lambda.degree()
	// With erasures, keep at least one syndrome unused to check the result.
	if deg != l || 2*(l-f)+f > numEC || (f > 0 && 2*(l-f)+f >= numEC) {
		return 0, errUncorrectable
	}

	// Chien search: position p is in error when Λ(X_p^-1) = 0.
	var positions []int
	for p := 0; p < n; p++ {
		if lambda.eval(gfInv(gfPow3(n-1-p))) == 0 {
			positions = append(positions, p)
		}
	}
	if len(positions) != deg {
		return 0, errUncorrectable
	}

	// Forney: e = -Ω(X^-1)/Λ'(X^-1), Ω = S(x)·Λ(x) mod x^numEC.
	s := make(poly, numEC)
	for j := 1; j <= numEC; j++ {
		s[j-1] = syndrome[j]
	}
	omega := s.mul(lambda)
	if len(omega) > numEC {
		omega = omega[:numEC]
	}
	dLambda := lambda.derivative()
	for _, p := range positions {
		xInv := gfInv(gfPow3(n - 1 - p))
		den := dLambda.eval(xInv)
		if den == 0 {
			return 0, errUncorrectable
		}
		e := gfSub(0, gfMul(omega.eval(xInv), gfInv(den)))
		codewords[p] = gfSub(codewords[p], e)
	}
	// A miscorrection beyond the code's power leaves non-zero syndromes.
	for j := 1; j <= numEC; j++ {
		x := gfPow3(j)
		v := 0
		for _, c := range codewords {
			v = gfAdd(gfMul(v, x), c)
		}
		if v != 0 {
			return 0, errUncorrectable
		}
	}
	return l - f, nil
}
