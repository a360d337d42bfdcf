// Package linear reads the common linear (1D) symbologies — Code 128,
// Code 39, Code 93, Codabar, Interleaved 2 of 5, EAN-13, EAN-8, UPC-A and
// UPC-E — from the run lengths of one scan line.
//
// A line is the widths of its alternating light and dark runs, light
// first (a light run of width 0 when the line starts dark). That is the
// cheapest form a binarized row can take, and the same widths serve the
// line read backwards (reverse them) and light bars on a dark ground
// (prepend a light run of width 0). A line without a symbol costs a look
// at each dark run that follows a wide light one, and allocates nothing.
//
// Characters are classified by their edge-to-similar-edge distances (the
// width of a bar and the space after it, of a space and the bar after it)
// relative to the character's own width, the reference decode method of
// ISO/IEC 15417, 15420 and of AIM's Code 93: a uniform growth of every
// bar, from ink spread, blur or a threshold off centre, leaves those
// distances unchanged, and the character's own width makes a perspective
// or a curved label, whose modules change size along the line, read
// too. The two-width symbologies (Code 39, Codabar, ITF) tell wide from
// narrow elements by their ranks within each character. A symbol needs a
// quiet zone before its start and after its stop pattern (or the line's
// end), and its check characters where the symbology has them.
package linear

// Format is a linear symbology.
type Format uint8

// The formats the reader knows. UPC-A symbols read as EAN-13 with a
// leading 0, the way the two are one code.
const (
	Code128 Format = iota + 1
	Code39
	Code93
	Codabar
	ITF
	EAN13
	EAN8
	UPCE
	// The less common symbologies, read by decoders of their own
	// packages (see others.go).
	Code11
	MSI
	Pharmacode
	Industrial25
	Matrix25
	IATA25
	Telepen
	DataBarLimited
	DataBar // GS1 DataBar Omnidirectional and Truncated
	numFormats
)

var formatNames = [numFormats]string{"", "Code 128", "Code 39", "Code 93", "Codabar", "ITF", "EAN-13", "EAN-8", "UPC-E",
	"Code 11", "MSI Plessey", "Pharmacode", "Industrial 2 of 5", "Matrix 2 of 5", "IATA 2 of 5", "Telepen", "DataBar Limited", "DataBar"}

func (f Format) String() string {
	if f < numFormats {
		return formatNames[f]
	}
	return "unknown"
}

// Formats is a set of formats.
type Formats uint32

// AllFormats is every format the reader knows.
const AllFormats = Formats(1<<numFormats-1) &^ 1

