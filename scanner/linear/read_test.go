package linear

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
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
