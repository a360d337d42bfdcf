package databar

// Finder patterns, ISO/IEC 24724 §5.4.2 and Table 15: five elements, 15
// modules. Pair k of a symbol (counted from 0) carries finder version 1
// ("A1", "B1", ...) when k is even and version 2, the mirror image, when k
// is odd. Read in the symbol's own direction, version 1 starts with a
// space and version 2 with a bar.

// finderModules is the width of a finder pattern in modules.
const finderModules = 15

// finderWidths are the finder patterns A to F as version 1 reads them.
var finderWidths = [6][5]int{
	{1, 8, 4, 1, 1}, // A
	{3, 6, 4, 1, 1}, // B
	{3, 4, 6, 1, 1}, // C
	{3, 2, 8, 1, 1}, // D
	{2, 6, 5, 1, 1}, // E
	{2, 2, 9, 1, 1}, // F
}

// finderID numbers the twelve finders A1=0, A2=1, B1=2, ... F2=11.
type finderID int

func makeFinderID(pattern, version int) finderID { return finderID(2*pattern + version - 1) }
func (f finderID) pattern() int                  { return int(f) / 2 }
func (f finderID) version() int                  { return int(f)%2 + 1 }

// weightRow is the checksum weight row of the character on side (0 left,
// 1 right) of finder f; -1 for the check character left of A1.
func (f finderID) weightRow(side int) int { return 2*int(f) + side - 1 }

// finderSequences lists, by number of pairs, the finders in symbol order
// (ISO/IEC 24724 Table 16). Every finder occurs at most once in a
// sequence, so a finder tells where its pair belongs once the number of
// symbol characters is known.
var finderSequences = [12][]finderID{
	2:  ids("A1 A2"),
	3:  ids("A1 B2 B1"),
	4:  ids("A1 C2 B1 D2"),
	5:  ids("A1 E2 B1 D2 C1"),
	6:  ids("A1 E2 B1 D2 D1 F2"),
	7:  ids("A1 E2 B1 D2 E1 F2 F1"),
	8:  ids("A1 A2 B1 B2 C1 C2 D1 D2"),
	9:  ids("A1 A2 B1 B2 C1 C2 D1 E2 E1"),
	10: ids("A1 A2 B1 B2 C1 C2 D1 E2 F1 F2"),
	11: ids("A1 A2 B1 B2 C1 D2 D1 E2 E1 F2 F1"),
}

func ids(names string) []finderID {
	var out []finderID
	for i := 0; i+1 < len(names); i += 3 {
		out = append(out, makeFinderID(int(names[i]-'A'), int(names[i+1]-'0')))
	}
	return out
}

// finderMatch is a finder pattern found among five runs.
type finderMatch struct {
	id     finderID
	module float64 // module width in pixels
	spread float64 // how much wider than nominal bars print, in pixels
	cost   float64 // squared residual in modules²
}

// maxFinderCost bounds the residual of an accepted finder match.
const maxFinderCost = 0.7

// matchFinder tests five runs, in reading order, against the finder
// patterns. firstBar tells whether the first run is a bar: version 1
// starts with a space in reading order and version 2 with a bar, in
// either direction, since five elements start and end alike.
func matchFinder(r *[5]float64, firstBar bool) (finderMatch, bool) {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	// Version 1 ends in two narrow elements, version 2 starts with them.
	version := 1
	n0, n1, w0, w1 := r[3], r[4], r[1], r[2]
	if firstBar {
		version = 2
		n0, n1, w0, w1 = r[0], r[1], r[2], r[3]
	}
	if (n0+n1)*15 > 3.4*total || (n0+n1)*15 < 0.9*total || (w0+w1)*15 < 8*total {
		return finderMatch{}, false
	}
	// Each narrow element alone, and the outer element (1 to 3 modules).
	outer := r[0]
	if firstBar {
		outer = r[4]
	}
	if n0*15 > 2.2*total || n1*15 > 2.2*total || outer*15 > 4.2*total || outer*15 < 0.4*total {
		return finderMatch{}, false
	}
	best := finderMatch{cost: maxFinderCost}
	found := false
	for p := range finderWidths {
		fit := &finderFits[version-1][p]
		m, spread, cost, ok := fitWidths(r, fit, best.cost)
		if ok && cost < best.cost {
			best = finderMatch{id: makeFinderID(p, version), module: m, spread: spread, cost: cost}
			found = true
		}
	}
	return best, found
}

// finderProportions is matchFinder's first test in integers, for the
// widths of a finder's two narrow elements together (narrow), of the two
// wide ones beside them (wide) and of all five (total): false only where
// matchFinder's test fails too. The narrow pair's bounds (0.9 to 3.4
// modules) are a tenth of a module wider here, far more than the
// rounding of the floating-point test at any width a line has.
func finderProportions(narrow, wide, total int) bool {
	return 150*narrow <= 35*total && 150*narrow >= 8*total && 15*wide >= 8*total
}

// widthsFit is what fitWidths fits a pattern by that depends on the
// pattern alone: its module counts q, the sign of each element (+1 a bar,
// -1 a space), and the sums of their products, which are whole numbers.
type widthsFit struct {
	q, sign       [5]float64
	sqq, sqs, sss float64
	det           float64
}

func newWidthsFit(q, sign [5]float64) widthsFit {
	f := widthsFit{q: q, sign: sign}
	for i := range q {
		f.sqq += q[i] * q[i]
		f.sqs += q[i] * sign[i]
		f.sss += sign[i] * sign[i]
	}
	f.det = f.sqq*f.sss - f.sqs*f.sqs
	return f
}

// finderFits are the finders A to F as version 1 (space first) and 2
// (mirrored, bar first) read them.
var finderFits = func() (fs [2][len(finderWidths)]widthsFit) {
	for p, w := range finderWidths {
		var q1, q2 [5]float64
		for i := range w {
			q1[i], q2[i] = float64(w[i]), float64(w[4-i])
		}
		fs[0][p] = newWidthsFit(q1, [5]float64{-1, 1, -1, 1, -1})
		fs[1][p] = newWidthsFit(q2, [5]float64{1, -1, 1, -1, 1})
	}
	return fs
}()

// fitWidths fits measured widths r to the pattern f as
// r ≈ q·m + sign·spread (bars grow by spread, spaces shrink by it) by
// least squares and returns the residual in modules². ok is false when the
// fit is implausible, or its residual at least bound.
func fitWidths(r *[5]float64, f *widthsFit, bound float64) (m, spread, cost float64, ok bool) {
	q, sign := &f.q, &f.sign
	var sqr, ssr float64
	for i := range r {
		sqr += q[i] * r[i]
		ssr += sign[i] * r[i]
	}
	sqq, sqs, sss := f.sqq, f.sqs, f.sss
	if f.det == 0 {
		return 0, 0, 0, false
	}
	m = (sqr*sss - sqs*ssr) / f.det
	spread = (sqq*ssr - sqs*sqr) / f.det
	if m <= 0 || spread > 0.6*m || spread < -0.6*m {
		return 0, 0, 0, false
	}
	for i := range r {
		d := (r[i] - q[i]*m - sign[i]*spread) / m
		// The residual only grows.
		if cost += d * d; cost >= bound {
			return 0, 0, 0, false
		}
	}
	return m, spread, cost, true
}
