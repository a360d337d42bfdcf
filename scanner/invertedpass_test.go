package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/zint"
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

// A light symbol on dark that fills the image, its quiet zone of three
// modules narrower than a region's margin, shows no ring of quiet cells
// round its busy ones (or the image is too small to be cut into cells);
// the image's edges tell its dark ground, and the inverted pass searches
// the whole view for the readers whose first search found nothing.
func TestInvertedPassReadsSymbolFillingView(t *testing.T) {
	zint.Need(t)
	for _, c := range []struct {
		sym    scanner.Symbology
		scale  int
		module float64
		args   []string
	}{
		{scanner.HanXin, 1, 2, []string{"-b", "HANXIN", "--vers=2", "-d", "Han Xin 2"}},
		{scanner.DotCode, 3, 4, []string{"-b", "DOTCODE", "-d", "Dot 7"}},
		{scanner.MicroPDF417, 1, 2, []string{"-b", "MICROPDF417", "--cols=2", "-d", "Expiry 2028-01-31"}},
		// 27 pixels high: too small to be cut into cells at all.
		{scanner.POSTNET, 1, 1.5, []string{"-b", "POSTNET", "-d", "12345"}},
	} {
		img, _ := zint.ImageAt(t, c.scale, c.args...).Render(zint.Scene{Module: c.module, Margin: 3, Noise: 6, Dark: 215, Light: 35})
		f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
		res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(c.sym), TryHarder: true, TryInverted: true})
		f.Purge()
		if want := c.args[len(c.args)-1]; len(res) != 1 || res[0].Text != want {
			t.Errorf("%v light on dark filling the image: read %+v, want %q", c.sym, res, want)
		}
	}
}

// The symbologies whose inverted pass searches only a dark ground read
// light on dark what they read dark on light, in images the symbol fills
// with a quiet zone of three or ten modules, small modules, four quarter
// turns and 30°. The floors are the reads of this sweep when it was
// written (Han Xin 199 of 210, DotCode 58 of 60, MicroPDF417 57 of 60,
// POSTNET 51 of 60), less some: before the view's edges were told
// (onDarkGround), it read 93, 25, 17 and 18. (Under -race a sample
// of the cases: see internal/sweep.)
func TestLightOnDarkSweep(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	cases := sweep.New(t)
	type symbol struct {
		scale   int
		modules []float64
		args    []string
	}
	for _, s := range []struct {
		sym     scanner.Symbology
		floor   float64
		symbols []symbol
	}{
		{scanner.HanXin, 0.9, []symbol{
			{1, nil, []string{"-b", "HANXIN", "--vers=1", "-d", "HX"}},
			{1, nil, []string{"-b", "HANXIN", "--vers=1", "-d", "12345"}},
			{1, nil, []string{"-b", "HANXIN", "--vers=2", "-d", "Han Xin 2"}},
			{1, nil, []string{"-b", "HANXIN", "--vers=3", "--secure=3", "-d", "汉信 v3"}},
			{1, nil, []string{"-b", "HANXIN", "-d", "short"}},
			{1, nil, []string{"-b", "HANXIN", "-d", "A longer Han Xin text, version chosen by zint: 汉信码 ISO/IEC 20830"}},
			{1, nil, []string{"-b", "HANXIN", "--vers=12", "-d", "Version twelve holds a long text: 01234567890123456789 abcdefghij"}},
		}},
		{scanner.DotCode, 0.9, []symbol{
			{3, []float64{3, 4, 6}, []string{"-b", "DOTCODE", "-d", "Dot 7"}},
			{3, []float64{3, 4, 6}, []string{"-b", "DOTCODE", "-d", "DotCode inverted, longer"}},
		}},
		{scanner.MicroPDF417, 0.9, []symbol{
			{1, nil, []string{"-b", "MICROPDF417", "--cols=1", "-d", "LOT 9"}},
			{1, nil, []string{"-b", "MICROPDF417", "--cols=2", "-d", "Expiry 2028-01-31"}},
		}},
		{scanner.POSTNET, 0.8, []symbol{
			{1, nil, []string{"-b", "POSTNET", "-d", "12345"}},
			{1, nil, []string{"-b", "POSTNET", "-d", "123456789"}},
		}},
	} {
		read, all := 0, 0
		for i, sy := range s.symbols {
			r := zint.ImageAt(t, sy.scale, sy.args...)
			want := sy.args[len(sy.args)-1]
			modules := sy.modules
			if modules == nil {
				modules = []float64{1.5, 2, 3}
			}
			for _, margin := range []float64{10, 3} {
				for _, angle := range []float64{0, 90, 180, 270, 30} {
					for _, m := range modules {
						if !cases.Next() {
							continue
						}
						img, _ := r.Render(zint.Scene{Module: m, Angle: angle, Margin: margin, Noise: 6, Seed: uint64(i) + 101, Dark: 215, Light: 35})
						f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
						res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.DefaultSymbologies().With(s.sym),
							TryHarder: true, TryInverted: true, TryRotated: true})
						f.Purge()
						all++
						for _, x := range res {
							if x.Symbology == s.sym && x.Text == want {
								read++
							} else {
								t.Errorf("%v %q, margin %v modules, %v px a module at %v°: misread %v %q", s.sym, want, margin, m, angle, x.Symbology, x.Text)
							}
						}
					}
				}
			}
		}
		t.Logf("%v light on dark: %d of %d read", s.sym, read, all)
		if !blackbox.RaceEnabled() && float64(read) < s.floor*float64(all) {
			t.Errorf("%v light on dark: %d of %d read, want %.0f %% at least", s.sym, read, all, 100*s.floor)
		}
	}
}
