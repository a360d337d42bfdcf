// Package postal reads the postal codes whose bars differ in height, not
// width: POSTNET and PLANET (tall and short bars), and the 4-state codes
// (bars with an ascender, a descender, both or neither round a central
// tracker): the USPS Intelligent Mail barcode, Australia Post's customer
// barcodes, Royal Mail's RM4SCC and PostNL's KIX.
//
// Such a symbol is found as a whole, in any orientation: the binarized
// image's dark pixels are labelled in blobs; bar-like blobs alike in
// thickness and direction, evenly spaced across their direction, make a
// chain; and each bar's ends, measured along its axis, give its state
// against the line through the bars' middles.
package postal

import (
	"math"
	"slices"
	"strings"

	"github.com/makiuchi-d/gozxing"
)

// Kind is a postal symbology.
type Kind uint8

// The postal symbologies.
const (
	POSTNET Kind = iota + 1
	PLANET
	IMB
	AusPost
	RM4SCC
	KIX
	numKinds
)

var kindNames = [numKinds]string{"", "POSTNET", "PLANET", "Intelligent Mail", "Australia Post", "RM4SCC", "KIX"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Kinds is a set of kinds.
type Kinds uint8

// NewKinds returns the set of ks.
func NewKinds(ks ...Kind) Kinds {
	var s Kinds
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

// Has reports whether k is in the set.
func (s Kinds) Has(k Kind) bool { return s&(1<<k) != 0 }

// Symbol is a postal code read from an image.
type Symbol struct {
	Kind Kind
	Text string
	// Corners are the symbol's corners in image pixels, in the order
	// top-left, top-right, bottom-right, bottom-left as read.
	Corners [4][2]float64
}

// Reader finds postal codes. It keeps scratch space, so one Reader serves
// one goroutine at a time; the zero value is ready to use.
type Reader struct {
	parts     []part
	prev, cur []run
	found     []blob
	row       *gozxing.BitArray
	lengths   []int // the buffer RowLengths keeps
	// measured keeps a chain's bars measured for its trims.
	measured trimsMeasured
	// chaining and reading are the chains' and the bars' measures'
	// slices, kept from call to call and wiped at the end of each, as
	// found and measured are.
	chaining chainScratch
	reading  reading
	// promising is set when the last Read measured a chain of postal
	// bars it could not read (see Promising).
	promising bool
}

// Promising reports whether the last Read found a chain of bars spaced
// and shaped as a postal symbol's that it could not read. Where it found
// none, the image holds no postal symbol it sees, and reading it again
// (binarized another way, say) is seldom worth its cost.
func (r *Reader) Promising() bool { return r.promising }

// minChainBars is the fewest bars a chain needs to be measured: blur
// joins and breaks bars and so breaks a symbol's chain in parts, and the
// measuring of a part finds the rest. Blurred by half a module, a
// POSTNET code's bars join along their common baseline in runs of two to
// five, and the parts left between them may hold six or seven bars.
const minChainBars = 6

// maxBars bounds a chain: more bars than the longest symbol (PLANET's 72,
// a long KIX code's 80) and it is texture.
const maxBars = 100

// trims are the bars let go at the start and end of a chain, in the order
// tried.
var trims = [...][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 2}, {2, 1}, {1, 2}, {2, 2}}

// Read returns the symbols of the kinds asked for in img, the binarized
// image, whose bars it measures on gray, the image before binarization,
// when that is not nil.
func (r *Reader) Read(img Image, gray Gray, kinds Kinds) []Symbol {
	var out []Symbol
	r.promising = false
	defer r.wipe()
	for _, c := range r.chaining.chains(r.blobs(img, 3), minChainBars) {
		if len(c) > maxBars || !r.chaining.postalLike(c) {
			continue
		}
		read := false
		r.measured.reset()
		// A chain may hold a glyph or speck beside the symbol at either
		// end: a few bars are let go there when the whole does not read.
	trims:
		for _, cut := range trims {
			if cut[0]+cut[1] > len(c)-minChainBars {
				continue
			}
			if s, ok := r.readChain(img, gray, c, cut, kinds); ok {
				out = add(out, s)
				read = true
				break trims
			}
		}
		r.promising = r.promising || !read
	}
	return out
}

// wipe clears what the reader keeps of the last image: the blobs found
// in it, the bars measured for its chains' trims, and the chains' and
// the measures' slices. found is cut to none, so that its length is what
// the next Read writes (blobs, giving up, writes none).
func (r *Reader) wipe() {
	clear(r.found)
	r.found = r.found[:0]
	r.measured.wipe()
	r.chaining.wipe()
	r.reading.wipe()
}

// states are the bars of a chain read one way: bit 0 an ascender, bit 1
// a descender (3 a full bar, 0 the tracker alone).
type states []uint8

// turned returns the bars read the other way round: the last first, each
// ascender a descender and back.
func (st states) turned() states {
	out := make(states, len(st))
	for i, s := range st {
		out[len(st)-1-i] = s>>1 | s&1<<1
	}
	return out
}

// readChain measures a chain's bars, but for the cut at its start and
// end, and tries each kind on them.
func (r *Reader) readChain(img Image, gray Gray, c []*blob, cut [2]int, kinds Kinds) (Symbol, bool) {
	rd := measureInto(&r.reading, img, gray, c[cut[0]:len(c)-cut[1]], &r.measured, cut[0], len(c))
	spread := 0.0
	for i := range rd.top {
		spread = math.Max(spread, rd.bot[i]-rd.top[i])
	}
	// Ascenders reach above the others' tops, descenders below their
	// bottoms: split the tops and the bottoms each in two groups.
	topCut, tops := split(rd.top, spread, &rd.splits)
	botCut, bots := split(rd.bot, spread, &rd.splits)
	st := make(states, len(rd.v))
	for i := range st {
		if tops && rd.top[i] < topCut {
			st[i] |= 1
		}
		if bots && rd.bot[i] > botCut {
			st[i] |= 2
		}
	}
	var text string
	var kind Kind
	turned := false
	switch {
	case tops && bots:
		// 4-state: either way round.
		for _, try := range []bool{false, true} {
			s := st
			if try {
				s = st.turned()
			}
			if kind, text = readFourState(s, kinds&^NewKinds(KIX)); kind != 0 {
				turned = try
				break
			}
		}
		if kind == 0 && kinds.Has(KIX) {
			text, turned, ok := readKIXEitherWay(st)
			if !ok {
				return Symbol{}, false
			}
			kind = KIX
			return Symbol{Kind: kind, Text: text, Corners: rd.corners(turned)}, true
		}
	case tops != bots:
		// Tall and short bars standing on a common baseline: the baseline
		// is the bottom. Tall bars are 1.
		s := st
		if bots {
			s = st.turned()
		}
		turned = bots
		if kind, text = readTwoState(s, kinds); kind == 0 {
			return Symbol{}, false
		}
	}
	if kind == 0 {
		return Symbol{}, false
	}
	return Symbol{Kind: kind, Text: text, Corners: rd.corners(turned)}, true
}

// readFourState tries the 4-state kinds on the bars.
func readFourState(st states, kinds Kinds) (Kind, string) {
	for _, k := range []Kind{IMB, AusPost, RM4SCC, KIX} {
		if !kinds.Has(k) {
			continue
		}
		var text string
		var ok bool
		switch k {
		case IMB:
			text, ok = readIMB(st)
		case AusPost:
			text, ok = readAusPost(st)
		case RM4SCC:
			text, ok = readRM4SCC(st)
		case KIX:
			text, ok = readKIX(st)
		}
		if ok {
			return k, text
		}
	}
	return 0, ""
}

// readTwoState tries POSTNET and PLANET on the bars (ascender set for a
// tall bar).
func readTwoState(st states, kinds Kinds) (Kind, string) {
	tall := make([]bool, len(st))
	for i, s := range st {
		tall[i] = s&1 == 1
	}
	for _, k := range []Kind{POSTNET, PLANET} {
		if kinds.Has(k) {
			if text, ok := readPostnet(tall, k == PLANET); ok {
				return k, text
			}
		}
	}
	return 0, ""
}

// corners returns the symbol's corners in image pixels: the first and
// last bars' places, the highest top and lowest bottom round the line.
// Turned, the chain reads from its last bar to its first, top down.
func (rd *reading) corners(turned bool) [4][2]float64 {
	top, bot := 0.0, 0.0
	for i := range rd.top {
		top, bot = math.Min(top, rd.top[i]), math.Max(bot, rd.bot[i])
	}
	v0, v1 := rd.v[0], rd.v[len(rd.v)-1]
	at := func(v, off float64) [2]float64 {
		u := rd.line[0] + rd.line[1]*v + off
		return [2]float64{u*rd.ux + v*rd.vx, u*rd.uy + v*rd.vy}
	}
	// Up is against u: top-left is the first bar's top.
	tl, tr, br, bl := at(v0, top), at(v1, top), at(v1, bot), at(v0, bot)
	if turned {
		return [4][2]float64{br, bl, tl, tr}
	}
	return [4][2]float64{tl, tr, br, bl}
}

// add returns out with s added, unless it was read already (seen) or is
// a piece of a symbol read: of the same kind, its text within the
// other's, its centre within the other's half-length of the other's.
// Symbols read that are pieces of s are let go. Blur breaks a symbol's
// chain in parts, and the bars probed for beyond the ends of a part may
// stop short of the symbol's: a KIX code, without check or start and
// stop, reads as any of its runs of whole characters.
func add(out []Symbol, s Symbol) []Symbol {
	if seen(out, s) {
		return out
	}
	for _, o := range out {
		if pieceOf(s, o) {
			return out
		}
	}
	out = slices.DeleteFunc(out, func(o Symbol) bool { return pieceOf(o, s) })
	return append(out, s)
}

// pieceOf reports whether p, read from part of a symbol's bars, is a
// piece of whole.
func pieceOf(p, whole Symbol) bool {
	if p.Kind != whole.Kind || len(p.Text) >= len(whole.Text) || !strings.Contains(whole.Text, p.Text) {
		return false
	}
	dx := (p.Corners[0][0]+p.Corners[2][0])/2 - (whole.Corners[0][0]+whole.Corners[2][0])/2
	dy := (p.Corners[0][1]+p.Corners[2][1])/2 - (whole.Corners[0][1]+whole.Corners[2][1])/2
	return math.Hypot(dx, dy) < math.Hypot(whole.Corners[1][0]-whole.Corners[0][0], whole.Corners[1][1]-whole.Corners[0][1])/2
}

// seen reports whether s was read already, from another chain of its
// bars (blur breaks a symbol's chain in parts, and each reads it whole).
func seen(out []Symbol, s Symbol) bool {
	for _, o := range out {
		if o.Kind == s.Kind && o.Text == s.Text {
			dx := (o.Corners[0][0]+o.Corners[2][0])/2 - (s.Corners[0][0]+s.Corners[2][0])/2
			dy := (o.Corners[0][1]+o.Corners[2][1])/2 - (s.Corners[0][1]+s.Corners[2][1])/2
			if math.Hypot(dx, dy) < math.Hypot(o.Corners[1][0]-o.Corners[0][0], o.Corners[1][1]-o.Corners[0][1])/2 {
				return true
			}
		}
	}
	return false
}
