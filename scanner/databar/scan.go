package databar

import "github.com/makiuchi-d/gozxing"

// charObs is a character read beside a finder.
type charObs struct {
	ok       bool
	value    int
	checksum int     // weighted element sum for the symbol checksum
	cost     float64 // squared module error of the reading
	alt      int     // runner-up value, -1 if none is close
	altSum   int     // its checksum part
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
}

// maxCharCost bounds the squared module error of an accepted character.
const maxCharCost = 2.5

// rowScanner turns image rows into pair observations. It keeps scratch
// buffers between rows.
type rowScanner struct {
	row  *gozxing.BitArray
	runs []int // run lengths, runs[0] is white (possibly empty)
	pos  []int // pixel start of each run
}

// loadRow binarizes row y and splits it into runs.
func (s *rowScanner) loadRow(img *gozxing.BinaryBitmap, y int) bool {
	row, err := img.GetBlackRow(y, s.row)
	if err != nil {
		return false
	}
	s.row = row
	width := img.GetWidth()
	s.runs, s.pos = s.runs[:0], s.pos[:0]
	x := 0
	bar := false
	for x < width {
		var next int
		if bar {
			next = row.GetNextUnset(x)
		} else {
			next = row.GetNextSet(x)
		}
		if next > width {
			next = width
		}
		s.runs = append(s.runs, next-x)
		s.pos = append(s.pos, x)
		x = next
		bar = !bar
	}
	return true
}

// scanRow appends the pairs found on row y to obs.
func (s *rowScanner) scanRow(img *gozxing.BinaryBitmap, y int, obs []pairObs) []pairObs {
	if !s.loadRow(img, y) {
		return obs
	}
	runs := s.runs
	var r [5]float64
	// Runs 0 and len-1 touch the image border; a finder lies inside.
	for k := 1; k+5 < len(runs); k++ {
		firstBar := k%2 == 1
		total := runs[k] + runs[k+1] + runs[k+2] + runs[k+3] + runs[k+4]
		if total < finderModules {
			continue
		}
		for _, rtl := range [2]bool{false, true} {
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
				obs = append(obs, p)
			}
		}
	}
	return obs
}

// readPair reads the characters beside the finder at runs k..k+4.
func (s *rowScanner) readPair(k int, rtl bool, m finderMatch, y int) (pairObs, bool) {
	p := pairObs{finder: m.id, y: y, rtl: rtl, module: m.module}
	p.x0 = float64(s.pos[k])
	p.x1 = float64(s.pos[k+4] + s.runs[k+4])
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
		if start < k {
			p.x0 = float64(s.pos[start])
		} else {
			p.x1 = float64(s.pos[start+7] + s.runs[start+7])
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
	best, second := readCharacter(&x)
	if best.cost > maxCharCost {
		return charObs{}, false
	}
	c := charObs{ok: true, value: best.value, cost: best.cost, checksum: checksumPart(&best.widths, row), alt: -1}
	if second.cost < best.cost+1 {
		c.alt, c.altSum = second.value, checksumPart(&second.widths, row)
	}
	return c, true
}
