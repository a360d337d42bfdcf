package pdf417

// PDF417 error correction works over the prime field GF(929) with 3 as the
// primitive element (ISO/IEC 15438 §5.8.2, Annex E). The field is small enough
// for exponent and logarithm tables, which are built once and never change.

const (
	fieldSize = 929
	// maxCodewords is the largest number of codewords a symbol may hold: 3
	// has order 928 in GF(929), so longer codes would alias error positions.
	maxCodewords = fieldSize - 1
)

type gfTables struct {
	exp [2 * fieldSize]int
	log [fieldSize]int
}

var gf = newGFTables()

func newGFTables() *gfTables {
	t := &gfTables{}
	x := 1
	for i := range t.exp {
		t.exp[i] = x
		x = x * 3 % fieldSize
	}
	for i := 0; i < fieldSize-1; i++ {
		t.log[t.exp[i]] = i
	}
	return t
}

func gfAdd(a, b int) int { return (a + b) % fieldSize }

func gfSub(a, b int) int { return (fieldSize + a - b) % fieldSize }

func gfMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return gf.exp[gf.log[a]+gf.log[b]]
}

// gfInv returns the multiplicative inverse of a non-zero element.
func gfInv(a int) int { return gf.exp[fieldSize-1-gf.log[a]] }

// gfPow3 returns 3^e for e >= 0.
func gfPow3(e int) int { return gf.exp[e%(fieldSize-1)] }

// poly is a polynomial over GF(929); poly[i] is the coefficient of x^i.
type poly []int

// eval evaluates p at x with Horner's rule.
func (p poly) eval(x int) int {
	v := 0
	for i := len(p) - 1; i >= 0; i-- {
		v = gfAdd(gfMul(v, x), p[i])
	}
	return v
}

// derivative returns the formal derivative of p.
func (p poly) derivative() poly {
	if len(p) <= 1 {
		return poly{0}
	}
	d := make(poly, len(p)-1)
	for i := 1; i < len(p); i++ {
		d[i-1] = gfMul(p[i], i%fieldSize)
	}
	return d
}

// mul returns p·q.
func (p poly) mul(q poly) poly {
	r := make(poly, len(p)+len(q)-1)
	for i, a := range p {
		if a == 0 {
			continue
		}
		for j, b := range q {
			r[i+j] = gfAdd(r[i+j], gfMul(a, b))
		}
	}
	return r
}

// degree returns the index of the highest non-zero coefficient, or -1.
func (p poly) degree() int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0 {
			return i
		}
	}
	return -1
}
