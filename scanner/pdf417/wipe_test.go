package pdf417

import (
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestWipeLeavesNothing: after each decode the PDF417 reader keeps
// nothing of the image in the guard patterns its scan found, the runs of
// its rows, columns, traces and lines, or the codewords its lines read
// and where they lay, each checked to its capacity, though its wipe
// clears only as far as the decode wrote (runList.held, colsHeld,
// linesHeld, rowLinesHeld): a frame of noise, whose rows and columns hold
// many runs, then a smaller frame of two symbols, the taller read first
// (the shorter one's lines are fewer), one of them turned a quarter, then
// the noise again. Within each decode the lines read across symbols
// follow the longer rows scanned.
func TestWipeLeavesNothing(t *testing.T) {
	zint.Need(t)
	rng := rand.New(rand.NewPCG(4, 17))
	noise := image.NewGray(image.Rect(0, 0, 640, 480))
	addNoise(noise, 1, rng)
	tall, _ := zint.Image(t, "-b", "PDF417", "--rows=24", "--cols=4", "-d", "the taller symbol, read first").Render(zint.Scene{Module: 2})
	short, _ := zint.Image(t, "-b", "PDF417", "--rows=6", "--cols=3", "-d", "short").Render(zint.Scene{Module: 2, Angle: 90})
	canvas := onCanvas(tall, 520, 400, 10, 10)
	b := short.Bounds()
	for y := range b.Dy() {
		copy(canvas.Pix[(20+y)*canvas.Stride+300:], short.Pix[y*short.Stride:y*short.Stride+b.Dx()])
	}
	r := NewReader()
	for k, read := range []func(){
		func() { r.DecodeMultiple(bitmap(noise), nil) },
		func() {
			res, err := r.DecodeMultiple(bitmap(canvas), nil)
			if len(res) != 2 {
				t.Fatalf("read %d symbols (%v), want 2", len(res), err)
			}
		},
		func() { r.DecodeMultiple(bitmap(noise), nil) },
	} {
		read()
		if left := detectorLeft(&r.det); len(left) > 0 {
			t.Errorf("read %d: left %v", k, left)
		}
	}
	d := &r.det
	if cap(d.sets[rot0].starts) == 0 || cap(d.sets[rot90].stops) == 0 || cap(d.runs.edges) == 0 || cap(d.window.edges) == 0 ||
		len(d.cols) == 0 || cap(d.lines) == 0 || cap(d.rowLines) == 0 || cap(d.probeLine.reads) == 0 {
		t.Fatalf("nothing kept in a field: the test no longer sees it (starts %d, stops turned %d, runs %d, window %d, columns %d, lines %d, row lines %d, probe %d)",
			cap(d.sets[rot0].starts), cap(d.sets[rot90].stops), cap(d.runs.edges), cap(d.window.edges),
			len(d.cols), cap(d.lines), cap(d.rowLines), cap(d.probeLine.reads))
	}
}

// detectorLeft names the fields of d that hold anything of the image,
// each read to its capacity.
func detectorLeft(d *detector) []string {
	var left []string
	for i, s := range d.sets {
		for name, hits := range map[string][]guardHit{"starts": s.starts, "stops": s.stops} {
			if slices.ContainsFunc(hits[:cap(hits)], func(h guardHit) bool { return h != guardHit{} }) {
				left = append(left, fmt.Sprintf("sets[%d].%s", i, name))
			}
		}
	}
	runsLeft := func(r *runList) bool {
		return r.firstDark || slices.ContainsFunc(r.edges[:cap(r.edges)], func(e int) bool { return e != 0 })
	}
	if runsLeft(&d.runs) {
		left = append(left, "runs")
	}
	if runsLeft(&d.window) {
		left = append(left, "window")
	}
	if slices.ContainsFunc(d.cols, func(c runList) bool { return runsLeft(&c) }) {
		left = append(left, "cols")
	}
	lineLeft := func(ln lineRead) bool {
		return ln.stopAt != 0 || ln.started || ln.s != 0 || ln.row != 0 ||
			slices.ContainsFunc(ln.reads[:cap(ln.reads)], func(rd slotRead) bool { return rd != slotRead{} })
	}
	if slices.ContainsFunc(d.lines[:cap(d.lines)], lineLeft) {
		left = append(left, "lines")
	}
	if slices.ContainsFunc(d.rowLines[:cap(d.rowLines)], lineLeft) {
		left = append(left, "rowLines")
	}
	if lineLeft(d.probeLine) {
		left = append(left, "probeLine")
	}
	return left
}

// TestCompositeWipeLeavesNothing: the composite reader wipes as the
// PDF417 reader does, and its lines to the last one read, which it drops
// where the component's linear component begins below it.
func TestCompositeWipeLeavesNothing(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "GS1_128_CC", "--mode=3", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123").
		Render(zint.Scene{Module: 2})
	r := NewCompositeReader()
	if res, err := r.Decode(bitmap(img), nil); err != nil || res.GetText() != "1720123110ABC123" {
		t.Fatalf("read %v, %v", res, err)
	}
	if left := detectorLeft(&r.det); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}
