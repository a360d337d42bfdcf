package linear

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// TestReadsEverySymbolAlongALine: symbols side by side on one line, their
// quiet zones shared, are all read, in order: after each symbol read the
// search goes on at the first bar after it.
func TestReadsEverySymbolAlongALine(t *testing.T) {
	zint.Need(t)
	texts := []string{"ABC", "12345", "XYZ-9"}
	var line []int
	for i, text := range texts {
		runs := barstest.Runs(t, 2, "-b", "CODE39", "-d", text)
		if i > 0 { // one quiet zone between two symbols
			runs = runs[1:]
		}
		for _, r := range runs {
			line = append(line, 16*r) // sixteenths of a pixel
		}
	}
	var r Reader
	got := r.Read(line, NewFormats(Code39), nil)
	if len(got) != len(texts) {
		t.Fatalf("read %d symbols %+v, want %d", len(got), got, len(texts))
	}
	for i, s := range got {
		if s.Text != texts[i] {
			t.Errorf("symbol %d: %q, want %q", i, s.Text, texts[i])
		}
	}
}

// TestGrownArraysLetGoCleared: where a longer symbol outgrows the arrays
// the reader read a shorter one's characters and text in, the arrays it
// lets go hold nothing of the shorter symbol.
func TestGrownArraysLetGoCleared(t *testing.T) {
	zint.Need(t)
	long := "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJ" // 46 characters
	for _, tc := range []struct {
		format      Format
		zint        string
		short, long string
	}{
		{Code128, "CODE128", "ab", long},
		{Code39, "CODE39", "AB", long},
		{Code93, "CODE93", "AB", long},
		{Codabar, "CODABAR", "A12B", "A0123456789012345678901234567890123456789B"},
		{ITF, "C25INTER", "123456", "0123456789012345678901234567890123456789012345678901234567890123"},
	} {
		var r Reader
		read := func(text string) {
			t.Helper()
			runs := barstest.Runs(t, 2, "-b", tc.zint, "-d", text)
			for i := range runs {
				runs[i] *= 16
			}
			if got := r.Read(runs, NewFormats(tc.format), nil); len(got) != 1 {
				t.Fatalf("%v %q: read %+v", tc.format, text, got)
			}
		}
		read(tc.short)
		text, values := r.text[:cap(r.text)], r.values[:cap(r.values)]
		read(tc.long)
		if cap(r.text) == cap(text) && cap(r.values) == cap(values) {
			t.Fatalf("%v: the long symbol grew no array: the test no longer sees one let go", tc.format)
		}
		if cap(r.text) != cap(text) && !scrubtest.Zero(text) || cap(r.values) != cap(values) && !scrubtest.Zero(values) {
			t.Errorf("%v: an array let go holds the short symbol's characters or text", tc.format)
		}
	}
}
