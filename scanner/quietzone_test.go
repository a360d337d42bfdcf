package scanner_test

import (
	"fmt"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// drawnCase is a symbol as zint draws it, read straight from zint's image.
type drawnCase struct {
	sym  scanner.Symbology
	args []string // zint's symbology, data and options
	text string   // what the engine reports; "" for zint's printed text
}

// readDrawn decodes zint's drawing of c at --scale=scale (2·scale pixels a
// module) as it is, with opts for c's symbology, and reports what it read
// when that is not exactly c's symbol.
func readDrawn(t *testing.T, c drawnCase, scale int, opts scanner.Options) (string, bool) {
	t.Helper()
	img := zint.ImageAt(t, scale, c.args...).Gray
	want := c.text
	if want == "" {
		want = zint.Text(t, c.args...)
	}
	f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	defer f.Purge()
	opts.Symbologies = scanner.NewSymbologySet(c.sym)
	res := scanner.DecodeFrame(f, opts)
	if len(res) == 1 && res[0].Symbology == c.sym && res[0].Text == want {
		return "", true
	}
	got := make([]string, len(res))
	for i, r := range res {
		got[i] = fmt.Sprintf("%v %q", r.Symbology, r.Text)
	}
	return fmt.Sprintf("%dx%d px: read %v, want %q", img.Rect.Dx(), img.Rect.Dy(), got, want), false
}

// The options a user meets first: scanctl decode's, and a live source's.
var (
	decodeDefaults = scanner.Options{TryRotated: true}
	liveDefaults   = scanner.Options{Adaptive: true, TryRotated: true}
)

// TestZintWithoutQuietZone reads symbols as zint draws them by default:
// without quiet zones, the first and last bars, or a 2D symbol's edge, on
// the image's edge. The image's outside counts as light: the Code 11,
// Telepen and Pharmacode readers take a line's ends for quiet zones (the
// symbologies without a check character of their own, MSI Plessey and
// the 2 of 5 codes, still need half theirs at one end; Pharmacode's bars
// are checked in two dimensions, and end at the image's top and bottom), and the
// MicroPDF417 search (and that of GS1 Composite 2D components) looks at
// its clusters with the light margin its rows need beyond the image.
// (The Aztec symbol failed otherwise: see contrastCrops.)
func TestZintWithoutQuietZone(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, c := range []drawnCase{
		{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "-d", "Hello World 123"}, text: "Hello World 123"},
		{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[10]ABC123"},
			text: "(01)09521234543213(10)ABC123"},
		{sym: scanner.Code11, args: []string{"-b", "CODE11", "-d", "12345"}},
		{sym: scanner.Telepen, args: []string{"-b", "TELEPEN", "-d", "Hello"}, text: "Hello"},
		// Pharmacode's bars reach the image's top and bottom too, with
		// --quietzones as without (zint adds none above and below).
		{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "-d", "1234"}, text: "1234"},
		{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "--quietzones", "-d", "1234"}, text: "1234"},
		{sym: scanner.Pharmacode, args: []string{"-b", "PHARMA", "-d", "7"}, text: "7"},
		// 38 pixels square: the live search's contrast cells of the last
		// column and row hold no whole block, and the one cell that does
		// was taken for a speck.
		{sym: scanner.Aztec, args: []string{"-b", "AZTEC", "-d", "Hello World 123"}, text: "Hello World 123"},
		// These read before.
		{sym: scanner.QRCode, args: []string{"-b", "QRCODE", "-d", "Hello World 123"}, text: "Hello World 123"},
		{sym: scanner.DataMatrix, args: []string{"-b", "DATAMATRIX", "-d", "Hello World 123"}, text: "Hello World 123"},
		{sym: scanner.PDF417, args: []string{"-b", "PDF417", "-d", "Hello World 123"}, text: "Hello World 123"},
		{sym: scanner.Code128, args: []string{"-b", "CODE128", "-d", "Hello123"}},
		{sym: scanner.EAN13, args: []string{"-b", "EANX", "-d", "590123412345"}, text: "5901234123457"},
	} {
		for _, o := range []struct {
			name string
			opts scanner.Options
		}{{"decode", decodeDefaults}, {"live", liveDefaults}} {
			if got, ok := readDrawn(t, c, 1, o.opts); !ok {
				t.Errorf("%v %s with %s defaults: %s", c.sym, c.args, o.name, got)
			}
		}
	}
}

// TestZintLargeModules reads symbols of 10 and 16 pixels a module (zint
// --scale 5 and 8) with a live source's defaults: the MicroPDF417 search,
// which looks for cells crossed by many edges, finds them in the image
// sampled every fourth pixel.
func TestZintLargeModules(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, tc := range []struct {
		c      drawnCase
		scales []int
	}{
		{drawnCase{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--quietzones", "-d", "Hello World 123"}, text: "Hello World 123"}, []int{5, 8}},
		{drawnCase{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "--cols=4", "--quietzones", "-d", "MicroPDF417 at large modules"},
			text: "MicroPDF417 at large modules"}, []int{5}},
		{drawnCase{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_OMN_CC", "--mode=1", "--quietzones", "--primary=0952123454321", "-d", "[10]ABC123"},
			text: "(01)09521234543213(10)ABC123"}, []int{5, 8}},
		// Without quiet zones, the light its rows need before their left
		// RAPs lies beyond the image: two modules, 12, 40 and 64 pixels.
		{drawnCase{sym: scanner.MicroPDF417, args: []string{"-b", "MICROPDF417", "-d", "Hello World 123"}, text: "Hello World 123"}, []int{3, 10, 16}},
		// These read before.
		{drawnCase{sym: scanner.QRCode, args: []string{"-b", "QRCODE", "--quietzones", "-d", "Hello World 123"}, text: "Hello World 123"}, []int{8}},
		{drawnCase{sym: scanner.Code128, args: []string{"-b", "CODE128", "--quietzones", "-d", "Hello123"}}, []int{8}},
	} {
		for _, s := range tc.scales {
			if got, ok := readDrawn(t, tc.c, s, liveDefaults); !ok {
				t.Errorf("%v %s at --scale=%d with live defaults: %s", tc.c.sym, tc.c.args, s, got)
			}
		}
	}
}

// TestZintITF14BearerFrame reads ITF-14 as zint draws it by default, in a
// bearer frame whose vertical bars end the quiet zones on the image's
// edge, as on shipping cartons (GS1 General Specifications 5.3.2.4). The
// zones are ten narrow elements wide, the least ITF asks for, and the
// bars on both sides of each, grown a little by the row's threshold as
// every bar is, took a little of it: the symbol was not read at all.
func TestZintITF14BearerFrame(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, c := range []drawnCase{
		{sym: scanner.ITF, args: []string{"-b", "ITF14", "-d", "1071234500000"}, text: "10712345000009"},
		{sym: scanner.ITF, args: []string{"-b", "ITF14", "-d", "0000000000000"}, text: "00000000000000"},
	} {
		for _, s := range []int{1, 3} {
			for _, o := range []struct {
				name string
				opts scanner.Options
			}{{"decode", decodeDefaults}, {"live", liveDefaults}} {
				if got, ok := readDrawn(t, c, s, o.opts); !ok {
					t.Errorf("%v %s at --scale=%d with %s defaults: %s", c.sym, c.args, s, o.name, got)
				}
			}
		}
	}
}
