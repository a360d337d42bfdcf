package databar

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// charObs is a character read beside a finder.
type charObs struct {
	ok       bool
	value    int
	checksum int     // weighted element sum for the symbol checksum
	cost     float64 // squared module error of the reading
}

// pairObs is one finder with the characters on either side, as one scan
// line crossed it. Sides are in the symbol's reading direction: side 0
// left of the finder (outer edge away from it), side 1 right.
type pairObs struct {
	finder finderID
	y      int
	rtl    bool    // read right to left in the image
	x0, x1 float64 // pixel extent of the pair (characters included)
	module float64
	chars  [2]charObs
	run    int     // index of the finder's first run on its line
	cost   float64 // finder and character fit, lower is better
}

// maxCharCost bounds the squared module error of an accepted character.
const maxCharCost = 2.5

// Lines measures an image's rows on its gray levels: the widths of a
// row's light and dark runs, light first (0 wide when the row starts
// dark), in LineUnits, each edge placed between pixels where the gray
// levels cross a threshold; with smooth set, those of rows y-1, y and y+1
// averaged. At three pixels a module and blurred, a one-module element
// keeps its width there, where a row binarized pixel by pixel makes it
// two pixels or four depending on where its edges fall. The widths are
// appended to buf[:0] and buf's array reused where it has room (the
// reader clears an array they outgrew: an implementation that returned
// an array of its own would have it cleared on the next call).
type Lines interface {
	Line(y int, smooth bool, buf []int) ([]int, bool)
}

// BlurredLines are Lines that can measure the line they gave last again
// at a black point for a line blurred along it, where a narrow element's
// gray levels swing round the halfway level between ink and paper without
// crossing the line's first threshold; ok is false when the line does not
// look blurred so.
type BlurredLines interface {
	Lines
	Blurred(buf []int) ([]int, bool)
}

// LineUnit is the unit of the widths Lines gives: a sixteenth of a pixel.
const LineUnit = 16

// rowScanner turns image rows into pair observations. It keeps scratch
// buffers between rows, and from image to image: where a row's runs or
// their positions outgrow theirs, the array let go is cleared (scrub),
// not dropped with a row of the image in it.
type rowScanner struct {
	row, above, below *gozxing.BitArray
	runs              []int   // run lengths, runs[0] is white (possibly empty)
	pos               []int   // start of each run, in the runs' unit
	unit              float64 // of the runs: 1 a pixel, or LineUnit
	reads             int     // rows binarized so far, for benchmarks
	blurredLeft       int     // lines left to measure again as blurred
	// pairsHeld is the most pairs findPairs put in a line's
	// observations since the last Wipe: Reader.Wipe clears them that
	// far.
	pairsHeld int
}

// loadRow measures row y's runs with lines, or when lines is nil
// binarizes it and splits it into runs. With smooth set, each pixel takes
// the majority of rows y-1, y and y+1 (lines average them): bars run
// across rows and speckle does not, so noise thins out at triple the
// cost.
func (s *rowScanner) loadRow(img *gozxing.BinaryBitmap, lines Lines, y int, smooth bool) bool {
	s.reads++
	if lines != nil {
		runs, ok := lines.Line(y, smooth, s.runs)
		if !ok {
			return false
		}
		if smooth {
			s.reads += 2
		}
		s.runs, s.unit = scrub.Kept(s.runs, runs), LineUnit
		s.positions()
		return true
	}
	row, err := img.GetBlackRow(y, s.row)
	if err != nil {
		return false
	}
	s.row = row
	if smooth && y > 0 && y+1 < img.GetHeight() {
		s.reads += 2
		if s.above, err = img.GetBlackRow(y-1, s.above); err != nil {
			return false
		}
		if s.below, err = img.GetBlackRow(y+1, s.below); err != nil {
			return false
		}
		// The scratch rows may be longer, kept from a wider image.
		a, b, c := row.GetBitArray(), s.above.GetBitArray(), s.below.GetBitArray()
		for i := range min(len(a), len(b), len(c)) {
			a[i] = a[i]&b[i] | a[i]&c[i] | b[i]&c[i]
		}
	}
	s.runs, s.unit = bitrow.Lengths(row.GetBitArray(), img.GetWidth(), s.runs), 1 // an array outgrown cleared
	s.positions()
	return true
}

