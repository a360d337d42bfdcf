package main

import (
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// A family ZXingReader has no reader for shows "-" in its column and is
// not counted against scannerd, where a family it reads shows its rate.
func TestReportFamilyZXingDoesNotRead(t *testing.T) {
	inversion, _ := robust.AxisNamed("inversion")
	var outs []outcome
	for _, sym := range []scanner.Symbology{scanner.QRCode, scanner.DotCode} {
		outs = append(outs,
			outcome{c: robust.Case{Sym: sym, Axis: "inversion", Level: 0}, scannerd: true, zxing: true},
			outcome{c: robust.Case{Sym: sym, Axis: "inversion", Level: 1}, scannerd: false})
	}
	var b strings.Builder
	report(&b, outs, []scanner.Symbology{scanner.QRCode, scanner.DotCode}, []robust.Axis{inversion}, true, nil)
	for _, want := range []string{
		"| QR_CODE | 100/100 | 0/0 |",
		"| DOTCODE | 100/- | 0/- |",
		"  QR_CODE 0\n",
		"  DOTCODE - (ZXingReader does not read it)\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
