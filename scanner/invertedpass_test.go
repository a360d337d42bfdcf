package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// A light symbol on dark shows the first pass none of its patterns, so
// the readers that skip the passes after it where its search found no
// candidate (MicroPDF417, Han Xin, DotCode, the postal codes) still
// search the inverted view, where it is dark on light.
func TestInvertedPassSearchesPastUnpromising(t *testing.T) {
	inversion, _ := robust.AxisNamed("inversion")
	d := scanner.NewDecoder()
	for _, sym := range []scanner.Symbology{scanner.POSTNET, scanner.DotCode, scanner.HanXin, scanner.MicroPDF417} {
		for _, c := range robust.Cases(sym, inversion, 1, 1) {
			if c.Level != 1 {
				continue
			}
			s, img, err := c.Image()
			if err != nil {
				t.Fatal(err)
			}
			if !robust.ReadScannerd(d, s, img) {
				t.Errorf("%v light on dark not read", sym)
			}
		}
	}
}
