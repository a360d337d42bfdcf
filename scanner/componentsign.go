package scanner

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// An EAN/UPC symbol carries no flag that says a 2D component is printed
// with it, as GS1 DataBar's linkage flag does; but a CC-A or CC-B above it
// leaves a sign no plain EAN/UPC symbol does (ISO/IEC 24723, the
// EAN/UPC composite's separator pattern): its rows begin a few modules
// above the tops of the bars (the separator's rows, light between the
// guards), over the whole width of the linear component, where a plain
// symbol has its quiet zone or whatever is printed above. componentAbove looks there, along lines parallel to the
// symbol's rows, before the composite reader searches the much larger box
// round the symbol (componentBox) for a component's rows.

// How componentAbove walks up a linear symbol, in its modules: each step
// half a module; a component's rows must show within componentGap
// modules of the first line past the bars (in zint's composites, turned
// and blurred, they show 5.5 to 7 modules past it). The bars' lean is
// measured over slopeLag modules first.
const (
	slopeLag     = 8
	componentGap = 8
	// A line agreeing with the rows' own line (along the bars) on this
	// share of its samples still crosses the bars; or on driftAgree of
	// them with the line driftLag modules below it, on the bars.
	barsAgree  = 0.75
	driftAgree = 0.9
	driftLag   = 2
	// A line with this many edges (with hysteresis) crosses something
	// printed; the rows of a component, tens of bars across the inner
	// part of the symbol, have several times as many, even blurred.
	busyEdges = 6
	// The rows of a component cross the whole inner part of the symbol:
	// a line that crosses them shows a bar, two edges or more, in each
	// of its thirds (a codeword is four bars in 17 modules: a third of
	// UPC-E's inner 41 modules, the narrowest, crosses two bars or
	// more). A line that crosses the tops of bars at a slant (the label
	// sheared, or seen in perspective, where the lines follow the bars'
	// lean) shows them in part of its length only.
	thirdEdges = 2
	// A line across a component's rows agrees with the line driftLag
	// modules below it, in the gap below the component or on another of
	// its rows, about as often as not; one that still crosses the bars,
	// drifted from both lines the walk compares (in perspective, or
	// across bars of under two pixels, which sampling aliases), agreed
	// with it on 0.79 to 0.89 of its samples in the development set's
	// photos.
	rowsDiffer = 0.75
	// The bars' direction is searched within this slope of the rows'
	// normal (about 11°): beyond, the component's reader does not read
	// the rows (see compositeCases), and the sign is not looked for.
	maxBarSlope = 0.2
)

// eanModules is how many modules wide EAN/UPC symbols are, guards
// included, which componentAbove's steps are measured in.
var eanModules = map[Symbology]float64{EAN13: 95, UPCA: 95, EAN8: 67, UPCE: 51}

