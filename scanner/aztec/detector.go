package aztec

import (
	"errors"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec/decoder"
	azdetector "github.com/makiuchi-d/gozxing/aztec/detector"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	"github.com/scannerd/scannerd/internal/aztecspec"
	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// detector finds and reads symbols in one binarized image. Its buffers are
// reused from image to image.
type detector struct {
	img       bitImage
	runs      []int
	colRuns   []int
	colStarts []int
	centres   []centre
	window    []byte // crossCheck's pixels, 1 open, cleared after each use
	blobs     []point
	hits      []rowHit
	sorted    []rowHit   // hits, best first
	lineK     int        // symmetric extent of lineCentre's last pattern
	persp     projective // the rings fitted as a projective map
	perspOK   bool
	fill      []int
	ringPts   []ringPoint
	rs        *reedsolomon.ReedSolomonDecoder
	// The most entries of runs, colRuns and colStarts, blobs, fill and
	// ringPts written since the last wipe, which wipe clears: each is cut
	// back for every row, line, window, flood or ray fan, and a shorter
	// one leaves what a longer one wrote past its length.
	runsHeld, colHeld, blobsHeld, fillHeld, ringHeld int
	// dec keeps the last symbol it decoded (its modules and corners)
	// until wipe sets it back to its zero value, as NewDecoder makes it.
	dec decoder.Decoder

	lastErr error
}

// wipe clears what the search and the reading kept of the image: its
// copy, the row hits, centres, runs, blobs and ring points found in it,
// the maps fitted to a symbol and the decoder's copy of its modules. It
// clears the scratch only as far as it was written since the last wipe,
// and allocates nothing.
func (d *detector) wipe() {
	d.img.wipe()
	// findCentres writes hits and as many of sorted once an image.
	clear(scrub.UpTo(d.sorted, len(d.hits)))
	clear(d.hits)
	clear(d.centres)
	d.hits, d.centres = d.hits[:0], d.centres[:0]
	clear(scrub.UpTo(d.runs, d.runsHeld))
	clear(scrub.UpTo(d.colRuns, d.colHeld))
	clear(scrub.UpTo(d.colStarts, d.colHeld))
	clear(scrub.UpTo(d.blobs, d.blobsHeld))
	clear(scrub.UpTo(d.fill, d.fillHeld))
	clear(scrub.UpTo(d.ringPts, d.ringHeld))
	d.runsHeld, d.colHeld, d.blobsHeld, d.fillHeld, d.ringHeld = 0, 0, 0, 0, 0
	d.lineK, d.persp, d.perspOK = 0, projective{}, false
	// gozxing's Decoder keeps the last detector result it was given and
	// has no way to forget it: a new one in its place costs a store, no
	// more than a flag that told whether this image reached it would.
	d.dec = decoder.Decoder{}
	d.lastErr = nil // gozxing's errors can name codeword counts
}

// Internal failures; the reader reports them as gozxing exceptions.
var (
	errNotFound = errors.New("aztec: no symbol found")
	errMode     = errors.New("aztec: mode message unreadable")
)

// decoded is a symbol read from the image.
type decoded struct {
	result  *common.DecoderResult
	corners [4]point // top-left, top-right, bottom-right, bottom-left
	mode    modeMessage
}

// orientation turns the symbol's module coordinates into the frame of the
// ring map: a number of quarter turns, after a mirror image.
type orientation struct {
	turns  int
	mirror bool
}

func (o orientation) apply(p point) point {
	if o.mirror {
		p.x = -p.x
	}
	for i := 0; i < o.turns; i++ {
		p = point{-p.y, p.x}
	}
	return p
}

// symbolMap maps the symbol's module coordinates (relative to the centre
// module, y down, the orientation marks' corner top-left) to the image.
type symbolMap struct {
	h projective
	o orientation
}

func (s *symbolMap) at(x, y float64) point {
	p := s.o.apply(point{x, y})
	return s.h.apply(p.x, p.y)
}

// read tries to read a symbol round candidate centre c.
func (d *detector) read(c centre) *decoded {
	h, ok := d.ringMap(c, 4)
	if !ok {
		return nil
	}
	// A full-range symbol has two more rings, light then dark, where a
	// compact one has its mode message and first layer. Perspective can
	// blur that on the affine map; the other reading is tried too.
	full := d.ringColour(&h, 5, false, 0.9) && d.ringColour(&h, 6, true, 0.85) ||
		d.perspOK && d.ringColour(&d.persp, 5, false, 0.9) && d.ringColour(&d.persp, 6, true, 0.85)
	var affine6, persp6 projective
	var ok6, persp6OK bool
	if affine6, ok6 = d.ringMap(c, 6); ok6 {
		persp6, persp6OK = d.persp, d.perspOK
	}
	for _, compact := range [...]bool{!full, full} {
		maps := []projective{h}
		if d.perspOK {
			maps = append(maps, d.persp)
		}
		if !compact && ok6 {
			maps = []projective{affine6}
			if persp6OK {
				maps = append(maps, persp6)
			}
		}
		for _, mp := range maps {
			sm, mode, err := d.readMode(mp, compact)
			if err != nil {
				d.lastErr = err
				continue
			}
			if f := d.decodeSymbol(sm, mode, c.module); f != nil {
				return f
			}
		}
	}
	return nil
}

// decodeSymbol samples and decodes the symbol whose mode message was read
// through sm.
func (d *detector) decodeSymbol(sm symbolMap, mode modeMessage, module float64) *decoded {
	dim := mode.dimension()
	// The map from the rings first; if that does not decode, the map
	// refined on the whole symbol.
	bits := d.sample(sm, dim)
	f := d.decodeWith(bits, sm, mode)
	rm, ok := d.refineMap(sm, dim, module)
	if !ok {
		return f
	}
	var g *decoded
	if refined := d.sample(rm, dim); equalBits(refined, bits) {
		// The same modules decode the same way (or fail alike): only
		// the corners differ.
		if f != nil {
			g = &decoded{result: f.result, corners: symbolCorners(rm, dim), mode: mode}
		}
	} else {
		g = d.decodeWith(refined, rm, mode)
	}
	switch {
	case f == nil:
		return g
	case g != nil && g.result.GetText() == f.result.GetText():
		// The refined map reads the same: its corners are the truer
		// ones far from the bull's-eye.
		return g
	}
	return f
}

// sample reads the dim×dim modules of the symbol through sm.
func (d *detector) sample(sm symbolMap, dim int) *gozxing.BitMatrix {
	bitsM, _ := gozxing.NewSquareBitMatrix(dim)
	half := dim / 2
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			if d.img.darkAt(sm.at(float64(x-half), float64(y-half))) {
				bitsM.Set(x, y)
			}
		}
	}
	return bitsM
}

