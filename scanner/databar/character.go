package databar

import "math"

// Symbol characters, ISO/IEC 24724 §5.4 (DataBar Expanded): 17 modules in
// 4 bars and 4 spaces. The 4192 values fall into five groups; in each the
// odd-numbered elements (1st, 3rd, 5th, 7th, counted from the character's
// outer edge) take oddModules and the even ones the rest, and the value is
// base + vOdd·evenCount + vEven, where vOdd and vEven index the width
// patterns of each half.

// characterModules is the width of a symbol character in modules.
const characterModules = 17

// charGroup is one value group of ISO/IEC 24724 Table 7.
type charGroup struct {
	base        int // first value of the group
	oddModules  int
	oddWidest   int
	evenWidest  int
	evenCount   int        // number of even width patterns
	odd, even   [][4]uint8 // width patterns by index (vOdd, vEven)
	oddSkip     []halfSkip // of odd and even (skipsOf)
	evenSkip    []halfSkip
	oddCount    int
	evenModules int
}

// charGroups holds the five groups with their width patterns. It is built
// once from the standard's generation rule and only read afterwards.
var charGroups = buildCharGroups()

func buildCharGroups() [5]charGroup {
	spec := [5]struct{ base, oddModules, oddWidest, evenCount int }{
		{0, 12, 7, 4},
		{348, 10, 5, 20},
		{1388, 8, 4, 52},
		{2948, 6, 3, 104},
		{3988, 4, 1, 204},
	}
	var gs [5]charGroup
	for i, s := range spec {
		next := 4192
		if i < 4 {
			next = spec[i+1].base
		}
		g := charGroup{
			base: s.base, oddModules: s.oddModules, evenModules: characterModules - s.oddModules,
			oddWidest: s.oddWidest, evenWidest: 9 - s.oddWidest, evenCount: s.evenCount,
			oddCount: (next - s.base) / s.evenCount,
		}
		for v := 0; v < g.oddCount; v++ {
			g.odd = append(g.odd, subsetWidths(v, g.oddModules, g.oddWidest, true))
		}
		for v := 0; v < g.evenCount; v++ {
			g.even = append(g.even, subsetWidths(v, g.evenModules, g.evenWidest, false))
		}
		g.oddSkip, g.evenSkip = skipsOf(g.odd), skipsOf(g.even)
		gs[i] = g
	}
	return gs
}

// binomial returns n choose r, 0 outside the defined range.
func binomial(n, r int) int {
	if r < 0 || n < r {
		return 0
	}
	v := 1
	for i := 0; i < r; i++ {
		v = v * (n - i) / (i + 1)
	}
	return v
}

// subsetWidths returns the value-th width pattern of 4 elements totalling
// n modules, no element wider than widest, and, with needNarrow, at least
// one element one module wide. The enumeration order and the counting,
// including its treatment of over-wide elements, follow the standard's
// width generation rule (ISO/IEC 24724 Annex B), since encoders use it.
func subsetWidths(value, n, widest int, needNarrow bool) [4]uint8 {
	var w [4]uint8
	narrowSeen := false
	for e := 0; e < 3; e++ {
		rem := 3 - e // elements after this one
		width := 1
		for ; ; width++ {
			count := binomial(n-width-1, rem-1)
			if needNarrow && !narrowSeen && width > 1 && n-width-rem >= rem {
				count -= binomial(n-width-rem-1, rem-1)
			}
			if rem > 1 {
				over := 0
				for big := n - width - (rem - 1); big > widest; big-- {
					over += binomial(n-width-big-1, rem-2)
				}
				count -= over * rem
			} else if n-width > widest {
				count--
			}
			if value < count || width >= n {
				break
			}
			value -= count
		}
		if width == 1 {
			narrowSeen = true
		}
		w[e] = uint8(width)
		n -= width
	}
	w[3] = uint8(n)
	return w
}

// characterWidths returns the 8 element widths of a character value,
// outer edge first.
func characterWidths(value int) ([8]int, bool) {
	var e [8]int
	if value < 0 || value >= 4192 {
		return e, false
	}
	gi := 4
	for gi > 0 && value < charGroups[gi].base {
		gi--
	}
	g := &charGroups[gi]
	v := value - g.base
	odd, even := g.odd[v/g.evenCount], g.even[v%g.evenCount]
	for i := 0; i < 4; i++ {
		e[2*i], e[2*i+1] = int(odd[i]), int(even[i])
	}
	return e, true
}

// checksumWeight returns the weight of element j of the character in
// weight row row (ISO/IEC 24724 Table 14): 3^(8·row+j) mod 211. Rows run
// A1 right, A2 left, A2 right, B1 left, ... as 2·finder+side-1.
func checksumWeight(row, j int) int {
	w := 1
	for k := 0; k < 8*row+j; k++ {
		w = w * 3 % 211
	}
	return w
}

