package scanner_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// compositeCases are GS1 Composite symbols of every linear component and
// 2D component kind zint writes, with the text the engine reports. The
// 2D components read at quarter turns tilted up to 5°: rows two modules
// high cross a scan row for too short a run beyond that.
var compositeCases = []zintCase{
	{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[17]201231[10]ABC123"},
		text: "(01)09521234543213(17)201231(10)ABC123", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_STK_CC", "--mode=1", "--primary=0952123454321", "-d", "[21]A12[90]3AB"},
		// TryHarder's dense rows find a stacked DataBar's short rows where
		// a 2D component above it takes the frame's middle rows.
		text: "(01)09521234543213(21)A12(90)3AB", maxTilt: 1.5, opts: scanner.Options{TryHarder: true}, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_EXP_CC", "--mode=1", "--primary=[01]09521234543213[3103]001234", "-d", "[11]250101"},
		text: "(01)09521234543213(3103)001234(11)250101", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd"},
		text: "(01)03312345678903(99)1234-abcd", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "UPCA_CC", "--mode=2", "--primary=01234567890", "-d", "[90]3AB12[21]77"},
		text: "(01)00012345678905(90)3AB12(21)77", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "UPCE_CC", "--mode=1", "--primary=0123456", "-d", "[10]LOT7"},
		text: "(01)00012345000065(10)LOT7", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "GS1_128_CC", "--mode=3", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123"},
		text: "(01)09521234543213(17)201231(10)ABC123", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "GS1_128_CC", "--mode=2", "--primary=[00]095212345678901234", "-d", "[400]PO-1234"},
		text: "(00)095212345678901234(400)PO-1234", maxTilt: 5, floor: compositeFloor},
	// CC-A of three columns, whose rows have no left RAP, above EAN-8 and
	// DataBar Limited.
	{sym: scanner.GS1Composite, args: []string{"-b", "EANX_CC", "--mode=1", "--primary=1234567", "-d", "[21]A1"},
		text: "(01)00000012345670(21)A1", maxTilt: 5, floor: compositeFloor},
	{sym: scanner.GS1Composite, args: []string{"-b", "DBAR_LTD_CC", "--mode=1", "--primary=1501234567890", "-d", "[17]201231[10]ABC123"},
		text: "(01)15012345678907(17)201231(10)ABC123", maxTilt: 5, floor: compositeFloor},
}

// compositeFloor is the share of composite reads the round trip wants:
// small modules blurred by a third of a module and tilted defeat the 2D
// component's search or the linear reader (-zint-sweep measures the rate;
// see the README).
const compositeFloor = 0.93

func TestCompositeRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip(t, compositeCases)
}