// equalBits reports whether two square matrices of the same size hold
// the same modules.
func equalBits(a, b *gozxing.BitMatrix) bool {
	dim := a.GetWidth()
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			if a.Get(x, y) != b.Get(x, y) {
				return false
			}
		}
	}
	return true
}

// symbolCorners returns the corners of the dim×dim symbol through sm:
// top-left, top-right, bottom-right, bottom-left.
func symbolCorners(sm symbolMap, dim int) [4]point {
	e := float64(dim) / 2
	return [4]point{sm.at(-e, -e), sm.at(e, -e), sm.at(e, e), sm.at(-e, e)}
}

// decodeWith decodes the modules bits sampled through sm.
func (d *detector) decodeWith(bits *gozxing.BitMatrix, sm symbolMap, mode modeMessage) *decoded {
	corners := symbolCorners(sm, mode.dimension())
	pts := []gozxing.ResultPoint{
		gozxing.NewResultPoint(corners[0].x, corners[0].y),
		gozxing.NewResultPoint(corners[3].x, corners[3].y),
		gozxing.NewResultPoint(corners[2].x, corners[2].y),
		gozxing.NewResultPoint(corners[1].x, corners[1].y),
	}
	res, err := d.dec.Decode(azdetector.NewAztecDetectorResult(bits, pts, mode.compact, mode.words, mode.layers))
	if err != nil {
		d.lastErr = err
		return nil
	}
	return &decoded{result: res, corners: corners, mode: mode}
}

// ringColour reports whether ring r reads as dark (or light) in at least
// the share min of its modules.
func (d *detector) ringColour(h *projective, r int, dark bool, min float64) bool {
	ms := ringModules(r)
	n := 0
	for _, p := range ms {
		if d.img.darkAt(h.apply(p.x, p.y)) == dark {
			n++
		}
	}
	return float64(n) >= min*float64(len(ms))
}

// modeMessage is what the mode message says (ISO/IEC 24778 §7.2.2).
type modeMessage struct {
	compact    bool
	layers     int // data layers
	words      int // data codewords
	readerInit bool
}

