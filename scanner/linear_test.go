package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// linearCases are symbols of scannerd's own 1D decoders as zint draws
// them, with the text the engine must report.
var linearCases = []zintCase{
	{sym: scanner.Code11, args: []string{"-b", "CODE11", "-d", "123-45"}},
	{sym: scanner.Code11, args: []string{"-b", "CODE11", "--vers=1", "-d", "0123456789-"}},
	{sym: scanner.Code11, args: []string{"-b", "CODE11", "-d", "8"}},
	{sym: scanner.Code11, args: []string{"-b", "CODE11", "-d", "55-1234-9876"}},
	{sym: scanner.MSI, args: []string{"-b", "MSI_PLESSEY", "-d", "0123456789"}},
	{sym: scanner.MSI, args: []string{"-b", "MSI_PLESSEY", "--vers=2", "-d", "4711"}, opts: scanner.Options{MSICheck: scanner.MSICheckMod10Mod10}},
	{sym: scanner.MSI, args: []string{"-b", "MSI_PLESSEY", "--vers=5", "-d", "80523"}, opts: scanner.Options{MSICheck: scanner.MSICheckMod11NCR}},
	// Pharmacode's quiet zones are 6 mm, six spaces; the scenes' margins
	// are five, so zint adds its own.
	{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "--quietzones", "-d", "1234"}, text: "1234", upright: true},
	{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "--quietzones", "-d", "131070"}, text: "131070", upright: true},
	{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "--quietzones", "-d", "7"}, text: "7", upright: true},
	{sym: scanner.Industrial25, args: []string{"-b", "C25IND", "-d", "0123456789"}},
	{sym: scanner.Industrial25, args: []string{"-b", "C25IND", "--vers=1", "-d", "12"}},
	{sym: scanner.Matrix25, args: []string{"-b", "C25STANDARD", "-d", "0123456789"}},
	{sym: scanner.Matrix25, args: []string{"-b", "C25STANDARD", "-d", "42"}},
	{sym: scanner.IATA25, args: []string{"-b", "C25IATA", "-d", "0123456789"}},
	{sym: scanner.IATA25, args: []string{"-b", "C25IATA", "-d", "2201"}},
	{sym: scanner.Telepen, args: []string{"-b", "TELEPEN", "-d", "Telepen 1972!"}},
	{sym: scanner.Telepen, args: []string{"-b", "TELEPEN", "-d", "a"}},
	{sym: scanner.Telepen, args: []string{"-b", "TELEPEN_NUM", "-d", "0123456789"}, opts: scanner.Options{TelepenNumeric: true}},
	{sym: scanner.Telepen, args: []string{"-b", "TELEPEN_NUM", "-d", "98765X"}, opts: scanner.Options{TelepenNumeric: true}},
	{sym: scanner.DataBar, args: []string{"-b", "DBAR_OMN", "-d", "0952123454321"}, text: "09521234543213"},
	{sym: scanner.DataBar, args: []string{"-b", "DBAR_OMN", "-d", "9999999999999"}, text: "99999999999997"},
	{sym: scanner.DataBarLimited, args: []string{"-b", "DBAR_LTD", "-d", "1501234567890"}, text: "15012345678907"},
	{sym: scanner.DataBarLimited, args: []string{"-b", "DBAR_LTD", "-d", "0000000000000"}, text: "00000000000000"},
	// ITF-14 in zint's bearer frame, as on shipping cartons: the frame's
	// vertical bars end the quiet zones, ten narrow elements wide, so ink
	// spread and blur, which widen the bars, narrow the zones as measured.
	{sym: scanner.ITF, args: []string{"-b", "ITF14", "-d", "1071234500000"}, text: "10712345000009"},
	{sym: scanner.ITF, args: []string{"-b", "ITF14", "-d", "0000000000000"}, text: "00000000000000"},
}

// TestZintLinear reads each of scannerd's own 1D symbologies from zint's
// drawings at several sizes, turns and blurs.
func TestZintLinear(t *testing.T) {
	roundTrip(t, linearCases)
}

// TestDataBarPhase: a DataBar Omnidirectional symbol at four pixels a
// module reads wherever its edges fall between pixels, sharp or blurred
// by a third of a module. gozxing's reader of rows binarized pixel by
// pixel, where a module-wide element is three pixels or five at some
// phases, read 4 of these 16.
func TestDataBarPhase(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	r := zint.Image(t, "-b", "DBAR_OMN", "-d", "0952123454321")
	for _, blur := range []float64{0, 4.0 / 3} {
		for q := range 8 {
			// A sixteenth of a module more margin moves the symbol's
			// edges by a quarter of a pixel.
			sc := zint.Scene{Module: 4, Blur: blur, Noise: 4, Seed: uint64(q), Margin: 10 + float64(q)/16}
			img, _ := r.Render(sc)
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.DataBar)})
			f.Purge()
			if len(res) != 1 || res[0].Text != "09521234543213" {
				t.Errorf("margin %.4f modules, blur %.2f px: read %v", sc.Margin, blur, res)
			}
		}
	}
}

// TestDataBarLimitedBlur: a DataBar Limited symbol at three and four
// pixels a module, blurred by a third of a module, reads wherever its
// edges fall between pixels. Blurred so, its bars print a quarter of a
// module wider than its spaces, which the reader's first test of the
// one-module elements, bars against spaces, took for no symbol: none of
// these 16 read.
func TestDataBarLimitedBlur(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	r := zint.Image(t, "-b", "DBAR_LTD", "-d", "0000000000000")
	for _, module := range []float64{3, 4} {
		for q := range 8 {
			sc := zint.Scene{Module: module, Blur: module / 3, Noise: 4, Seed: uint64(q), Margin: 10 + float64(q)/16}
			img, _ := r.Render(sc)
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.DataBarLimited)})
			f.Purge()
			if len(res) != 1 || res[0].Text != "00000000000000" {
				t.Errorf("%.0f px a module, margin %.4f modules: read %v", module, sc.Margin, res)
			}
		}
	}
}

// TestOffByDefault: the symbologies that texture imitates are read only
// when asked for, those on by default without asking.
func TestOffByDefault(t *testing.T) {
	zint.Need(t)
	for _, tc := range []struct {
		sym  scanner.Symbology
		args []string
	}{
		{scanner.Code11, []string{"-b", "CODE11", "-d", "123-45"}},
		{scanner.Industrial25, []string{"-b", "C25IND", "-d", "0123456789"}},
		{scanner.Telepen, []string{"-b", "TELEPEN", "-d", "ON BY DEFAULT"}},
	} {
		img, _ := zint.Image(t, tc.args...).Render(zint.Scene{Module: 3})
		for _, set := range []scanner.SymbologySet{0, scanner.AllSymbologies()} {
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: set})
			want := set != 0 || tc.sym.OnByDefault()
			if got := len(res) == 1 && res[0].Symbology == tc.sym; got != want {
				t.Errorf("%v with symbologies %q: read %v, want read %v", tc.sym, set, res, want)
			}
		}
	}
}
