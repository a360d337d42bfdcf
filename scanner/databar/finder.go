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
	sign := [5]float64{-1, 1, -1, 1, -1} // +1 bar, -1 space
	if firstBar {
		sign = [5]float64{1, -1, 1, -1, 1}
	}
	best := finderMatch{cost: maxFinderCost}
	found := false
	for p := range finderWidths {
		var q [5]float64
		for i := 0; i < 5; i++ {
			if version == 1 {
				q[i] = float64(finderWidths[p][i])
			} else {
				q[i] = float64(finderWidths[p][4-i])
			}
		}
		m, spread, cost, ok := fitWidths(r[:], q[:], sign[:])
		if ok && cost < best.cost {
			best = finderMatch{id: makeFinderID(p, version), module: m, spread: spread, cost: cost}
			found = true
		}
	}
	return best, found
}

// fitWidths fits measured widths r to nominal module counts q as
// r ≈ q·m + sign·spread (bars grow by spread, spaces shrink by it) by
// least squares and returns the residual in modules². ok is false when the
// fit is implausible.
func fitWidths(r, q, sign []float64) (m, spread, cost float64, ok bool) {
	var sqq, sqs, sss, sqr, ssr float64
	for i := range r {
		sqq += q[i] * q[i]
		sqs += q[i] * sign[i]
		sss += sign[i] * sign[i]
		sqr += q[i] * r[i]
		ssr += sign[i] * r[i]
	}
	det := sqq*sss - sqs*sqs
	if det == 0 {
		return 0, 0, 0, false
	}
	m = (sqr*sss - sqs*ssr) / det
	spread = (sqq*ssr - sqs*sqr) / det
	if m <= 0 || spread > 0.6*m || spread < -0.6*m {
		return 0, 0, 0, false
	}
	for i := range r {
		d := (r[i] - q[i]*m - sign[i]*spread) / m
		cost += d * d
	}
	return m, spread, cost, true
}