// dimension is the symbol's size in modules, reference grid included.
func (m modeMessage) dimension() int {
	if m.compact {
		return 11 + 4*m.layers
	}
	return 15 + 4*m.layers + 2*((2*m.layers+6)/15)
}

// orientation marks on the mode message ring, as offsets from its corners
// in ring units: three dark at the top-left corner, two at the top-right,
// one at the bottom-right, none at the bottom-left (§6.1.2).
var marks = [...]struct {
	x, y int // corner sign, then the step along the ring
	dx   int
	dy   int
	dark bool
}{
	{-1, -1, 0, 0, true}, {-1, -1, 1, 0, true}, {-1, -1, 0, 1, true},
	{1, -1, 0, 0, true}, {1, -1, 0, 1, true}, {1, -1, -1, 0, false},
	{1, 1, 0, -1, true}, {1, 1, 0, 0, false}, {1, 1, -1, 0, false},
	{-1, 1, 0, 0, false}, {-1, 1, 1, 0, false}, {-1, 1, 0, -1, false},
}

// readMode finds the symbol's orientation from the marks on the mode
// message ring and reads and corrects the mode message.
func (d *detector) readMode(h projective, compact bool) (symbolMap, modeMessage, error) {
	r := 7 // the mode message ring
	if compact {
		r = 5
	}
	best, bestBad := orientation{}, len(marks)+1
	for _, mirror := range [...]bool{false, true} {
		for turns := 0; turns < 4; turns++ {
			sm := symbolMap{h: h, o: orientation{turns, mirror}}
			bad := 0
			for _, k := range marks {
				x, y := float64(k.x*r+k.dx), float64(k.y*r+k.dy)
				if d.img.darkAt(sm.at(x, y)) != k.dark {
					bad++
				}
			}
			if bad < bestBad {
				best, bestBad = sm.o, bad
			}
		}
	}
	// The four orientations differ in at least 8 of the 12 marks.
	if bestBad > 2 {
		return symbolMap{}, modeMessage{}, errMode
	}
	sm := symbolMap{h: h, o: best}
	// The message runs clockwise from the top-left corner, a side at a
	// time, past the marks (and, full-range, the reference grid's centre
	// lines).
	var word uint64
	n := 0
	for side := 0; side < 4; side++ {
		for p := 2; p <= 2*r-2; p++ {
			if !compact && p == r {
				continue
			}
			var x, y int
			switch side {
			case 0:
				x, y = -r+p, -r
			case 1:
				x, y = r, -r+p
			case 2:
				x, y = r-p, r
			case 3:
				x, y = -r, r-p
			}
			word <<= 1
			if d.img.darkAt(sm.at(float64(x), float64(y))) {
				word |= 1
			}
			n++
		}
	}
	mode, err := d.decodeMode(word, n/4, compact)
	return sm, mode, err
}

// decodeMode corrects the mode message's nibbles (Reed-Solomon over
// GF(16)) and splits the data into the layer and codeword counts. In a
// reader initialization symbol the codeword count's top bit is set, which
// the counts leave free only in compact symbols of one layer and in
// full-range symbols of up to 22 layers (§7.2.2.1).
func (d *detector) decodeMode(word uint64, nibbles int, compact bool) (modeMessage, error) {
	cw := make([]int, nibbles)
	for i := range cw {
		cw[i] = int(word >> (4 * (nibbles - 1 - i)) & 0xF)
	}
	dataN := 4
	if compact {
		dataN = 2
	}
	if err := d.rs.Decode(cw, nibbles-dataN); err != nil {
		return modeMessage{}, errMode
	}
	v := 0
	for _, c := range cw[:dataN] {
		v = v<<4 | c
	}
	m := modeMessage{compact: compact}
	if compact {
		m.layers = v>>6 + 1
		words := v & 0x3F
		if m.layers == 1 && words&0x20 != 0 {
			m.readerInit, words = true, words&0x1F
		}
		m.words = words + 1
	} else {
		m.layers = v>>11 + 1
		words := v & 0x7FF
		if m.layers <= 22 && words&0x400 != 0 {
			m.readerInit, words = true, words&0x3FF
		}
		m.words = words + 1
	}
	// The data codewords must fit the layers.
	size := aztecspec.WordSize(m.layers)
	if m.words > aztecspec.LayerBits(m.layers, compact)/size {
		return modeMessage{}, errMode
	}
	return m, nil
}
