package pdf417

import (
	"math"
	"strings"
)

// The row address patterns of a MicroPDF417 symbol's rows are drawn from
// two sets of 52 (ISO/IEC 24728 §5.3): the left and right RAPs from one,
// the centre RAPs of symbols of three and four columns from the other.
// Each row's RAP is the one after the row above's in its set's fixed
// cycle, from a start each size has. So down a symbol's left edge (or down
// its centre RAPs, which start the rows of a two-column symbol read from
// there, as a search at low contrast may) the patterns follow a cycle,
// where the bars of texture, of text or of a 1D symbol that happen to
// hold RAP-like runs show patterns of any six counts that sum to about
// ten, most of them in neither set, and seldom one after the other.

// rapCycles are the cycles of the side and of the centre RAPs, each
// pattern as its six runs' module counts, bar first; the pattern after
// the last of a cycle is its first. Where a cycle starts is of no
// account: each size starts somewhere in it.
var rapCycles = [2][rapCycleLen]string{{
	"221311", "311311", "312211", "222211", "213211", "214111", "223111", "313111", "322111", "412111",
	"421111", "331111", "241111", "232111", "231211", "321211", "411211", "411121", "411112", "321112",
	"312112", "311212", "311221", "311131", "311122", "311113", "221113", "221122", "221131", "221221",
	"222121", "312121", "321121", "231121", "231112", "222112", "213112", "212212", "212221", "212131",
	"212122", "212113", "211213", "211123", "211132", "211141", "211231", "211222", "211312", "211321",
	"211411", "212311",
}, {
	"111124", "111214", "112114", "121114", "121123", "121132", "112132", "112141", "112231", "121231",
	"122131", "131131", "131221", "132121", "141121", "141211", "142111", "133111", "132211", "131311",
	"122311", "123211", "124111", "115111", "114211", "114121", "123121", "123112", "122212", "122221",
	"121321", "121411", "112411", "113311", "113221", "113212", "113122", "122122", "131122", "131113",
	"122113", "113113", "112213", "112222", "112312", "112321", "111421", "111331", "111322", "111232",
	"111223", "111133",
}}

const rapCycleLen = 52

// rapPlaces is, for each RAP pattern as rapPattern codes it, its place in
// rapCycles plus one, the centre RAPs' after the side RAPs' (53 to 104),
// or 0 for a pattern of neither set. The centre RAP with a run of five
// modules is left out: rapCounts reads runs of one to four.
var rapPlaces = func() (places [1 << (2 * rapElements)]uint8) {
	for c, cycle := range rapCycles {
		for k, s := range cycle {
			var t [rapElements]int
			for i := range t {
				t[i] = int(s[i] - '0')
			}
			if !strings.Contains(s, "5") {
				places[rapPattern(t)] = uint8(c*rapCycleLen + k + 1)
			}
		}
	}
	return places
}()

// rapPairPlaces is rapPlaces for the RAPs' bar-space pairs: the modules
// each run and the next span together, five of them, each less two in
// three bits (pairSignature); no two RAPs of either set share theirs.
var rapPairPlaces = func() (places [1 << 15]uint8) {
	for c, cycle := range rapCycles {
		for k, s := range cycle {
			var pair [rapElements - 1]int
			for i := range pair {
				pair[i] = int(s[i]-'0') + int(s[i+1]-'0')
			}
			sig, _ := pairSignature(pair)
			places[sig] = uint8(c*rapCycleLen + k + 1)
		}
	}
	return places
}()

// pairSignature packs five bar-space pairs of two to eight modules each.
func pairSignature(pair [rapElements - 1]int) (uint16, bool) {
	var sig uint16
	for _, p := range pair {
		if p < 2 || p > 8 {
			return 0, false
		}
		sig = sig<<3 | uint16(p-2)
	}
	return sig, true
}

// rapPlace returns the place plus one in rapCycles of the hit's RAP
// (see rapPlaces), or 0 where it is none: from its pattern, or where that
// is of neither set, from its bar-space pairs read off the runs kept of
// its scan row (with keep).
func rapPlace(h *microHit, keep []int) int {
	if p := rapPlaces[h.rap]; p != 0 || keep == nil {
		return int(p)
	}
	r := h.keptRuns(keep)
	module := float64(r.edges[rapElements]-r.edges[0]) / rapModules
	var pair [rapElements - 1]int
	for k := range pair {
		pair[k] = roundNonNeg(float64(r.edges[k+2]-r.edges[k]) / module)
	}
	sig, ok := pairSignature(pair)
	if !ok {
		return 0
	}
	return int(rapPairPlaces[sig])
}

