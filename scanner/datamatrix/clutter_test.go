package datamatrix_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner/datamatrix"
)

// clutterCanvas draws a 640×480 frame of texture: dark squares 2 to 10
// pixels wide, density of them per 10,000 pixels, scattered at random on a
// light ground, where they overlap into blobs whose corners look like a
// finder's and whose insides vary as a symbol's do. With sym, the symbol is
// drawn in the middle first and the texture kept quiet modules clear of
// it.
func clutterCanvas(seed uint64, density float64, sym *symbols.Symbol, quiet float64) *symbols.Canvas {
	const w, h = 640, 480
	c := symbols.NewCanvas(w, h, 210)
	rng := rand.New(rand.NewPCG(seed, 17))
	p := symbols.Placement{CX: w / 2, CY: h / 2, Module: 4, Angle: 17, Dark: 30, Light: 220}
	clear := func(x, y int) bool { return true }
	if sym != nil {
		c.Draw(sym, p)
		// The symbol's module coordinates of a pixel, as Draw maps them.
		sin, cos := math.Sincos(-p.Angle * math.Pi / 180)
		hw, hh := float64(sym.Width)/2, float64(sym.Height)/2
		clear = func(x, y int) bool {
			dx, dy := float64(x)+0.5-p.CX, float64(y)+0.5-p.CY
			u := (dx*cos+dy*sin)/p.Module + hw
			v := (-dx*sin+dy*cos)/p.Module + hh
			return u < -quiet || v < -quiet || u >= float64(sym.Width)+quiet || v >= float64(sym.Height)+quiet
		}
	}
	for range int(density * w * h / 10000) {
		side := 2 + rng.IntN(9)
		x0, y0 := rng.IntN(w-side), rng.IntN(h-side)
		for y := y0; y < y0+side; y++ {
			for x := x0; x < x0+side; x++ {
				if clear(x, y) {
					c.Pix[y*w+x] = 40
				}
			}
		}
	}
	c.Noise(rng, 6)
	return c
}

// Texture next to finder-like corners leaves them no quiet zone: the
// detector rules those out before it traces their timing patterns, and
// still reads the symbol in the same texture. (BenchmarkClutter shows that
// no symbol so placed would have been read: the trace needs the quiet
// zone too.)
func TestClutterCornersWithoutQuietZoneAreNotTraced(t *testing.T) {
	t.Parallel()
	sym := encode(t, "scannerd 0123456789 ABC", false)
	r := datamatrix.NewReader()
	varied, traced := 0, 0
	for seed := range uint64(4) {
		res, err := r.DecodeMultiple(readertest.Bitmap(t, clutterCanvas(seed, 80, sym, 4)), harder)
		if err != nil || len(res) != 1 || res[0].GetText() != sym.Text {
			t.Fatalf("frame %d: read %v, %v; want %q", seed, res, err, sym.Text)
		}
		v, tr := datamatrix.Candidates(r)
		varied, traced = varied+v, traced+tr
	}
	t.Logf("%d candidates with a varied interior, %d traced", varied, traced)
	if varied < 40 || traced*4 > varied*3 {
		t.Errorf("%d of %d candidates with a varied interior traced, want at most three quarters of 40 or more", traced, varied)
	}
}

// BenchmarkClutter is the clutter curve: generated frames of texture of
// increasing density, with a symbol whose quiet zone is kept clear and
// without one; then, in dense texture, symbols with a quiet zone of 0 to 4
// modules. At each level it reports the share of symbols read and the
// false reads, and, per frame, the finder candidates whose interior
// varies and those whose timing patterns were traced; ns/op is one frame.
func BenchmarkClutter(b *testing.B) {
	sym := encode(b, "scannerd 0123456789 ABC", false)
	type level struct {
		name           string
		density, quiet float64
		symbol         bool
	}
	var levels []level
	for _, density := range []float64{0, 10, 20, 40, 80, 160} {
		for _, with := range []bool{true, false} {
			levels = append(levels, level{fmt.Sprintf("density=%g/symbol=%v", density, with), density, 4, with})
		}
	}
	for _, quiet := range []float64{0, 1, 2, 3, 4} {
		levels = append(levels, level{fmt.Sprintf("density=80/quiet=%g", quiet), 80, quiet, true})
	}
	const frames = 8
	for _, l := range levels {
		b.Run(l.name, func(b *testing.B) {
			var bms []*gozxing.BinaryBitmap
			for seed := range uint64(frames) {
				s := sym
				if !l.symbol {
					s = nil
				}
				bms = append(bms, readertest.Bitmap(b, clutterCanvas(seed, l.density, s, l.quiet)))
				if _, err := bms[len(bms)-1].GetBlackMatrix(); err != nil {
					b.Fatal(err)
				}
			}
			r := datamatrix.NewReader()
			read, wrong, varied, traced, n := 0, 0, 0, 0, 0
			for i := 0; b.Loop(); i++ {
				res, _ := r.DecodeMultiple(bms[i%frames], harder)
				for _, x := range res {
					if l.symbol && x.GetText() == sym.Text {
						read++
					} else {
						wrong++
					}
				}
				v, tr := datamatrix.Candidates(r)
				varied, traced, n = varied+v, traced+tr, n+1
			}
			if l.symbol {
				b.ReportMetric(float64(read)/float64(n), "read/frame")
			}
			b.ReportMetric(float64(wrong)/float64(n), "wrong/frame")
			b.ReportMetric(float64(varied)/float64(n), "varied/frame")
			b.ReportMetric(float64(traced)/float64(n), "traced/frame")
		})
	}
}
