package databar

import (
	"math"

	"github.com/scannerd/scannerd/scanner/internal/bars"
)

// GS1 DataBar Limited (ISO/IEC 24724 §5.3): a GTIN-14 whose indicator digit
// is 0 or 1, in one row of 74 modules: a guard (space, bar), a left data
// character (14 elements, 26 modules), a check character (14 elements,
// 18 modules), a right data character, and a guard (space, bar, and a
// space of five modules). Its first 13 digits are the number
// left·2013571 + right; the 14th is the GTIN check digit.

// limitedGroup is one value group of the data characters (ISO/IEC 24724
// Table 6): the modules and widest element of the odd (first, third, …)
// elements, the number of even width patterns, and the group's first
// value. The even elements take the other 26−oddModules modules and are
// at most 9−oddWidest wide.
type limitedGroup struct {
	oddModules, oddWidest, evenCount, base int
}

var limitedGroups = [7]limitedGroup{
	{17, 6, 28, 0},
	{13, 5, 728, 183064},
	{9, 3, 6454, 820064},
	{15, 5, 203, 1000776},
	{11, 4, 2408, 1491021},
	{19, 8, 1, 1979845},
	{7, 1, 16632, 1996939},
}

// limitedChecks are the element widths of the check characters by value
// (0…88), the table of ISO/IEC 24724 for DataBar Limited. Each is 18
// modules; its odd and even elements are 9 each, at most 3 wide and the
// last 1.
var limitedChecks = [89]string{
	"11111111113311", "11111111123211", "11111111133111", "11111112113211", "11111112123111",
	"11111113113111", "11111211113211", "11111211123111", "11111212113111", "11111311113111",
	"11121111113211", "11121111123111", "11121112113111", "11121211113111", "11131111113111",
	"12111111113211", "12111111123111", "12111112113111", "12111211113111", "12121111113111",
	"13111111113111", "11111111212311", "11111111222211", "11111111232111", "11111112212211",
	"11111112222111", "11111113212111", "11111211212211", "11111211222111", "11111212212111",
	"11111311212111", "11121111212211", "11121111222111", "11121112212111", "11121211212111",
	"11131111212111", "12111111212211", "12111111222111", "12111112212111", "12111211212111",
	"12121111212111", "13111111212111", "11111111311311", "11111111321211", "11111112311211",
	"11121111311211", "12111111311211", "11111121112311", "11111121122211", "11111121132111",
	"11111122112211", "11121121112211", "11121121122111", "11121122112111", "11121221112111",
	"11131121112111", "12111121112211", "12111121122111", "12121121112111", "11112111112311",
	"11112111122211", "11112111132111", "11112112112211", "11112112122111", "11112211112211",
	"12112111112211", "12112111122111", "12112112112111", "12112211112111", "12122111112111",
	"13112111112111", "11211111112311", "11211111122211", "11211111132111", "11211112112211",
	"11211112122111", "11211113112111", "11211211112211", "11211211122111", "11221111112211",
	"21111111122211", "21111111132111", "21111112112211", "21111112122111", "21111113112111",
	"21111211122111", "21111212112111", "21121111122111", "21111111221211",
}

// limitedCheckValues maps a check character's widths (two bits an
// element, first element highest) to its value plus one.
var limitedCheckValues = func() map[uint32]int {
	m := make(map[uint32]int, len(limitedChecks))
	for v, s := range limitedChecks {
		var key uint32
		for _, c := range s {
			key = key<<2 | uint32(c-'0')
		}
		m[key] = v + 1
	}
	return m
}()

const (
	limitedChar   = 14 // elements of a character
	limitedRuns   = 1 + 3*limitedChar + 2
	limitedModule = 26 + 18 + 26 // modules of the three characters
	// limitedLinkFlag is added to the value of a symbol that has a 2D
	// composite component above it (ISO/IEC 24724 §6.2.3).
	limitedLinkFlag = 2015133531096
)

// LimitedMayStartAt is LimitedAt's first test, the cheap one, small
// enough to be made inline at every bar of every row: the symbol fits in
// the line, and the guard bars, the right guard's space and the check
// character's last two elements are a module each. Bars print wider than
// spaces as much as each other (blurred at three or four pixels a module,
// by a quarter of a module), so bars are compared with bars, spaces with
// spaces, and a space and a bar with a space and a bar.
func LimitedMayStartAt(runs []int, i int) bool {
	if i+limitedRuns > len(runs) {
		return false
	}
	g0, g1, g2, c0, c1 := runs[i], runs[i+43], runs[i+44], runs[i+27], runs[i+28]
	return 2*max(g0, g2, c1) <= 3*min(g0, g2, c1)+2 && 2*max(g1, c0) <= 3*min(g1, c0)+2
}