// componentAbove reports whether a 2D component may be printed above the
// EAN/UPC symbol l, as the first pass's view shows it (see the comment
// above): false only when the sign is looked for and absent. Symbols of
// the other linear symbologies are never ruled out here. Where it saw the
// sign, it also returns how far above the middle of the rows read (in
// pixels, at right angles to them) the component's rows may begin at the
// lowest: at the tops of the bars, less a margin; known is false where
// that is not known.
func (d *decoder) componentAbove(l *Result) (may bool, from float64, known bool) {
	modules, ok := eanModules[l.Symbology]
	ps, isPlane := d.view.(*planeSource)
	if !ok || !isPlane || ps.rotated {
		return true, 0, false
	}
	q := l.Points
	// u along the rows as read, n at right angles, up; c the middle of
	// the rows that read it.
	ux, uy := (q[1].X-q[0].X+q[2].X-q[3].X)/2, (q[1].Y-q[0].Y+q[2].Y-q[3].Y)/2
	length := math.Hypot(ux, uy)
	if length < modules {
		return true, 0, false
	}
	ux, uy = ux/length, uy/length
	nx, ny := uy, -ux
	var c Point
	for _, p := range q {
		c.X += p.X/4 - float64(d.viewMin.X)
		c.Y += p.Y/4 - float64(d.viewMin.Y)
	}
	module := length / modules // pixels, along the rows as read
	step := max(1, module/2)
	// The samples: the inner four fifths of the symbol's width (not its
	// guards, where the separator pattern has bars), a pixel apart; the
	// lines kept, the rows' own and the one looked at.
	slots := 2 + int(math.Round(driftLag*module/step))
	s := &d.sign
	s.reset(ps, int(0.8*length), slots)
	defer s.wipe()
	line := func(i int, up, slope float64) ([]byte, bool) {
		// Along the rows of a symbol whose bars lean by slope: the line's
		// centre moves along the bars, its direction turns with them.
		bx, by := nx+slope*ux, ny+slope*uy
		norm := math.Hypot(bx, by)
		bx, by = bx/norm, by/norm
		rx, ry := -by, bx
		half := float64(s.n) / 2
		return s.line(i, c.X+up*bx-rx*half, c.Y+up*by-ry*half, rx, ry)
	}
	ref, ok := line(0, 0, 0)
	if !ok || !s.threshold(ref) {
		return true, 0, false
	}
	// The bars' lean: the slope whose line slopeLag modules up (or down,
	// where the rows were read near the tops of the bars) agrees best
	// with the rows' own; then refined to the pixel over twice and four
	// times the distance, where the bars reach as far.
	slope, best := 0.0, -1.0
	for _, dir := range []float64{1, -1} {
		far := dir * slopeLag * module
		reach := int(maxBarSlope * slopeLag * module)
		slope, best = s.lean(line, far, 0, -reach, reach)
		if best >= barsAgree {
			for _, f := range []float64{2, 4} {
				sl, a := s.lean(line, f*far, slope, -2, 2)
				if a < barsAgree {
					break
				}
				slope = sl
			}
			break
		}
	}
	if best < barsAgree {
		return true, 0, false // no bars above the rows read to follow
	}
	// Walk up along the bars to where they end (or the view does), then
	// look for a component's rows within componentGap modules of there.
	// A line crosses the bars where it agrees with the rows' own line
	// (with the bars' lean), and has edges like it: the rows of a
	// component, or the quiet zone, agree about as often as not.
	anchor, anchored := line(0, 0, slope)
	barEdges := s.edges(anchor)
	// Line i lies in ring slot 1 + i mod lagSteps+1; bars tells which of
	// those crossed the bars.
	lagSteps := max(1, int(math.Round(driftLag*module/step)))
	bars := s.bars[:lagSteps+1]
	at := func(i int) int { return i % (lagSteps + 1) }
	ended := -1.0
	for i := 1; float64(i)*step <= reachAbove*length; i++ {
		up := float64(i) * step
		cur, ok := line(1+at(i), up, slope)
		if !ok {
			// Off the view: a component cut by its edge is not read.
			return false, 0, false
		}
		edges := s.edges(cur)
		// The bars agree with the rows' own line; or where they drift
		// from it (seen in perspective, or on a curved pack), closely
		// with the line driftLag modules below, itself on the bars. A
		// component's first rows lie farther from the bars than that.
		below := i - lagSteps
		bars[at(i)] = 2*edges >= barEdges && (anchored && s.agreement(0, 1+at(i), 1) >= barsAgree ||
			below > 0 && bars[at(below)] && s.agreement(1+at(below), 1+at(i), 1) >= driftAgree)
		if bars[at(i)] {
			ended = -1 // the bars, or where a highlight or crease crossed them, the bars again
			continue
		}
		if ended < 0 {
			ended = up
		}
		if up-ended >= 2*module && edges >= busyEdges && anchored && s.agreement(0, 1+at(i), 1) >= barsAgree {
			// Busy, but along the bars: their tops washed out by glare or
			// crossed by a crease (too few edges to count as the bars),
			// not a component's rows, which agree with the bars about as
			// often as not. The walk goes on up them.
			ended = -1
			continue
		}
		if up-ended >= 2*module && edges >= busyEdges && s.across(cur) &&
			(below <= 0 || s.agreement(1+at(below), 1+at(i), 1) < rowsDiffer) {
			// The tops of the bars passed, blurred: the line where they
			// ended, at its lowest across the symbol, less two modules
			// and three of the binarizer's blocks (the crop searched
			// binarizes the component's rows as the view does).
			bx, by := nx+slope*ux, ny+slope*uy
			norm := math.Hypot(bx, by)
			lowest := ended/norm - 0.5*length*math.Abs(slope)/norm
			return true, lowest - 2*module - 3*blockSize, true
		}
		if up-ended > componentGap*module {
			return false, 0, false
		}
	}
	return true, 0, false
}