// rapsFollow reports whether the RAPs of two of an edge's hits, top to
// bottom, go from one RAP to one a little further on in its set's cycle:
// at most one place more than the rows, two modules high or more (ISO/IEC
// 24728), that the hits' distance spans, a part row counted whole, and
// within microRapFollowRows rows of the least height. A MicroPDF417
// symbol's left edge shows such a pair wherever two of its rows' RAPs
// read true (or one of them as the next in the cycle, which differs from
// it by one module moved across one edge: a blurred border); the hits
// between them may have read other patterns (a module blurred into its
// neighbour), so each is held against every hit above it within reach.
// The centre RAPs are taken too where centre is set.
func rapsFollow(hits []microHit, module float64, keep []int, centre bool) bool {
	reach := float64(microRapFollowRows) * 2 * module
	// The hits' places in rapCycles, of the first 64: a dozen rows or
	// more of any symbol.
	var at [64]uint8
	n := min(len(hits), len(at))
	for k := range n {
		j := rapPlace(&hits[k], keep)
		if j > rapCycleLen && !centre {
			j = 0
		}
		at[k] = uint8(j)
		if j == 0 {
			continue
		}
		for l := k - 1; l >= 0 && float64(hits[k].y-hits[l].y) <= reach; l-- {
			i := int(at[l])
			if i == 0 || (i-1)/rapCycleLen != (j-1)/rapCycleLen {
				continue
			}
			d := (j - i + rapCycleLen) % rapCycleLen
			if rows := 1 + int(math.Ceil(float64(hits[k].y-hits[l].y)/(2*module))); d >= 1 && d <= rows {
				return true
			}
		}
	}
	return false
}

// microRapFollowRows is how far apart, in rows of the least height (two
// modules), rapsFollow holds two hits' RAPs against each other: two rows
// whose RAPs read true lie within it where those of a few rows between
// them read other patterns.
const microRapFollowRows = 6

// rapSteps counts the steps between the RAPs read down the edge's hits,
// each held against the last one above it read of the same set: forward
// the steps to one a little further on in the cycle (at most one place
// more than the rows the hits' distance spans, as rapsFollow's pairs),
// back those to one as far behind it. Down a MicroPDF417 symbol's edge
// the RAPs only go forward, whatever the hits between misread (ISO/IEC
// 24728 §5.3); along the bars of a 1D symbol, the same on every scan
// row, the patterns a blurred border makes of one RAP-like pattern (its
// neighbours in the cycle, one module moved across an edge) go back as
// often as forward.
func rapSteps(hits []microHit, module float64, keep []int) (forward, back int) {
	var last [2]int // the place plus one of the last RAP read of each set
	var lastY [2]int32
	for k := range hits {
		j := rapPlace(&hits[k], keep)
		if j == 0 {
			continue
		}
		set := (j - 1) / rapCycleLen
		if i := last[set]; i != 0 {
			rows := 1 + int(math.Ceil(float64(hits[k].y-lastY[set])/(2*module)))
			switch d := (j - i + rapCycleLen) % rapCycleLen; {
			case d >= 1 && d <= rows:
				forward++
			case d != 0 && rapCycleLen-d <= rows:
				back++
			}
		}
		last[set], lastY[set] = j, hits[k].y
	}
	return forward, back
}

// rapsAdvance reports whether the RAPs read down an edge that did not
// decode advance through their cycle as a symbol's rows do: forward
// microAdvanceSteps times or more (rapSteps), back at most a quarter as
// often. At low contrast the first pass's binarization (each block at
// the mean of the blocks round it) wears away the bars beside the
// symbol's light border and speckles its quiet zone, so that no row
// reads as a row, while the left RAPs, measured from their bar-space
// pairs, mostly read true: the edge makes the reader Promising, and the
// global histogram's pass, whose threshold lies between the two grays,
// reads the symbol.
func rapsAdvance(hits []microHit, module float64, keep []int) bool {
	forward, back := rapSteps(hits, module, keep)
	return forward >= microAdvanceSteps && 4*back <= forward
}

// microAdvanceSteps is the fewest steps forward through their cycle the
// RAPs down an edge take for rapsAdvance: nine rows' RAPs read in turn.
// In the robustness suite (contrast 40, 24 samples) the edges of the
// symbols it then reads step forward 13 to 20 times, back once at most;
// over the development set's images (--symbologies default plus
// MicroPDF417) the edges that did not decode step forward six times at
// most, back as often as forward mostly (the RAP-like runs of 1D
// symbols' bars, read as one pattern or its neighbours), but for one
// image's edge of 12 steps forward and 2 back.
const microAdvanceSteps = 8