// LimitedAt reads a DataBar Limited symbol whose left guard bar is dark
// run i. Its text is the GTIN-14.
func LimitedAt(runs []int, i int) (bars.Symbol, bool) {
	if !LimitedMayStartAt(runs, i) {
		return bars.Symbol{}, false
	}
	g0, g1, g2, c0, c1 := runs[i], runs[i+43], runs[i+44], runs[i+27], runs[i+28]
	pair := g1 + g2
	if hi, lo := max(pair, c0+c1), min(pair, c0+c1); 4*hi > 5*lo+2 {
		return bars.Symbol{}, false
	}
	if 4*g0 > 3*pair || 4*g0 < pair {
		return bars.Symbol{}, false
	}
	chars := runs[i+1 : i+1+3*limitedChar]
	// Each character in turn: 26, 18 and 26 modules of the guards'.
	guard := float64(g1+g2+c0+c1) / 4
	for k, modules := range [3]float64{26, 18, 26} {
		if !bars.Near(float64(bars.Sum(chars[14*k:14*k+14])), modules*guard, 0.4) {
			return bars.Symbol{}, false
		}
	}
	module := float64(bars.Sum(chars)) / limitedModule
	// The guards: one-module bars and the space before the right one.
	for _, k := range []int{i, i + 43, i + 44} {
		if !bars.Near(float64(runs[k]), module, 0.6) {
			return bars.Symbol{}, false
		}
	}
	if !bars.Quiet(runs, i-1, 0.6*module) || !bars.Quiet(runs, i+45, 3*module) {
		return bars.Symbol{}, false
	}
	v, ok := limitedRounded(chars)
	if !ok {
		// Blurred at three or four pixels a module, a module-wide element
		// beside wide ones prints narrower than a module, and rounding
		// the widths one by one misses: read the nearest characters.
		if v, ok = limitedNearest(runs, i, module); !ok {
			return bars.Symbol{}, false
		}
	}
	linked := v >= limitedLinkFlag
	if linked {
		v -= limitedLinkFlag
	}
	if v > 1999999999999 {
		return bars.Symbol{}, false
	}
	var digits [14]byte
	for k := 12; k >= 0; k-- {
		digits[k] = byte('0' + v%10)
		v /= 10
	}
	digits[13] = gtinCheckDigit(digits[:13])
	return bars.Symbol{Text: string(digits[:]), ID: "]e0", First: i, Last: i + 44, Linked: linked}, true
}

// limitedRounded reads the three characters of a symbol by rounding
// their widths to whole modules, and returns the symbol's value.
func limitedRounded(chars []int) (int64, bool) {
	var left, check, right [limitedChar]int
	if !normalize(chars[:14], 26, left[:]) || !normalize(chars[14:28], 18, check[:]) || !normalize(chars[28:], 26, right[:]) {
		return 0, false
	}
	var key uint32
	for _, w := range check {
		key = key<<2 | uint32(w)
	}
	return limitedJoin(&left, &right, limitedCheckValues[key]-1)
}

// limitedJoin returns the value of the symbol of the data characters
// left and right and the check character of value c, when the checksum
// agrees.
func limitedJoin(left, right *[limitedChar]int, c int) (int64, bool) {
	lv, lsum, ok1 := limitedValue(left)
	rv, rsum, ok2 := limitedValue(right)
	if c < 0 || !ok1 || !ok2 || (lsum+20*rsum)%89 != c {
		return 0, false
	}
	return int64(lv)*2013571 + int64(rv), true
}

// maxLimitedCost bounds the squared module error of a character read by
// limitedNearest.
const maxLimitedCost = 2.0