// signSampler samples lines of a view for componentAbove, and compares
// them binarized at the symbol's own mid gray. The decoder keeps one, its
// buffers grown to the largest symbol looked at, so that looking
// allocates nothing once they have grown. The lines it keeps are
// pictures of the frame: wipe clears them.
type signSampler struct {
	ps        *planeSource
	n         int // samples a line
	mid, band int // the threshold, and half its hysteresis band
	ring      [][]byte
	// dark holds ring slot i's samples darker than mid, a bit each, 64
	// a word, once packed[i] (see agreement).
	dark   [][]uint64
	packed []bool
	// bars tells which of the lines in the ring crossed the bars
	// (componentAbove's walk).
	bars []bool
}

// reset readies s to sample lines of n pixels of ps into slots ring
// slots: each slot n long, none packed.
func (s *signSampler) reset(ps *planeSource, n, slots int) {
	s.ps, s.n = ps, n
	for len(s.ring) < slots {
		s.ring, s.dark = append(s.ring, nil), append(s.dark, nil)
		s.packed, s.bars = append(s.packed, false), append(s.bars, false)
	}
	s.ring, s.dark, s.packed, s.bars = s.ring[:slots], s.dark[:slots], s.packed[:slots], s.bars[:slots]
	for i := range s.ring {
		if cap(s.ring[i]) < n {
			s.ring[i] = make([]byte, n)
		}
		s.ring[i] = s.ring[i][:n]
		s.packed[i], s.bars[i] = false, false
	}
}

// line samples n pixels into ring slot i, from (x, y) a pixel apart along
// (dx, dy), the nearest pixel each; false when the line leaves the view.
func (s *signSampler) line(i int, x, y, dx, dy float64) ([]byte, bool) {
	ps, n := s.ps, s.n
	ex, ey := x+dx*float64(n-1), y+dy*float64(n-1)
	if min(x, ex, y, ey) < 0 || max(x, ex) >= float64(ps.width) || max(y, ey) >= float64(ps.height) {
		return nil, false
	}
	s.packed[i] = false
	out := s.ring[i][:n]
	pix, stride := ps.pix[ps.top*ps.stride+ps.left:], ps.stride
	for k := sampleLineWide(out, pix, stride, x, y, dx, dy); k < len(out); k++ {
		px, py := int(x+dx*float64(k)), int(y+dy*float64(k))
		out[k] = pix[py*stride+px]
	}
	if ps.invert {
		for k, v := range out {
			out[k] = 255 - v
		}
	}
	return out, true
}

// lean returns the slope of the bars, and its agreement, that best
// aligns the line far (pixels) along them with the line of the rows
// read (ring slot 0): of the slopes that shift it by the whole pixels
// from lo to hi round the slope guess.
func (s *signSampler) lean(line func(i int, up, slope float64) ([]byte, bool), far, guess float64, lo, hi int) (float64, float64) {
	slope, best := guess, -1.0
	for k := lo; k <= hi; k++ {
		sl := guess + float64(k)/math.Abs(far)
		if math.Abs(sl) > maxBarSlope {
			continue
		}
		if _, ok := line(1, far, sl); !ok {
			continue
		}
		if a := s.agreement(0, 1, 0); a > best {
			slope, best = sl, a
		}
	}
	return slope, best
}

// minSignContrast is the least difference of gray between the bars and
// spaces of the rows read for componentAbove to judge their lines.
const minSignContrast = 24

// threshold sets the mid gray and hysteresis from the line of the rows
// read: halfway between its darkest and lightest samples, and a sixth of
// their difference either side. False when their contrast is too low.
func (s *signSampler) threshold(ref []byte) bool {
	lo, hi := slices.Min(ref), slices.Max(ref)
	s.mid, s.band = (int(lo)+int(hi))/2, (int(hi)-int(lo))/6
	return int(hi)-int(lo) >= minSignContrast
}

