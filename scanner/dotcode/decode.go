package dotcode

// Decoded is what a grid holds.
type Decoded struct {
	Text string
	// Raw is the unmasked data codewords.
	Raw []byte
	// Mask is the mask value, 0..3.
	Mask int
	// GS1 is set for GS1 data (FNC1 in first position implied).
	GS1 bool
	// ECI is set when the message switches character sets.
	ECI bool
	// Corrected is the number of codewords error correction changed.
	Corrected int
	// SAIndex and SACount are the structured append position (1-based)
	// and count; 0 without structured append.
	SAIndex, SACount int
}

// SymbologyID returns the AIM symbology identifier: ]J1 for GS1 data,
// ]J0 otherwise, 2 more with an ECI.
func (d *Decoded) SymbologyID() string {
	m := 0
	if d.GS1 {
		m = 1
	}
	if d.ECI {
		m += 2
	}
	return "]J" + string(rune('0'+m))
}

// decoder decodes sampled grids; it holds the field tables.
type decoder struct {
	f *field
	// placed holds the placements of the sizes decoded last, the
	// oldest replaced: a lattice is read in two orientations (w by h and
	// h by w) and with its edges moved, so few sizes, each read many
	// times.
	placed [4]placed
	next   int // the one to replace
}

// placed is the order of the cells of a w by h symbol.
type placed struct {
	w, h  int
	cells []point
}

// placement returns the order of the cells of a w by h symbol (see
// placement), kept for the next grids of that size.
func (dec *decoder) placement(w, h int) []point {
	for _, p := range dec.placed {
		if p.cells != nil && p.w == w && p.h == h {
			return p.cells
		}
	}
	p := &dec.placed[dec.next]
	*p = placed{w: w, h: h, cells: placement(w, h)}
	dec.next = (dec.next + 1) % len(dec.placed)
	return p.cells
}

func newDecoder() *decoder { return &decoder{f: newField()} }

// DecodeGrid decodes a sampled grid, its first column and row at the
// symbol's left and top, read upright.
func DecodeGrid(g *Grid) (*Decoded, error) { return newDecoder().decode(g) }

func (dec *decoder) decode(g *Grid) (*Decoded, error) {
	cw, bad, err := g.codewords(dec.placement)
	if err != nil {
		return nil, err
	}
	lay, _ := layoutFor(g.W, g.H)
	fixed, err := dec.f.correct(cw, 1+lay.data, bad)
	if err != nil {
		return nil, err
	}
	mask := cw[0]
	if mask > 3 {
		return nil, ErrCorrection
	}
	data := make([]int, lay.data)
	raw := make([]byte, lay.data)
	for i := range data {
		data[i] = ((cw[1+i]-i*maskWeights[mask])%gf + gf) % gf
		raw[i] = byte(data[i])
	}
	m, err := decodeMessage(data)
	if err != nil {
		return nil, err
	}
	return &Decoded{
		Text: m.text(), Raw: raw, Mask: mask, GS1: m.gs1, ECI: m.eci,
		Corrected: fixed, SAIndex: m.saIndex, SACount: m.saCount,
	}, nil
}