// limitedNearest reads the three characters of the symbol whose left
// guard bar is run i as the characters nearest their widths (least
// squares, in modules), as OmniAt does: the widths first corrected for
// how much wider than spaces the bars print, measured on the one-module
// elements (the guards and the check character's last two), and each
// character scaled to its modules.
func limitedNearest(runs []int, i int, module float64) (int64, bool) {
	bar := float64(runs[i]+runs[i+28]+runs[i+44]) / 3
	space := float64(runs[i+27]+runs[i+43]) / 2
	spread := (bar - space) / 2
	if spread > 0.6*module || spread < -0.6*module {
		return 0, false
	}
	scaled := func(first, modules int) ([limitedChar]float64, bool) {
		var x [limitedChar]float64
		total := 0.0
		for j := range x {
			w := float64(runs[first+j])
			if j%2 == 1 { // a bar: each character starts with a space
				w -= spread
			} else {
				w += spread
			}
			x[j] = w
			total += w
		}
		if !bars.Near(total, float64(modules)*module, 0.25) {
			return x, false
		}
		for j := range x {
			x[j] *= float64(modules) / total
		}
		return x, true
	}
	var chars [3][limitedChar]int
	c := -1
	for k, modules := range [3]int{26, 18, 26} {
		x, ok := scaled(i+1+limitedChar*k, modules)
		if !ok {
			return 0, false
		}
		if k == 1 {
			c = nearestLimitedCheck(&x)
			if c < 0 {
				return 0, false
			}
			continue
		}
		if chars[k], ok = nearestLimitedData(&x); !ok {
			return 0, false
		}
	}
	return limitedJoin(&chars[0], &chars[2], c)
}

// nearestLimitedCheck returns the value of the check character nearest
// x, or -1 when none is within maxLimitedCost.
func nearestLimitedCheck(x *[limitedChar]float64) int {
	best, bestCost := -1, maxLimitedCost
	for v, s := range limitedChecks {
		cost := 0.0
		for j := range x {
			d := x[j] - float64(s[j]-'0')
			cost += d * d
		}
		if cost < bestCost {
			best, bestCost = v, cost
		}
	}
	return best
}

// nearestLimitedData returns the widths of the data character nearest x
// among those of every value group (ISO/IEC 24724 Table 6): for each, the
// nearest odd and the nearest even elements, chosen apart since the
// group fixes the modules of each.
func nearestLimitedData(x *[limitedChar]float64) ([limitedChar]int, bool) {
	best, ok, _ := nearestLimitedDataCounted(x)
	return best, ok
}

// nearestLimitedDataCounted is nearestLimitedData, also returning how
// many times it solved for the nearest widths. A group is solved for only
// when a lower bound of its cost is below the best cost so far: most
// widths limitedNearest is given are texture's, and the bound alone
// turns nearly every group of theirs away.
func nearestLimitedDataCounted(x *[limitedChar]float64) ([limitedChar]int, bool, int) {
	var best [limitedChar]int
	bestCost := maxLimitedCost
	var lbOdd, lbEven [10]float64 // by widest: the bound of the clamped elements
	var sumOdd, sumEven float64
	for j := range 7 {
		sumOdd += x[2*j]
		sumEven += x[2*j+1]
	}
	for w := 1; w <= 8; w++ {
		lbOdd[w], lbEven[w] = clampCost(x, 0, w), clampCost(x, 1, w)
	}
	solved := 0
	for _, g := range limitedGroups {
		evenModules, evenWidest := 26-g.oddModules, 9-g.oddWidest
		// Each element at least its distance to the widths allowed, and
		// the seven together (Cauchy–Schwarz) at least the square of
		// their total's distance to the modules, over seven.
		dOdd, dEven := sumOdd-float64(g.oddModules), sumEven-float64(evenModules)
		lo := max(lbOdd[g.oddWidest], dOdd*dOdd/7)
		le := max(lbEven[evenWidest], dEven*dEven/7)
		if lo+le > bestCost+1e-9 {
			continue
		}
		solved++
		odd, oddCost := nearestWidths(x, 0, g.oddModules, g.oddWidest, false)
		if oddCost >= bestCost {
			continue
		}
		solved++
		even, evenCost := nearestWidths(x, 1, evenModules, evenWidest, true)
		if oddCost+evenCost >= bestCost {
			continue
		}
		bestCost = oddCost + evenCost
		for j := range 7 {
			best[2*j], best[2*j+1] = odd[j], even[j]
		}
	}
	return best, bestCost < maxLimitedCost, solved
}

// clampCost is the least squared distance of the odd (parity 0) or even
// (parity 1) elements of x to whole widths of one to widest modules, each
// on its own.
func clampCost(x *[limitedChar]float64, parity, widest int) float64 {
	c := 0.0
	for j := range 7 {
		v := x[2*j+parity]
		w := math.Min(math.Max(math.Round(v), 1), float64(widest))
		c += (v - w) * (v - w)
	}
	return c
}

