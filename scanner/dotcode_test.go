package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// dotCodeCases are DotCode symbols of several sizes and dot sizes (zint's
// --dotsize, the dot's diameter in modules), with text, digits, GS1 and
// binary data.
var dotCodeCases = []zintCase{
	{sym: scanner.DotCode, args: []string{"-b", "DOTCODE", "-d", "DotCode 42"}, text: "DotCode 42"},
	{sym: scanner.DotCode, args: []string{"-b", "DOTCODE", "--dotsize=0.5", "-d", "0123456789012345678901234567890123456789"}, text: "0123456789012345678901234567890123456789"},
	{sym: scanner.DotCode, args: []string{"-b", "DOTCODE", "--dotsize=1", "--cols=40", "-d", "Lot A17/2026, best before 2027-03"}, text: "Lot A17/2026, best before 2027-03"},
	{sym: scanner.DotCode, args: []string{"-b", "DOTCODE", "--gs1", "-d", "[01]09501101530003[17]270101[10]ABC123"}, text: "01095011015300031727010110ABC123"},
}

// TestZintDotCode reads DotCode symbols from zint's drawings at any turn,
// sharp and blurred, through the engine.
func TestZintDotCode(t *testing.T) {
	t.Parallel()
	for i := range dotCodeCases {
		dotCodeCases[i].anyAngle, dotCodeCases[i].scale, dotCodeCases[i].minModule = true, 3, 4
	}
	roundTrip(t, dotCodeCases)
}

// TestDotCodeStructuredAppend: a DotCode symbol of a structured append set
// reports its place, and DotCode is read only when asked for.
func TestDotCodeStructuredAppend(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "--structapp=2,3", "-d", "PART TWO").Render(zint.Scene{Module: 6, Angle: 140})
	f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	defer f.Purge()
	if res := scanner.DecodeFrame(f, scanner.Options{}); len(res) != 0 {
		t.Errorf("read %v with the default symbologies", res)
	}
	res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.DotCode)})
	if len(res) != 1 || res[0].Text != "PART TWO" {
		t.Fatalf("read %+v", res)
	}
	if s := res[0].Sequence; s == nil || s.Index != 1 || s.Count != 3 {
		t.Errorf("sequence %+v, want the second of 3", s)
	}
}
