package scanner

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// barsOnARamp is a w×h gray plane of bars two to six pixels wide on light
// that rises from left to right, unevenly enough that the row scanner
// binarizes its rows at a black point for each pixel (localBlackPoints).
func barsOnARamp(w, h int) *planeSource {
	pix := make([]byte, w*h)
	for y := range h {
		for x := range w {
			v := 60 + 150*x/w
			if x/3%3 == 1 || x/5%4 == 0 {
				v -= 50
			}
			pix[y*w+x] = byte(v)
		}
	}
	return &planeSource{pix: pix, stride: w, width: w, height: h}
}

// The row scanners' arrays, outgrown by a wider view's rows (a pass's
// quarter-turned view after the upright one, or the next frame's), are
// cleared as they are let go: dropped, they would hold a row of the
// frame, its gray levels, sums, black points or edges, where no wipe
// reaches. A narrow plane's row is measured each way the scanners
// measure one, then a wide plane's, without a wipe between.
func TestRowArraysOutgrownAreCleared(t *testing.T) {
	narrow, wide := barsOnARamp(96, 8), barsOnARamp(960, 8)
	local := &rowScanner{local: true}
	smoothed := &rowScanner{smooth: smoothRows}
	lines := &grayLines{src: narrow}
	for _, s := range []*rowScanner{local, smoothed} {
		if !s.runs(narrow, 2) {
			t.Fatal("the narrow plane's row measured no runs")
		}
	}
	if _, ok := lines.Line(2, true, nil); !ok {
		t.Fatal("the narrow plane's smoothed line measured no runs")
	}
	arrays := []scrubtest.Held{
		scrubtest.Hold("row read", &local.lum),
		scrubtest.Hold("black points", &local.black),
		scrubtest.Hold("edges", &local.edgeAt),
		scrubtest.Hold("smoothing sums", &smoothed.sum),
		scrubtest.Hold("smoothed row", &smoothed.avg),
		scrubtest.Hold("line read", &lines.rows.lum),
		scrubtest.Hold("line above", &lines.near[0]),
		scrubtest.Hold("line below", &lines.near[1]),
		scrubtest.Hold("line averaged", &lines.avg),
	}
	scrubtest.NeedHeld(t, arrays...)
	for _, s := range []*rowScanner{local, smoothed} {
		if !s.runs(wide, 2) {
			t.Fatal("the wide plane's row measured no runs")
		}
	}
	lines.src = wide
	if _, ok := lines.Line(2, true, nil); !ok {
		t.Fatal("the wide plane's smoothed line measured no runs")
	}
	scrubtest.LetGoCleared(t, arrays...)
}
