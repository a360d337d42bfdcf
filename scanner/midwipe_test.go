package scanner_test

import (
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// The rows a decoder reads again at their mid-range black point (a
// symbol smeared along its rows) hold image data like the others: they
// are wiped when the frame is done.
func TestDecoderKeepsNoMidRangeRowsAfterAFrame(t *testing.T) {
	motion, _ := robust.AxisNamed("motion")
	var c robust.Case
	for _, k := range robust.Cases(scanner.Code39, motion, 1, 1) {
		if k.Level == 1.5 {
			c = k
		}
	}
	s, img, err := c.Image()
	if err != nil {
		t.Fatal(err)
	}
	d := scanner.NewDecoder()
	if !robust.ReadScannerd(d, s, img) {
		t.Fatal("the blurred symbol was not read")
	}
	lum, widths := scanner.MidRangeRows(d)
	// The rows are measured from the gray levels the row scan read (lum
	// stays empty), their widths in the scanner's own buffer.
	if len(widths) == 0 {
		t.Fatal("no row of the blurred symbol was read at its mid-range black point")
	}
	if slices.ContainsFunc(lum, func(v byte) bool { return v != 0 }) {
		t.Error("a gray row read at the mid-range black point kept after the frame")
	}
	if slices.ContainsFunc(widths, func(v int) bool { return v != 0 }) {
		t.Error("the widths of a row read at the mid-range black point kept after the frame")
	}
}
