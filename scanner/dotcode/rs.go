package dotcode

// Reed–Solomon error correction over the prime field GF(113), generator
// 3 (ISS DotCode §5.3). A symbol's mask, data and check codewords are
// split among ceil(n/112) interleaved blocks: codeword i belongs to block
// i mod blocks. In each block the codewords, first to last, are the
// coefficients of a polynomial, highest degree first, that the check
// codewords make divisible by (x−3)(x−3²)…(x−3^check).

// field holds GF(113)'s exponent and logarithm tables.
type field struct {
	exp [2 * gf]int
	log [gf]int
}

func newField() *field {
	f := &field{}
	v := 1
	for i := 0; i < 2*gf; i++ {
		f.exp[i] = v
		if i < gf-1 {
			f.log[v] = i
		}
		v = v * 3 % gf
	}
	return f
}

func (f *field) mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return f.exp[f.log[a]+f.log[b]]
}

func (f *field) inv(a int) int { return f.exp[gf-1-f.log[a]] }

// pow3 returns 3^e for e ≥ 0.
func (f *field) pow3(e int) int { return f.exp[e%(gf-1)] }

// correct corrects cw (mask value, data and check codewords) in place,
// given nd codewords of data (mask included) and the indexes of erased
// codewords. It returns the number of codewords changed.
func (f *field) correct(cw []int, nd int, erased []int) (int, error) {
	nw := len(cw)
	blocks := (nw + gf - 2) / (gf - 1)
	fixed := 0
	isErased := make(map[int]bool, len(erased))
	for _, e := range erased {
		isErased[e] = true
	}
	block := make([]int, 0, gf)
	var pos []int
	for b := 0; b < blocks; b++ {
		block, pos = block[:0], pos[:0]
		for i := b; i < nw; i += blocks {
			if isErased[i] {
				pos = append(pos, len(block))
			}
			block = append(block, cw[i])
		}
		blockData := (nd - b + blocks - 1) / blocks
		n, err := f.correctBlock(block, len(block)-blockData, pos)
		if err != nil {
			return 0, err
		}
		fixed += n
		for k, i := 0, b; i < nw; k, i = k+1, i+blocks {
			cw[i] = block[k]
		}
	}
	return fixed, nil
}

// correctBlock corrects one block with nc check codewords, erasures at
// the given indexes, by Berlekamp–Massey (with erasures), Chien search and
// Forney's formula. Codeword k stands for x^(n-1-k).
func (f *field) correctBlock(c []int, nc int, erased []int) (int, error) {
	n := len(c)
	if nc < 1 || len(erased) >= nc {
		return 0, ErrCorrection
	}
	synd := make([]int, nc) // synd[j] = c(3^(j+1))
	clean := true
	for j := range synd {
		x, s := f.pow3(j+1), 0
		for _, v := range c {
			s = (f.mul(s, x) + v) % gf
		}
		synd[j] = s
		clean = clean && s == 0
	}
	if clean {
		return 0, nil
	}
	// Erasure locator Γ(x) = Π (1 − X x), X = 3^(n-1-k).
	lambda := []int{1}
	for _, k := range erased {
		lambda = f.mulLinear(lambda, f.pow3(n-1-k))
	}
	b := append([]int(nil), lambda...)
	l := len(erased)
	for r := len(erased) + 1; r <= nc; r++ {
		delta := 0
		for j := 0; j < len(lambda) && j < r; j++ {
			delta = (delta + f.mul(lambda[j], synd[r-1-j])) % gf
		}
		xb := append([]int{0}, b...) // x·B(x)
		if delta == 0 {
			b = xb
			continue
		}
		t := subScaled(f, lambda, xb, delta)
		if 2*l <= r+len(erased)-1 {
			di := f.inv(delta)
			b = make([]int, len(lambda))
			for i, v := range lambda {
				b[i] = f.mul(v, di)
			}
			l = r + len(erased) - l
		} else {
			b = xb
		}
		lambda = t
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	deg := len(lambda) - 1
	// One check codeword is kept for detection: a reader that spends all
	// of them turns a misplaced grid (a wrong extent, a fragment of a
	// symbol) into some codeword too often.
	if deg != l || 2*(deg-len(erased))+len(erased) >= nc {
		return 0, ErrCorrection
	}
	// Ω(x) = S(x)Λ(x) mod x^nc.
	omega := make([]int, nc)
	for i := range omega {
		for j := 0; j <= i && j < len(lambda); j++ {
			omega[i] = (omega[i] + f.mul(lambda[j], synd[i-j])) % gf
		}
	}
	found := 0
	for k := 0; k < n; k++ {
		xinv := f.inv(f.pow3(n - 1 - k))
		if evalPoly(f, lambda, xinv) != 0 {
			continue
		}
		found++
		// Λ'(x) = Σ i·Λ_i x^(i-1).
		d := 0
		for i := 1; i < len(lambda); i++ {
			d = (d + f.mul(i%gf, f.mul(lambda[i], powOf(f, xinv, i-1)))) % gf
		}
		if d == 0 {
			return 0, ErrCorrection
		}
		e := (gf - f.mul(evalPoly(f, omega, xinv), f.inv(d))) % gf
		c[k] = ((c[k]-e)%gf + gf) % gf
	}
	if found != deg {
		return 0, ErrCorrection
	}
	return found, nil
}

// mulLinear returns p(x)·(1 − a x).
func (f *field) mulLinear(p []int, a int) []int {
	out := make([]int, len(p)+1)
	for i, v := range p {
		out[i] = (out[i] + v) % gf
		out[i+1] = (out[i+1] + gf - f.mul(v, a)) % gf
	}
	return out
}

// subScaled returns p − s·q.
func subScaled(f *field, p, q []int, s int) []int {
	out := make([]int, max(len(p), len(q)))
	copy(out, p)
	for i, v := range q {
		out[i] = (out[i] + gf - f.mul(s, v)) % gf
	}
	return out
}

// evalPoly evaluates p (lowest degree first) at x.
func evalPoly(f *field, p []int, x int) int {
	s := 0
	for i := len(p) - 1; i >= 0; i-- {
		s = (f.mul(s, x) + p[i]) % gf
	}
	return s
}

func powOf(f *field, x, e int) int {
	r := 1
	for ; e > 0; e-- {
		r = f.mul(r, x)
	}
	return r
}