// TestCompositeReporting: what is reported of a composite symbol, and of a
// plain linear one, depends on the symbologies asked for: the composite
// as one result; its linear component alone when only that is asked; a
// linear symbol without a 2D component only under its own name. And the
// DataBar linear component, whose linkage flag is set, reads as its GTIN.
func TestCompositeReporting(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	composite := []string{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[10]ABC"}
	plain := []string{"-b", "EANX", "-d", "331234567890"}
	for _, tc := range []struct {
		name string
		args []string
		syms scanner.SymbologySet
		want []string
	}{
		{"composite asked", composite, scanner.NewSymbologySet(scanner.GS1Composite), []string{"GS1_COMPOSITE (01)09521234543213(10)ABC"}},
		{"composite and its linear asked", composite, scanner.NewSymbologySet(scanner.GS1Composite, scanner.DataBar), []string{"GS1_COMPOSITE (01)09521234543213(10)ABC"}},
		{"linear asked", composite, scanner.NewSymbologySet(scanner.DataBar), []string{"DATABAR 09521234543213"}},
		{"plain linear, composite asked", plain, scanner.NewSymbologySet(scanner.GS1Composite), nil},
		{"plain linear, both asked", plain, scanner.NewSymbologySet(scanner.GS1Composite, scanner.EAN13), []string{"EAN_13 3312345678903"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, _ := zint.Image(t, tc.args...).Render(zint.Scene{Module: 3, Noise: 4})
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			defer f.Purge()
			var got []string
			for _, r := range scanner.DecodeFrame(f, scanner.Options{Symbologies: tc.syms}) {
				got = append(got, r.Symbology.String()+" "+r.Text)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("read %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCompositeZintDrawing: GS1-128 composites as zint writes them (what
// `zint -b GS1_128_CC` saves: unblurred, two pixels a module, or four
// with --scale=2), CC-A, CC-B and CC-C, read as composites with the
// default symbologies and GS1_COMPOSITE on, not as their Code 128 linear
// component alone: the 2D component's sampling lines stop at the linear
// component, whose bars, drawn sharp on whole pixels, read as rows.
func TestCompositeZintDrawing(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const want = "(01)09521234543213(17)201231(10)ABC123"
	for _, mode := range []string{"", "--mode=1", "--mode=2", "--mode=3"} {
		args := []string{"-b", "GS1_128_CC", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123"}
		if mode != "" {
			args = append(args, mode)
		}
		for _, scale := range []int{1, 2} {
			img := zint.ImageAt(t, scale, args...).Gray
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.DefaultSymbologies().With(scanner.GS1Composite), TryRotated: true})
			f.Purge()
			var got []string
			for _, r := range res {
				got = append(got, r.Symbology.String()+" "+r.Text)
			}
			if len(got) != 1 || got[0] != "GS1_COMPOSITE "+want {
				t.Errorf("zint %q at --scale=%d: read %q, want GS1_COMPOSITE %s", mode, scale, got, want)
			}
		}
	}
}

// TestCompositeStacked: DataBar Stacked composites, turned a quarter,
// half or three quarters and a degree off, read without TryHarder: the
// linear component's two rows are read as pairs joined across rows, on
// the rows the default search scans. gozxing's reader of the rows, which
// takes only a row's first finder pattern from either end, read none of
// these 16.
func TestCompositeStacked(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	r := zint.Image(t, "-b", "DBAR_STK_CC", "--mode=1", "--primary=0952123454321", "-d", "[21]A12[90]3AB")
	const want = "(01)09521234543213(21)A12(90)3AB"
	for _, m := range []float64{2.5, 3.5} {
		for _, a := range []float64{-1, 1, 89, 91, 179, 181, 269, 271} {
			img, _ := r.Render(zint.Scene{Module: m, Angle: a, Noise: 6, Seed: 1})
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.GS1Composite), TryRotated: true})
			f.Purge()
			if len(res) != 1 || res[0].Text != want {
				t.Errorf("%.1f px a module, %v°: read %v", m, a, res)
			}
		}
	}
}

// TestCompositeThreeRowsBlurred: a CC-A of three rows and four columns
// over DataBar Expanded, blurred by a third of a module at 2.2 and 2.3
// pixels a module, upside down: two scenes of the -zint-sweep it missed.
// Lines along its edge's slope, a degree or so off its rows, read rows
// that group into two of the three: the small turns round that slope must
// be tried even so.
func TestCompositeThreeRowsBlurred(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const i = 2 // the DataBar Expanded case, whose sweep scenes these are
	c := compositeCases[i]
	r := zint.Image(t, c.args...)
	scenes := c.scenes(200, rand.New(rand.NewPCG(uint64(i), 14)))
	for _, k := range []int{73, 101} {
		if ok, got := readZint(t, r, c, scenes[k], uint64(k)); !ok {
			t.Errorf("%q at %v: read %s", c.text, scenes[k], got)
		}
	}
}

// TestCompositeTilted: CC-A components of three rows over DataBar
// Omnidirectional and Expanded, sharp, at 2.5 to 3.5 pixels a module, a
// quarter turn and 4° either way, read. The component's left edge is a
// few scan rows high, too short to measure its slope, and the view's
// angle is the linear component's, which may be a degree off; no line at
// either angle reads a whole row, and other angles must be tried. (Under
// -race a sample of the cases: see internal/sweep.)
func TestCompositeTiltedSweep(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	cases := sweep.New(t)
	for _, c := range []zintCase{compositeCases[0], compositeCases[2]} {
		r := zint.Image(t, c.args...)
		for _, m := range []float64{2.5, 3, 3.5} {
			for _, a := range []float64{-4, 4, 86, 94, 176, 184, 266, 274} {
				if !cases.Next() {
					continue
				}
				s := zintScene{module: m, angle: a}
				if ok, got := readZint(t, r, c, s, 1); !ok {
					t.Errorf("%q at %v: read %s", c.text, s, got)
				}
			}
		}
	}
}