// positions sets where each run starts.
func (s *rowScanner) positions() {
	s.pos = scrub.Grow(s.pos[:0], len(s.runs)) // room for all, an array outgrown cleared
	x := 0
	for _, r := range s.runs {
		s.pos = append(s.pos, x)
		x += r
	}
}

// scanRow appends the pairs found on row y to obs; lines and smooth as
// for loadRow.
func (s *rowScanner) scanRow(img *gozxing.BinaryBitmap, lines Lines, y int, smooth bool, obs []pairObs) []pairObs {
	if !s.loadRow(img, lines, y, smooth) {
		return obs
	}
	start := len(obs)
	obs = s.findPairs(y, obs)
	if len(obs) > start {
		return append(obs[:start], keepBestPairs(obs[start:])...)
	}
	b, ok := lines.(BlurredLines)
	if !ok || s.blurredLeft <= 0 || len(s.runs) <= minBlurredRuns {
		return obs
	}
	s.blurredLeft--
	runs, ok := b.Blurred(s.runs)
	if !ok {
		return obs
	}
	// Blurred along the line, the characters' narrow elements may not
	// cross its threshold; read at the one Blurred chooses, a pair is
	// kept only when both its characters read and it fits as a sharp
	// symbol's do (or is one of a chain, keepBestPairs): texture read so
	// shows pairs now and then, each worth probes and explorations.
	s.runs = scrub.Kept(s.runs, runs)
	s.positions()
	obs = s.findPairs(y, obs)
	kept := obs[:start]
	for _, p := range keepBestPairs(obs[start:]) {
		if p.chars[0].ok && p.chars[1].ok && p.cost < maxBlurredPairCost {
			kept = append(kept, p)
			s.blurredLeft = blurredLines
		}
	}
	return kept
}

// Lines measured again as blurred (BlurredLines). Over every eighth dev
// image, measuring again every line without pairs cost about 28 M
// instructions, most of it in the probes and explorations of pairs found
// so in texture: none of those has both characters and a cost below
// maxBlurredPairCost, where the robustness suite's symbols smeared over a
// module and a half have them on 218 of 249 pairs. The rest, finding the
// lines blurred and their pairs, is bounded by a search's budget of
// blurredLines, filled again by each pair kept: the suite's symbols show
// theirs within the first lines from the middle, the budget of 8 reading
// as many as unbounded (6 and 24 samples a level). Lines of fewer runs
// than minBlurredRuns, the 21 elements of a pair, are too short to hold
// one even with a narrow space lost.
const (
	maxBlurredPairCost = 1
	blurredLines       = 16
	minBlurredRuns     = 20
)

// findPairs appends every finder with at least one readable character
// beside it on the loaded line.
func (s *rowScanner) findPairs(y int, obs []pairObs) []pairObs {
	runs := s.runs
	var r [5]float64
	minTotal := finderModules * s.unit
	// The five runs' width, from k on, kept as the window moves.
	total := 0
	if len(runs) > 6 {
		total = runs[1] + runs[2] + runs[3] + runs[4]
	}
	// Runs 0 and len-1 touch the image border; a finder lies inside.
	for k := 1; k+5 < len(runs); k++ {
		if k > 1 {
			total -= runs[k-1]
		}
		total += runs[k+4]
		if float64(total) < minTotal {
			continue
		}
		// The two narrow elements at one end or the other, as each way
		// of reading the runs has them, and the two wide ones beside
		// them (matchFinder's first test).
		front := finderProportions(runs[k]+runs[k+1], runs[k+2]+runs[k+3], total)
		back := finderProportions(runs[k+3]+runs[k+4], runs[k+1]+runs[k+2], total)
		if !front && !back {
			continue
		}
		firstBar := k%2 == 1
		for _, rtl := range [2]bool{false, true} {
			if firstBar != rtl && !front || firstBar == rtl && !back {
				continue
			}
			for i := 0; i < 5; i++ {
				if rtl {
					r[i] = float64(runs[k+4-i])
				} else {
					r[i] = float64(runs[k+i])
				}
			}
			m, ok := matchFinder(&r, firstBar)
			if !ok {
				continue
			}
			if p, ok := s.readPair(k, rtl, m, y); ok {
				obs = append(scrub.Grow(obs, 1), p)
			}
		}
	}
	s.pairsHeld = max(s.pairsHeld, len(obs))
	return obs
}