// NewFormats returns the set of fs.
func NewFormats(fs ...Format) Formats {
	var s Formats
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

// Has reports whether f is in the set.
func (s Formats) Has(f Format) bool { return s&(1<<f) != 0 }

// Symbol is one symbol read along a line.
type Symbol struct {
	Format Format
	// Text is the symbol's data without start, stop and check characters
	// (EAN and UPC keep their check digit). Code 39 is as encoded: full
	// ASCII pairs are left for the caller to interpret.
	Text string
	// ID is the AIM symbology identifier, e.g. "]C0".
	ID string
	// First and Last index the runs of the symbol's first and last bar.
	First, Last int
	// Linked is a DataBar Limited symbol's linkage flag (a 2D composite
	// component is printed above it).
	Linked bool
}

// Reader decodes lines. It keeps scratch space, so one Reader serves one
// goroutine at a time; the zero value is ready to use.
type Reader struct {
	values []int
	text   []byte
}

// Wipe zeroes what the reader keeps of the last symbol it read: its
// characters' values and its text.
func (r *Reader) Wipe() {
	clear(r.values[:cap(r.values)])
	clear(r.text[:cap(r.text)])
}

// Read appends to out the symbols of formats that runs holds, read left
// to right, and returns it. Symbols do not overlap: the search goes on
// after each symbol found.
func (r *Reader) Read(runs []int, formats Formats, out []Symbol) []Symbol {
	for k := 1; k+2 < len(runs); k += 2 {
		// Every symbology starts with a bar after a quiet zone at least
		// three times as wide as the first three elements of its start
		// pattern on average (each symbology asks for more); a line's
		// first bar may have lost its margin to the image's edge.
		if k > 1 && runs[k-1] < runs[k]+runs[k+1]+runs[k+2] {
			continue
		}
		if s, ok := r.readAt(runs, k, formats); ok {
			out = append(out, s)
			k = s.Last // the loop steps on to the bar after the symbol
		}
	}
	return out
}

func (r *Reader) readAt(runs []int, k int, formats Formats) (Symbol, bool) {
	if formats&upceanFormats != 0 {
		if s, ok := r.readUPCEAN(runs, k, formats); ok {
			return s, true
		}
	}
	if formats.Has(Code128) {
		if s, ok := r.readCode128(runs, k); ok {
			return s, true
		}
	}
	if formats.Has(Code39) {
		if s, ok := r.readCode39(runs, k); ok {
			return s, true
		}
	}
	if formats.Has(Code93) {
		if s, ok := r.readCode93(runs, k); ok {
			return s, true
		}
	}
	if formats.Has(Codabar) {
		if s, ok := r.readCodabar(runs, k); ok {
			return s, true
		}
	}
	if formats.Has(ITF) {
		if s, ok := r.readITF(runs, k); ok {
			return s, true
		}
	}
	if formats&otherFormats != 0 {
		return readOthers(runs, k, formats)
	}
	return Symbol{}, false
}

// quietBefore tells whether the light run before bar k is at least need
// wide, or k is the line's first bar.
func quietBefore(runs []int, k int, need float64) bool {
	return k == 1 || float64(runs[k-1]) >= need
}

// quietAfter tells whether the light run after bar j is at least need
// wide, or reaches the line's end.
func quietAfter(runs []int, j int, need float64) bool {
	return j+2 >= len(runs) || float64(runs[j+1]) >= need
}

// quietBeforeGrown and quietAfterGrown are quietBefore and quietAfter for
// a symbology whose quiet zone is asked for at its nominal width (ITF's
// ten narrow elements). A light run that is not the line's end ends in a
// bar on its far side too — on a shipping carton the vertical bar of the
// bearer frame (GS1 General Specifications 5.3.2.4) — and ink spread or
// blur widens that bar and the symbol's by grow (a bar's width less its
// nominal width, as the symbol's bars and spaces show it), half of it at
// each of the run's two edges: the run is measured grow short of what was
// printed, and gets it back.
func quietBeforeGrown(runs []int, k int, need, grow float64) bool {
	return k == 1 || float64(runs[k-1])+grow >= need
}

func quietAfterGrown(runs []int, j int, need, grow float64) bool {
	return j+2 >= len(runs) || float64(runs[j+1])+grow >= need
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// edgeMatch is how far a character's edge-to-similar-edge distances are
// from a pattern's, in modules summed over the distances: e holds the
// character's distances scaled to its module count, p the pattern's
// element widths in modules.
func edgeMatch(e []float64, p []uint8) float64 {
	d := 0.0
	for j := range e {
		v := e[j] - float64(p[j]+p[j+1])
		if v < 0 {
			v = -v
		}
		d += v
	}
	return d
}

// edges fills e with the edge-to-similar-edge distances of the widths w,
// scaled so that w spans modules, and returns e.
func edges(w []int, modules int, e []float64) []float64 {
	scale := float64(modules) / float64(sum(w))
	e = e[:len(w)-1]
	for j := range e {
		e[j] = float64(w[j]+w[j+1]) * scale
	}
	return e
}

// edgeTable finds characters of six elements by their first four
// edge-to-similar-edge distances rounded to whole modules, the reference
// decode of ISO/IEC 15417 (the fifth follows from them and the width): with
// each distance measured between two edges of the same kind, a blurred
// or spread symbol's rounding errs only where an edge is off by half a
// module.
type edgeTable struct {
	modules int
	index   [1 << 12]int16 // by the distances, 3 bits each; -1 none
}

func newEdgeTable(modules int, patterns [][]uint8) *edgeTable {
	t := &edgeTable{modules: modules}
	for i := range t.index {
		t.index[i] = -1
	}
	for v, p := range patterns {
		key := 0
		for j := 0; j < 4; j++ {
			key = key<<3 | int(p[j]+p[j+1])
		}
		t.index[key] = int16(v)
	}
	return t
}

// lookup returns the character whose rounded distances e are, or -1.
func (t *edgeTable) lookup(e []float64) int {
	key := 0
	for _, v := range e {
		m := int(v + 0.5)
		if m < 2 || m > 7 {
			return -1
		}
		key = key<<3 | m
	}
	return int(t.index[key])
}

// bestEdgeMatch returns the index of the pattern whose distances e is
// nearest, and how near it and the runner-up are.
func bestEdgeMatch(e []float64, patterns [][]uint8) (best int, d, second float64) {
	best, d, second = -1, 1e9, 1e9
	for i, p := range patterns {
		v := edgeMatch(e, p)
		switch {
		case v < d:
			best, d, second = i, v, d
		case v < second:
			second = v
		}
	}
	return best, d, second
}

// modulesOf parses patterns written as digit strings of element widths.
func modulesOf(ps ...string) [][]uint8 {
	out := make([][]uint8, len(ps))
	for i, p := range ps {
		out[i] = make([]uint8, len(p))
		for j := range p {
			out[i][j] = p[j] - '0'
		}
	}
	return out
}

// wideRanks classifies n elements (w[0], w[step], …) as wide (set bits,
// bit i for the i-th element) by taking the wide ones widest first: it
// returns the bits of the `wide` widest, and the ratio of the narrowest
// of those to the widest of the rest, which tells how clearly they
// differ.
func wideRanks(w []int, step, n, wide int) (bits int, ratio float64) {
	minWide, maxNarrow := 1<<30, 0
	for range wide {
		best := -1
		for i := 0; i < n; i++ {
			if bits&(1<<i) == 0 && (best < 0 || w[i*step] > w[best*step]) {
				best = i
			}
		}
		bits |= 1 << best
		minWide = min(minWide, w[best*step])
	}
	for i := 0; i < n; i++ {
		if bits&(1<<i) == 0 {
			maxNarrow = max(maxNarrow, w[i*step])
		}
	}
	if maxNarrow == 0 {
		return bits, 0
	}
	return bits, float64(minWide) / float64(maxNarrow)
}
