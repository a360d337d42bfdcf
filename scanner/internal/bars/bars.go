// Package bars holds what scannerd's decoders of the less common linear
// symbologies share: the symbol a decoder reads at a place in a line, and
// the width tests the decoders make.
//
// A line is the widths of its runs as the linear reader (scanner/linear)
// gives them: light first (of width 0 when the line starts dark), then
// alternating dark and light, so dark runs sit at odd indexes. The unit
// is whatever the caller measures in; the decoders look at ratios only.
// A decoder reads in the direction of the widths; the engine hands it
// each row both ways.
package bars

// Symbol is what a decoder read in a line.
type Symbol struct {
	Text string
	// ID is the AIM symbology identifier (ISO/IEC 15424), e.g. "]H1".
	ID string
	// First and Last index the runs of the symbol's first and last bar.
	First, Last int
	// Linked is a GS1 DataBar Limited symbol's linkage flag: a GS1
	// Composite 2D component is printed above it.
	Linked bool
}

// Decoder reads a symbol whose first bar is dark run k of runs.
type Decoder func(runs []int, k int) (Symbol, bool)

// Scan returns the first symbol decode reads along runs, trying every
// dark run as the first bar.
func Scan(runs []int, decode Decoder) (Symbol, bool) {
	for k := 1; k < len(runs); k += 2 {
		if s, ok := decode(runs, k); ok {
			return s, true
		}
	}
	return Symbol{}, false
}

// Quiet reports whether the light run at index i is at least width wide:
// a quiet zone. The line's ends count as quiet: light up to the frame's
// edge (a first light run of width 0, or the last run) is enough when it
// is half as wide.
func Quiet(runs []int, i int, width float64) bool {
	switch {
	case i <= 0 || i >= len(runs):
		return true
	case i == len(runs)-1:
		return float64(runs[i]) >= width/2
	}
	return float64(runs[i]) >= width
}

// QuietOrEdge is Quiet for the decoders whose check characters tell a
// whole symbol from a part of one, or from other bars (Code 11 and
// Telepen): the line's ends count as quiet whatever their width. The
// line is a row of the image, and a symbol drawn or cropped without its
// margins (zint's default drawing) has its first and last bars at the
// image's edges, beyond which lies nothing to read. (Without such a
// check, bars of another symbol at the image's edge read as a short
// symbol of the 2 of 5 codes now and then: they keep Quiet.)
func QuietOrEdge(runs []int, i int, width float64) bool {
	return i <= 0 || i >= len(runs)-1 || float64(runs[i]) >= width
}

// Sum returns the total of ws.
func Sum(ws []int) int {
	s := 0
	for _, w := range ws {
		s += w
	}
	return s
}

// Near reports whether a width w is within tol (a fraction) of want.
func Near(w, want, tol float64) bool {
	return w >= want*(1-tol) && w <= want*(1+tol)
}
