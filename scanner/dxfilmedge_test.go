package scanner_test

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/dxfilmedge/dxtest"
)

// dxRaster draws a DX film edge barcode as zint would draw one (zint 2.11
// has none): two pixels a module, the clock track above the data track,
// each three modules tall.
func dxRaster(dx1, dx2, frame int, half, withFrame bool) *zint.Raster {
	clk, data := dxtest.Tracks(dx1, dx2, frame, half, withFrame)
	px := zint.PixelsPerModule
	g := image.NewGray(image.Rect(0, 0, len(clk)*px, 6*px))
	for y := 0; y < 6*px; y++ {
		track := clk
		if y >= 3*px {
			track = data
		}
		for x := 0; x < len(clk)*px; x++ {
			g.Pix[y*g.Stride+x] = 255
			if track[x/px] {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	return &zint.Raster{Gray: g}
}

// dxCases are symbols of both lengths, with and without a frame number,
// and what each reads as.
var dxCases = []struct {
	dx1, dx2, frame int
	half, withFrame bool
	text            string
}{
	{115, 10, 0, false, false, "115-10"},
	{18, 5, 0, false, false, "18-5"},
	{127, 15, 11, true, true, "127-15/11A"},
	{79, 7, 62, false, true, "79-7/62"},
}

// TestDXFilmEdge reads DX film edge barcodes of both lengths at several
// sizes, quarter turns tilted up to 3°, and blurs, never as another
// number, and at least 99 % of them (-zint-sweep reads 200 scenes a case).
func TestDXFilmEdge(t *testing.T) {
	cases := dxCases
	n := 6 // race detector or not: the scenes are cheap
	if *zintSweep {
		n = 200
	}
	ok, all := 0, 0
	for i, c := range cases {
		r := dxRaster(c.dx1, c.dx2, c.frame, c.half, c.withFrame)
		zc := zintCase{sym: scanner.DXFilmEdge, text: c.text, maxTilt: 3}
		rng := rand.New(rand.NewPCG(uint64(i), 15))
		for k, s := range zc.scenes(n, rng) {
			all++
			read, got := readZint(t, r, zc, s, uint64(k))
			switch {
			case read:
				ok++
			case got != "[]":
				t.Errorf("%q at %v: misread as %s", c.text, s, got)
			default:
				t.Logf("missed %q at %v", c.text, s)
			}
		}
	}
	rate := float64(ok) / float64(all)
	t.Logf("DX_FILM_EDGE: %d/%d (%.1f %%)", ok, all, 100*rate)
	// The goal of every symbology zint draws (the sweep of 800 reads them
	// all).
	if rate < 0.99 {
		t.Errorf("read %d of %d DX film edge symbols (%.1f %%), want at least 99 %%", ok, all, 100*rate)
	}
}

// TestDXFilmEdgeSmallBlurred reads the symbols of both lengths at 2.2
// pixels a module, blurred by a third of a module, at each quarter turn
// tilted 2°: binarized, their lone one-module spaces and bars close and
// thin away, most of all under the one threshold of the quarter-turned
// pass, so the data track is read on the gray levels.
func TestDXFilmEdgeSmallBlurred(t *testing.T) {
	cases := dxCases
	for _, c := range cases {
		r := dxRaster(c.dx1, c.dx2, c.frame, c.half, c.withFrame)
		zc := zintCase{sym: scanner.DXFilmEdge, text: c.text}
		for turn := 0; turn < 360; turn += 90 {
			s := zintScene{module: 2.2, angle: float64(turn) + 2, blur: 2.2 / 3}
			if read, got := readZint(t, r, zc, s, uint64(turn)); !read {
				t.Errorf("%q at %v: read %s", c.text, s, got)
			}
		}
	}
}
