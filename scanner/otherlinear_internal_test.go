package scanner

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/linear"
)

// TestShortRowFormats: with every symbology on, a row of fewer changes
// than the defaults' fewest is read for the formats that read it with
// the defaults and their own symbology alone on, and for no other: the
// default formats never, Pharmacode from 5 changes, Code 11 from 16.
// With the defaults alone no format reads such a row.
func TestShortRowFormats(t *testing.T) {
	t.Parallel()
	all := AllSymbologies()
	short := shortRowFormats(linearFormats(all))
	for e := range minRowTransitions {
		var want linear.Formats
		for _, o := range otherLinear {
			if e >= fewestEdges(DefaultSymbologies()|NewSymbologySet(o.sym)) {
				want |= linear.NewFormats(o.format)
			}
		}
		if short[e] != want {
			t.Errorf("a row of %d changes is read for %b, want %b", e, short[e], want)
		}
	}
	if want := linear.NewFormats(linear.Pharmacode); short[5] != want || short[4] != 0 {
		t.Errorf("rows of 4 and 5 changes read for %b and %b, want none and Pharmacode", short[4], short[5])
	}
	if !short[16].Has(linear.Code11) || short[15].Has(linear.Code11) {
		t.Error("Code 11 not read from 16 changes on")
	}
	if defaults := shortRowFormats(linearFormats(DefaultSymbologies())); defaults != [minRowTransitions]linear.Formats{} {
		t.Errorf("with the defaults, short rows are read for %b", defaults)
	}
	// Each view of a row counts its changes alike.
	s := rowScanner{fwd: []int{0, 5, 2, 3, 1, 7}, rev: []int{0, 7, 1, 3, 2, 5}}
	for _, v := range s.views() {
		if v.edges() != 4 {
			t.Errorf("view %+v: %d changes, want 4", v, v.edges())
		}
	}
}