// weights holds the checksum weights, 23 rows of 8.
var weights = func() (w [23][8]int) {
	for r := range w {
		for j := range w[r] {
			w[r][j] = checksumWeight(r, j)
		}
	}
	return w
}()

// checksumPart is the weighted element sum one character contributes to
// the symbol checksum; row -1 is the check character, which has none.
func checksumPart(widths *[8]int, row int) int {
	if row < 0 {
		return 0
	}
	sum := 0
	for j, w := range widths {
		sum += w * weights[row][j]
	}
	return sum
}

// charReading is one interpretation of a measured character.
type charReading struct {
	value  int
	widths [8]int
	cost   float64 // squared module error of the widths
}

// readCharacter finds the character whose widths are closest (least
// squares, in modules) to x, the measured widths scaled to 17 modules.
// Within a group the odd and even halves are independent, so the best of
// each half makes the best character of the group.
func readCharacter(x *[8]float64) charReading {
	return readCharacterBelow(x, math.Inf(1))
}

// readCharacterBelow is readCharacter for a reading that costs less than
// bound: it returns a cost of at least bound when there is none. The
// patterns costing more are given up sooner.
func readCharacterBelow(x *[8]float64, bound float64) charReading {
	best := charReading{cost: bound}
	odd, even := x[0]+x[2]+x[4]+x[6], x[1]+x[3]+x[5]+x[7]
	for gi := range charGroups {
		g := &charGroups[gi]
		// Four widths that differ from a half's patterns by d in total
		// cost at least d²/4 (the least squares of four numbers of a
		// given sum): a group whose modules lie far from the halves' can
		// be given up on at once, with a margin far above rounding.
		do, de := odd-float64(g.oddModules), even-float64(g.evenModules)
		if (do*do+de*de)/4-1e-9 >= best.cost {
			continue
		}
		// And an odd half costing best.cost less the even half's least
		// or more.
		vo, oddCost := nearestHalf(g.odd, g.oddSkip, x, 0, best.cost-de*de/4+1e-9)
		if oddCost >= best.cost {
			continue
		}
		// An even half costing best.cost-oddCost or more leaves the
		// character no better than the best so far: given up on, with a
		// margin far above the rounding of the subtraction.
		ve, evenCost := nearestHalf(g.even, g.evenSkip, x, 1, best.cost-oddCost+1e-9)
		if oddCost+evenCost >= best.cost {
			continue
		}
		best = charReading{value: g.base + vo*g.evenCount + ve, cost: oddCost + evenCost}
		for i := 0; i < 4; i++ {
			best.widths[2*i], best.widths[2*i+1] = int(g.odd[vo][i]), int(g.even[ve][i])
		}
	}
	return best
}

// halfSkip is where the patterns after one of a half's (in their order)
// first differ from it: [0] the first whose first width differs, [1] the
// first whose first or second width does.
type halfSkip [2]uint16

// skipsOf returns each pattern's halfSkip.
func skipsOf(patterns [][4]uint8) []halfSkip {
	skips := make([]halfSkip, len(patterns))
	for i := len(patterns) - 1; i >= 0; i-- {
		next := halfSkip{uint16(len(patterns)), uint16(len(patterns))}
		if i+1 < len(patterns) {
			p, q := patterns[i], patterns[i+1]
			next = skips[i+1]
			if q[0] != p[0] {
				next[0] = uint16(i + 1)
			}
			if q[0] != p[0] || q[1] != p[1] {
				next[1] = uint16(i + 1)
			}
		}
		skips[i] = next
	}
	return skips
}

// nearestHalf returns the index and cost of the pattern closest to the odd
// (parity 0) or even (parity 1) elements of x, when one costs less than
// bound; otherwise a cost of at least bound. A pattern's cost only grows
// as its elements are added, so one is given up once it reaches the best
// so far or bound; and with it the patterns after it that share the
// widths it was given up on (skips, skipsOf the patterns: the
// enumeration keeps them together), whose costs there are its own.
func nearestHalf(patterns [][4]uint8, skips []halfSkip, x *[8]float64, parity int, bound float64) (int, float64) {
	index, cost := 0, math.Inf(1)
	limit := bound
	x0, x1, x2, x3 := x[parity], x[2+parity], x[4+parity], x[6+parity]
	skips = skips[:len(patterns)]
	for i := 0; i < len(patterns); {
		p := &patterns[i]
		d := x0 - float64(p[0])
		c := d * d
		if c >= limit {
			i = int(skips[i][0])
			continue
		}
		d = x1 - float64(p[1])
		if c += d * d; c >= limit {
			i = int(skips[i][1])
			continue
		}
		d = x2 - float64(p[2])
		c += d * d
		d = x3 - float64(p[3])
		if c += d * d; c < limit {
			index, cost, limit = i, c, c
		}
		i++
	}
	return index, cost
}
