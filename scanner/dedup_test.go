package scanner_test

import (
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// TestDedupAddOn: an EAN symbol delivered without its add-on is delivered
// again once the add-on reads (the price the first frame missed); reads
// without it after that, or of the same add-on, are the same scan; a
// different add-on is a new scan.
func TestDedupAddOn(t *testing.T) {
	d := scanner.NewDedup(3*time.Second, 1)
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	frames := []struct {
		addOn   string
		deliver bool
	}{
		{"", true}, {"", false}, {"51299", true}, {"", false}, {"51299", false}, {"52495", true},
	}
	for i, f := range frames {
		rep := &scanner.FrameReport{Source: "cam", Seq: uint64(i), CapturedAt: t0.Add(time.Duration(i) * 100 * time.Millisecond),
			Results: []scanner.Result{{Symbology: scanner.EAN13, Text: "9780735200449", AddOn: f.addOn}}}
		got := d.Filter(rep)
		if (len(got) == 1) != f.deliver || len(got) == 1 && got[0].AddOn != f.addOn {
			t.Errorf("frame %d with add-on %q: delivered %+v, want delivered=%v", i, f.addOn, got, f.deliver)
		}
	}
}
