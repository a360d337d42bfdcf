package scanner_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

var zintSweep = flag.Bool("zint-sweep", false, "round-trip every zint case at every size, turn and blur (slow; make bench runs it)")

// zintCase is a symbol zint draws and what the engine must read from it.
type zintCase struct {
	sym   scanner.Symbology
	args  []string // zint's arguments: symbology, data, options
	text  string   // the text the engine reports; "" for zint's printed text
	addOn string   // the add-on it reports
	// anyAngle: the symbol reads at any turn. Otherwise at quarter turns
	// tilted up to maxTilt degrees either way: the engine reads 1D codes
	// along rows (and columns), which cross every bar only up to a tilt.
	anyAngle bool
	maxTilt  float64
	// upright: only tilts of an upright symbol (Pharmacode reads as
	// another number turned round).
	upright bool
	// opts are the options beyond the symbology.
	opts scanner.Options
	// floor is the share of reads the symbology must make; 99 % when 0.
	floor float64
	// scale is zint's --scale for the drawing (2·scale pixels a module;
	// 1 when 0), and minModule the smallest module the scenes take
	// (pixels; 2 when 0, up to twice as large): dots need a few pixels.
	scale     int
	minModule float64
}

// zintScene is one way a camera sees a case.
type zintScene struct {
	module, angle, blur float64
}

func (s zintScene) String() string {
	return fmt.Sprintf("%.1fpx/%.0f°/blur%.2f", s.module, s.angle, s.blur)
}

// scenes returns the scenes a case is read in: sizes of 2 to 4 pixels a
// module (or of minModule to twice that), turns, and sharp or moderately
// blurred (a Gaussian of a third of a module). The sweep takes n scenes at
// random; otherwise a fixed few.
func (c zintCase) scenes(n int, rng *rand.Rand) []zintScene {
	angle := func() float64 {
		if c.anyAngle {
			return rng.Float64() * 360
		}
		tilt := c.maxTilt
		if tilt == 0 {
			tilt = 10
		}
		turn := float64(rng.IntN(4)) * 90
		if c.upright {
			turn = 0
		}
		return turn + (2*rng.Float64()-1)*tilt
	}
	var out []zintScene
	least := c.minModule
	if least == 0 {
		least = 2
	}
	for i := range n {
		m := least * (1 + rng.Float64())
		blur := 0.0
		if i%2 == 1 {
			blur = m / 3
		}
		out = append(out, zintScene{module: m, angle: angle(), blur: blur})
	}
	return out
}

// readZint renders c as s says and decodes it with the engine's default
// options for that symbology, reporting whether it read exactly the
// expected symbol.
func readZint(t *testing.T, r *zint.Raster, c zintCase, s zintScene, seed uint64) (bool, string) {
	img, _ := r.Render(zint.Scene{Module: s.module, Angle: s.angle, Blur: s.blur, Noise: 6, Seed: seed})
	f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	defer f.Purge()
	opts := c.opts
	opts.Symbologies, opts.TryRotated = scanner.NewSymbologySet(c.sym), true
	res := scanner.DecodeFrame(f, opts)
	if len(res) != 1 || res[0].Symbology != c.sym || res[0].Text != c.text || res[0].AddOn != c.addOn {
		got := make([]string, len(res))
		for i, r := range res {
			got[i] = fmt.Sprintf("%v %q+%q", r.Symbology, r.Text, r.AddOn)
		}
		return false, fmt.Sprint(got)
	}
	return true, ""
}

// roundTrip reads every case in several scenes and fails when more than
// 1 % of a symbology's reads miss (or its cases' floor says), or, outside
// the sweep, when a case without a floor misses one. Under the race detector it reads two
// scenes a case; -zint-sweep reads 200.
func roundTrip(t *testing.T, cases []zintCase) {
	zint.Need(t)
	n := 6
	switch {
	case *zintSweep:
		n = 200
	case blackbox.RaceEnabled():
		n = 2
	}
	type tally struct {
		ok, all int
		floor   float64
	}
	tallies := map[scanner.Symbology]*tally{}
	for i, c := range cases {
		r := zint.ImageAt(t, max(1, c.scale), c.args...)
		if c.text == "" {
			c.text = zint.Text(t, c.args...)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 14))
		tl := tallies[c.sym]
		if tl == nil {
			tl = &tally{floor: 0.99}
			tallies[c.sym] = tl
		}
		if c.floor > 0 {
			tl.floor = min(tl.floor, c.floor)
		}
		for k, s := range c.scenes(n, rng) {
			ok, got := readZint(t, r, c, s, uint64(k))
			tl.all++
			switch {
			case ok:
				tl.ok++
			case !*zintSweep && c.floor == 0:
				t.Errorf("%v %q+%q at %v: read %s", c.sym, c.text, c.addOn, s, got)
			default:
				t.Logf("missed %v %q+%q at %v: read %s", c.sym, c.text, c.addOn, s, got)
			}
		}
	}
	for sym, tl := range tallies {
		rate := float64(tl.ok) / float64(tl.all)
		t.Logf("%v: %d/%d (%.1f %%)", sym, tl.ok, tl.all, 100*rate)
		if rate < tl.floor {
			t.Errorf("%v: read %d of %d zint symbols (%.1f %%), want at least %.0f %%", sym, tl.ok, tl.all, 100*rate, 100*tl.floor)
		}
	}
}