// agreement returns the share of the samples of ring slots i and j on
// the same side of the threshold, the best of j's as they are and
// shifted up to slack pixels either way. It compares the slots' dark
// bits 64 samples at a time: the walk up a symbol compares each line
// with two others at three shifts, which sample by sample took half of
// componentAbove's instructions.
func (s *signSampler) agreement(i, j, slack int) float64 {
	a, b := s.darkBits(i), s.darkBits(j)
	n := s.n
	best := 0
	for shift := -slack; shift <= slack; shift++ {
		same := 0
		for k, hi := max(0, -shift), min(n, n-shift); k < hi; k += 64 {
			w := min(64, hi-k)
			x := bitsFrom(a, k) ^ bitsFrom(b, k+shift)
			if w < 64 {
				x &= 1<<w - 1
			}
			same += w - bits.OnesCount64(x)
		}
		best = max(best, same)
	}
	return float64(best) / float64(n)
}

// darkBits returns ring slot i's samples darker than the threshold, a
// bit each, packed once for each line sampled there.
func (s *signSampler) darkBits(i int) []uint64 {
	if s.packed[i] {
		return s.dark[i]
	}
	g := s.ring[i]
	d := s.dark[i][:0]
	mid := uint64(s.mid) * lanes
	for k := 0; k < len(g); k += 64 {
		var w uint64
		b := 0
		for ; b+8 <= min(64, len(g)-k); b += 8 {
			w |= darkLanes(binary.LittleEndian.Uint64(g[k+b:]), mid) << b
		}
		for ; k+b < min(len(g), k+64); b++ {
			if int(g[k+b]) < s.mid {
				w |= 1 << b
			}
		}
		d = append(d, w)
	}
	s.dark[i], s.packed[i] = d, true
	return d
}

// lanes has a 1 in each byte of a word.
const lanes = 0x0101010101010101

// darkLanes returns which of the 8 samples in x (a byte each, the first
// lowest) are below the threshold in each byte of mid, a bit each, the
// first lowest. A byte is below another where its high bit is lower, or
// the same and its low 7 bits are: those are compared by subtracting
// them with each byte's high bit set, which no borrow crosses (Warren,
// Hacker's Delight, 2nd ed., 6-1); the low bit of each byte of the
// result is gathered into the top byte by one multiplication.
func darkLanes(x, mid uint64) uint64 {
	const high = 0x80 * lanes
	lowAtLeast := (x | high) - (mid &^ high) // high bit: x's low 7 bits >= mid's
	below := (^x&mid | ^(x^mid)&^lowAtLeast) & high
	return (below >> 7) * 0x0102040810204080 >> 56
}

// bitsFrom returns the 64 bits of bs from bit off on (those past its end
// 0).
func bitsFrom(bs []uint64, off int) uint64 {
	w, sh := off>>6, uint(off&63)
	v := bs[w] >> sh
	if sh != 0 && w+1 < len(bs) {
		v |= bs[w+1] << (64 - sh)
	}
	return v
}

// edges counts the changes between dark and light along g, each past the
// hysteresis band round the threshold: from the first sample past it
// either way, the samples up to the next past it the other way are
// skipped, again and again.
func (s *signSampler) edges(g []byte) int {
	lo, hi := s.mid-s.band, s.mid+s.band
	k := 0
	for k < len(g) && lo <= int(g[k]) && int(g[k]) <= hi {
		k++
	}
	if k == len(g) {
		return 0
	}
	n, dark := 0, int(g[k]) < lo
	for {
		if dark {
			for k < len(g) && int(g[k]) <= hi {
				k++
			}
		} else {
			for k < len(g) && int(g[k]) >= lo {
				k++
			}
		}
		if k == len(g) {
			return n
		}
		n, dark = n+1, !dark
	}
}

// across reports whether the line g shows thirdEdges edges or more in
// each of its thirds (see thirdEdges).
func (s *signSampler) across(g []byte) bool {
	for k := range 3 {
		if s.edges(g[k*len(g)/3:(k+1)*len(g)/3]) < thirdEdges {
			return false
		}
	}
	return true
}

func (s *signSampler) wipe() {
	for _, k := range s.ring {
		clear(k)
	}
	for _, k := range s.dark {
		clear(k)
	}
	s.ps = nil
}