// nearestWidths returns the seven whole widths, totalling modules, none
// wider than widest and, when narrow, one of them a module wide, nearest
// the odd (parity 0) or even (parity 1) elements of x, and their squared
// distance; by dynamic programming over the elements and the modules
// they take.
func nearestWidths(x *[limitedChar]float64, parity, modules, widest int, narrow bool) ([7]int, float64) {
	const most = 26
	// cost[j][m][n]: the least cost of elements j… taking m modules, n
	// telling whether one of them still has to be narrow.
	// Only the costs of modules or fewer are asked for, from
	// cost[0][modules] down.
	var cost [8][most + 1][2]float64
	var pick [7][most + 1][2]int8
	for m := range modules + 1 {
		cost[7][m] = [2]float64{math.Inf(1), math.Inf(1)}
	}
	cost[7][0][0] = 0
	for j := 6; j >= 0; j-- {
		for m := range modules + 1 {
			for n := range 2 {
				c, p := math.Inf(1), int8(0)
				for w := 1; w <= widest && w <= m; w++ {
					rest := n
					if w == 1 {
						rest = 0
					}
					d := x[2*j+parity] - float64(w)
					if t := cost[j+1][m-w][rest] + d*d; t < c {
						c, p = t, int8(w)
					}
				}
				cost[j][m][n], pick[j][m][n] = c, p
			}
		}
	}
	n := 0
	if narrow {
		n = 1
	}
	var w [7]int
	total := cost[0][modules][n]
	if math.IsInf(total, 1) {
		return w, total
	}
	m := modules
	for j := range 7 {
		w[j] = int(pick[j][m][n])
		m -= w[j]
		if w[j] == 1 {
			n = 0
		}
	}
	return w, total
}

// normalize turns measured widths into whole modules totalling modules,
// each at least one: the rounding that most needs it gives way.
func normalize(ws []int, modules int, out []int) bool {
	scale := float64(modules) / float64(bars.Sum(ws))
	total := 0
	for k, w := range ws {
		out[k] = max(1, int(math.Round(float64(w)*scale)))
		total += out[k]
	}
	for total != modules {
		step := 1
		if total > modules {
			step = -1
		}
		best, bestErr := -1, math.Inf(-1)
		for k, w := range ws {
			if out[k]+step < 1 {
				continue
			}
			// How far the element moves toward its measured width.
			e := float64(step) * (float64(w)*scale - float64(out[k]))
			if e > bestErr {
				best, bestErr = k, e
			}
		}
		if best < 0 || bestErr < -0.9 {
			return false
		}
		out[best] += step
		total += step
	}
	return true
}

// limitedValue returns a data character's value and its part of the
// checksum (the widths weighted 3^k modulo 89, first element k = 0).
func limitedValue(w *[limitedChar]int) (value, checksum int, ok bool) {
	var odd, even [7]int
	oddModules := 0
	weight := 1
	for k, x := range w {
		checksum += x * weight
		weight = weight * 3 % 89
		if k%2 == 0 {
			odd[k/2] = x
			oddModules += x
		} else {
			even[k/2] = x
		}
	}
	for _, g := range limitedGroups {
		if g.oddModules != oddModules {
			continue
		}
		evenWidest := 9 - g.oddWidest
		for k := range 7 {
			if odd[k] > g.oddWidest || even[k] > evenWidest {
				return 0, 0, false
			}
		}
		vOdd := widthsValue(odd[:], g.oddWidest, false)
		vEven := widthsValue(even[:], evenWidest, true)
		if vEven >= g.evenCount {
			return 0, 0, false
		}
		return g.base + vOdd*g.evenCount + vEven, checksum % 89, true
	}
	return 0, 0, false
}

// widthsValue returns the rank of a width pattern among the patterns of
// as many elements and modules with no element wider than widest and,
// when noNarrow, at least one element one module wide: the counting rule
// of ISO/IEC 24724 Annex B that the DataBar characters are built on.
func widthsValue(w []int, widest int, noNarrow bool) int {
	n := 0
	for _, x := range w {
		n += x
	}
	elements := len(w)
	value := 0
	narrowMask := 0
	for bar := 0; bar < elements-1; bar++ {
		rest := elements - bar // elements from this one on
		narrowMask |= 1 << bar
		for width := 1; width < w[bar]; width++ {
			// Count the patterns whose element bar is width wide.
			sub := binomial(n-width-1, rest-2)
			if noNarrow && narrowMask == 0 && n-width-(rest-1) >= rest-1 {
				sub -= binomial(n-width-rest, rest-2)
			}
			if rest-1 > 1 {
				less := 0
				for wide := n - width - (rest - 2); wide > widest; wide-- {
					less += binomial(n-width-wide-1, rest-3)
				}
				sub -= less * (rest - 1)
			} else if n-width > widest {
				sub--
			}
			value += sub
			narrowMask &^= 1 << bar
		}
		n -= w[bar]
	}
	return value
}