// missingCharCost is what an unread character adds to a pair's cost.
const missingCharCost = 1.5

// keepBestPairs drops pairs that overlap a better pair on the same line.
// Symbol data can contain finder-like runs; such a phantom finder overlaps
// true pairs, fits worse, and, unlike a true pair, has no neighbour pair
// 21 runs away in the same direction.
func keepBestPairs(line []pairObs) []pairObs {
	for i := range line {
		p := &line[i]
		for j := range line {
			q := &line[j]
			if q.rtl == p.rtl && (q.run == p.run+21 || q.run == p.run-21) && q.finder%2 != p.finder%2 {
				p.cost -= 1 // part of a chain of pairs
			}
		}
	}
	sort.SliceStable(line, func(i, j int) bool { return line[i].cost < line[j].cost })
	kept := line[:0]
	for _, p := range line {
		clash := false
		for _, q := range kept {
			overlap := math.Min(p.x1, q.x1) - math.Max(p.x0, q.x0)
			if overlap > 4*p.module {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, p)
		}
	}
	return kept
}

// readPair reads the characters beside the finder at runs k..k+4.
func (s *rowScanner) readPair(k int, rtl bool, m finderMatch, y int) (pairObs, bool) {
	p := pairObs{finder: m.id, y: y, rtl: rtl, module: m.module / s.unit, run: k, cost: m.cost + 2*missingCharCost}
	p.x0 = float64(s.pos[k]) / s.unit
	p.x1 = float64(s.pos[k+4]+s.runs[k+4]) / s.unit
	before, after := k-8, k+5 // first run of the character before / after
	for side := 0; side < 2; side++ {
		// In reading order the left character comes first; its outer
		// edge is the first run read.
		start, ascending := before, true
		if (side == 0) == rtl {
			start, ascending = after, false
		}
		if start < 1 || start+8 >= len(s.runs) {
			continue
		}
		c, ok := s.readChar(start, ascending, m, m.id.weightRow(side))
		if !ok {
			continue
		}
		p.chars[side] = c
		p.cost += c.cost - missingCharCost
		if start < k {
			p.x0 = float64(s.pos[start]) / s.unit
		} else {
			p.x1 = float64(s.pos[start+7]+s.runs[start+7]) / s.unit
		}
	}
	return p, p.chars[0].ok || p.chars[1].ok
}

// readChar reads the character in runs start..start+7, outer edge first
// when ascending.
func (s *rowScanner) readChar(start int, ascending bool, m finderMatch, row int) (charObs, bool) {
	var x [8]float64
	sum := 0.0
	for i := 0; i < 8; i++ {
		j := start + i
		if !ascending {
			j = start + 7 - i
		}
		w := float64(s.runs[j])
		if j%2 == 1 { // bar
			w -= m.spread
		} else {
			w += m.spread
		}
		x[i] = w
		sum += w
	}
	mod := sum / characterModules
	if mod < 0.75*m.module || mod > 1.33*m.module {
		return charObs{}, false
	}
	for i := range x {
		x[i] /= mod
	}
	best := readCharacterBelow(&x, math.Nextafter(maxCharCost, math.Inf(1)))
	if best.cost > maxCharCost {
		return charObs{}, false
	}
	return charObs{ok: true, value: best.value, cost: best.cost, checksum: checksumPart(&best.widths, row)}, true
}
