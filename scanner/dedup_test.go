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

// A result the meter refused is not a scan: the next frame that reads it
// delivers it, within the forget time, and only once; a refusal of the
// scan without its add-on does not undo the scan with it delivered since.
func TestDedupUndeliver(t *testing.T) {
	d := scanner.NewDedup(time.Minute, 1)
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	seq := uint64(0)
	read := func(source, addOn string) []scanner.Result {
		seq++
		return d.Filter(&scanner.FrameReport{Source: source, Seq: seq, CapturedAt: t0.Add(time.Duration(seq) * time.Second),
			Results: []scanner.Result{{Symbology: scanner.EAN13, Text: "9780735200449", AddOn: addOn}}})
	}
	first := read("inbox", "")
	if len(first) != 1 {
		t.Fatalf("first read delivered %v", first)
	}
	d.Undeliver("other", first) // another source's refusal changes nothing
	if got := read("inbox", ""); len(got) != 0 {
		t.Fatalf("a duplicate delivered: %v", got)
	}
	d.Undeliver("inbox", first)
	if got := read("inbox", ""); len(got) != 1 {
		t.Fatalf("a refused result read again was not delivered: %v", got)
	}
	if got := read("inbox", ""); len(got) != 0 {
		t.Fatalf("delivered twice after a refusal: %v", got)
	}
	withAddOn := read("inbox", "51299")
	if len(withAddOn) != 1 {
		t.Fatalf("the add-on scan was not delivered: %v", withAddOn)
	}
	d.Undeliver("inbox", first) // late refusal of the scan without it
	if got := read("inbox", "51299"); len(got) != 0 {
		t.Fatalf("the add-on scan delivered twice: %v", got)
	}
}
