package pdf417

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// componentEdges returns the edges the composite reader's search finds in
// img, in every view of every cluster, that show rows (the edges it
// samples), given the linear component's module.
func componentEdges(t *testing.T, img gozxing.BinaryBitmap, module float64) []*microEdge {
	t.Helper()
	m, err := img.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCompositeMicroReader()
	r.modLo, r.modHi, r.modKnown = module, module, true
	var out []*microEdge
	for k, rg := range r.turnedRegions(m) {
		if k == 0 {
			r.words, r.stride, r.row = copyWords(m, r.row, r.words)
			r.blocks, r.bstride = uniformBlocks(r.words, r.stride, m.GetWidth(), m.GetHeight(), r.blocks)
		}
		v := rg.view(m, 0)
		v.words, v.stride, v.blocks, v.bstride = r.words, r.stride, r.blocks, r.bstride
		edges, back := r.edgeChains(v, 1, true, true)
		for _, e := range append(edges, back...) {
			if e.rowsDiffer(r.hitRuns) && e.readsRow(r.hitRuns) {
				out = append(out, e)
			}
		}
	}
	return out
}

// TestComponentEdgeRAPs: the bars of an EAN-13 symbol with nothing
// printed above them make an edge that shows rows, of the symbol's
// module, as the composite reader finds it beside a linear symbol; it
// holds one RAP pattern on its successive scan rows over more than a
// row's height, and is left before the other angles are tried
// (rapStays), as is every other edge there of that module (those of
// other modules, at the bars' ends, are not found: see moduleWindow). A
// CC-A zint draws above the same symbol has an edge whose patterns change
// row by row.
func TestComponentEdgeRAPs(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	scene := zint.Scene{Module: 2.5, Angle: 2, Blur: 0.3, Noise: 4}
	plain, _ := zint.Image(t, "-b", "EANX", "-d", "331234567890").Render(scene)
	bars := componentEdges(t, *bitmap(plain), scene.Module)
	if len(bars) == 0 {
		t.Fatal("the bars of a plain EAN-13 made no edge that shows rows: the test shows nothing")
	}
	for _, e := range bars {
		if !e.rapStays() {
			t.Errorf("plain EAN-13: an edge of %d hits from scan row %d, module %.2f, would be tried at other angles", len(e.hits), e.top(), e.module)
		}
	}
	composite, _ := zint.Image(t, "-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd").Render(scene)
	rows := 0
	for _, e := range componentEdges(t, *bitmap(composite), scene.Module) {
		if !e.rapStays() {
			rows++
		}
	}
	if rows == 0 {
		t.Error("EAN-13 composite: no edge whose RAPs change row by row")
	}
}

// TestComponentModuleWindow: given the module of the linear component
// beside which it searches (hint.Modules), the composite reader reads a
// 2D component of that module, and finds no RAP where the component's
// module is half or twice the one given.
func TestComponentModuleWindow(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const module = 2.5
	img, _ := zint.Image(t, "-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd").Render(zint.Scene{Module: module, Angle: 91, Noise: 4})
	for _, tc := range []struct {
		given float64
		read  bool
	}{{module, true}, {module / 2, false}, {2 * module, false}} {
		r := NewCompositeMicroReader()
		hints := map[gozxing.DecodeHintType]interface{}{hint.Modules: [2]float64{tc.given, tc.given}}
		res, err := r.Decode(bitmap(img), hints)
		if read := err == nil && res.GetText() == "991234-abcd"; read != tc.read {
			t.Errorf("module %.2f given for %.2f: read %v (%v), want %v", tc.given, module, read, err, tc.read)
		}
	}
	// The window of a view seen at a coarse count's scale is in its pixels.
	r := &MicroReader{composite: true, modLo: 8, modHi: 8, modKnown: true}
	v := view{rot: rotFree, ux: 4 * math.Cos(0.3), uy: 4 * math.Sin(0.3)}
	if w := r.moduleWindow(v); !w.fits(2) || w.fits(2*componentModuleSpread+0.1) || w.fits(2/componentModuleSpread-0.1) {
		t.Errorf("module 8 seen 4 image pixels a view pixel: window %+v, want it round 2", w)
	}
}

// TestComponentFacing: given the direction the linear component's rows
// run in (hint.Facing), the composite reader reads a 2D component whose
// rows run that way, at any angle, and not one whose rows run the other
// way: the only view that shows it upright is not searched.
func TestComponentFacing(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	raster := zint.Image(t, "-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd")
	for _, angle := range []float64{3, 91, 178, 268} {
		img, _ := raster.Render(zint.Scene{Module: 2.5, Angle: angle, Noise: 4})
		a := angle * math.Pi / 180
		rows := [2]float64{math.Cos(a), math.Sin(a)}
		for _, tc := range []struct {
			facing [2]float64
			read   bool
		}{{rows, true}, {[2]float64{-rows[0], -rows[1]}, false}} {
			r := NewCompositeMicroReader()
			hints := map[gozxing.DecodeHintType]interface{}{hint.Facing: [][2]float64{tc.facing}}
			res, err := r.Decode(bitmap(img), hints)
			if read := err == nil && res.GetText() == "991234-abcd"; read != tc.read {
				t.Errorf("turned %v°, facing %.2f: read %v (%v), want %v", angle, tc.facing, read, err, tc.read)
			}
		}
	}
}
