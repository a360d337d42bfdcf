package scanner

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestAreaHintsAllocateNothing: the hints an area reader's step adds to
// its pass's are built in a map the decoder keeps, none made for a step
// once it has grown, and the pass's own hints are left as they were.
func TestAreaHintsAllocateNothing(t *testing.T) {
	d := newDecoder()
	a := areaReader{sym: DXFilmEdge, turnsItself: true}
	pass := d.hints(true)
	n := len(pass)
	opts := Options{TryRotated: true}
	h := d.areaHints(&a, pass, opts, nil)
	if !hint.Set(h, hint.QuarterTurns) || !hint.TryHarder(h) || len(h) != n+1 {
		t.Errorf("step hints %v, want the pass's %v and quarter turns", h, pass)
	}
	if _, ok := pass[hint.QuarterTurns]; ok || len(pass) != n {
		t.Errorf("the pass's hints changed: %v", pass)
	}
	if allocs := testing.AllocsPerRun(10, func() { d.areaHints(&a, pass, opts, nil) }); allocs != 0 {
		t.Errorf("building a step's hints allocates %v times, want 0", allocs)
	}
}
