package pdf417

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestMicroWipeLeavesNothing: after each decode the MicroPDF417 reader
// keeps nothing of the image in its pooled edges, the RAPs its scan rows
// read and where each row's lie, its probes' heights, its views' samples,
// its copies of the image's words, or its counts of the image's cells and
// which of them hold bars, though its wipe clears only as far as the
// reads since the last one wrote (edgePool.dirty, samples.dirty,
// rowHitsHeld, probeHeld, cellsHeld): a frame of barred texture, whose
// clusters leave many edges and large views, then a small symbol, whose
// search hands out fewer of both, then the texture again. Within each
// decode the coarse count of cells follows the larger fine one, and
// smaller views and edges follow larger ones.
func TestMicroWipeLeavesNothing(t *testing.T) {
	zint.Need(t)
	// Bars of one to four modules of two pixels, drawn anew every eight
	// rows: runs that hold RAPs here and there, on many scan rows.
	rng := rand.New(rand.NewPCG(14, 12))
	gray := image.NewGray(image.Rect(0, 0, 480, 360))
	var bars []bool
	for y := range 360 {
		if y%8 == 0 {
			bars = bars[:0]
			for len(bars) < 480 {
				dark := len(bars)/2%2 == 0
				for range 2 * (1 + rng.IntN(4)) {
					bars = append(bars, dark)
				}
				bars = append(bars, !dark, !dark)
			}
		}
		for x := range 480 {
			gray.Pix[y*gray.Stride+x] = 230
			if x > 40 && x < 440 && bars[x] {
				gray.Pix[y*gray.Stride+x] = 30
			}
		}
	}
	texture := bitmap(gray)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "-d", "small").Render(zint.Scene{Module: 2, Angle: 30})
	small := bitmap(img)
	r := NewMicroReader()
	for k, read := range []func(){
		func() { r.DecodeMultiple(texture, nil) },
		func() { r.Decode(small, nil) },
		func() { r.DecodeMultiple(texture, nil) },
	} {
		read()
		if k == 0 && r.edgePool.dirty != 0 {
			t.Fatal("wipe left the pool's count of edges handed out")
		}
		if len(r.edgePool.edges) == 0 {
			t.Fatalf("read %d: no edge pooled", k)
		}
		for _, e := range r.edgePool.edges {
			if slices.ContainsFunc(e.hits[:cap(e.hits)], func(h microHit) bool { return h != microHit{} }) {
				t.Fatalf("read %d: hits left in the pool", k)
			}
		}
		// The edges' first rooms for hits too, which an edge that took
		// more hits than its room holds left behind.
		for _, room := range r.edgePool.rooms {
			if slices.ContainsFunc(room, func(h microHit) bool { return h != microHit{} }) {
				t.Fatalf("read %d: hits left in the edges' first rooms", k)
			}
		}
		if !slices.ContainsFunc(r.edgePool.edges, func(e *microEdge) bool { return cap(e.hits) > edgeHitsRoom }) {
			t.Fatalf("read %d: no edge outgrew its room: the test no longer sees rooms left behind", k)
		}
		// Where the chainers met the hits: the scan rows their edges'
		// bottoms lay on, the cells of the view they reached.
		for i := range 2 {
			if b := r.edgePool.bottoms[i]; slices.ContainsFunc(b[:cap(b)], func(b edgeBottom) bool { return b != edgeBottom{} }) {
				t.Fatalf("read %d: edges' bottoms left (%d)", k, i)
			}
			for _, c := range r.edgePool.cells[i] {
				if slices.ContainsFunc(c[:cap(c)], func(v int32) bool { return v != 0 }) {
					t.Fatalf("read %d: the chainer's cells left (%d)", k, i)
				}
			}
		}
		for i, hits := range [][]microHit{r.fwdHits, r.backHits} {
			if slices.ContainsFunc(hits[:cap(hits)], func(h microHit) bool { return h != microHit{} }) {
				t.Fatalf("read %d: RAPs the scan rows read left (%d)", k, i)
			}
		}
		for i, s := range r.seen {
			if slices.ContainsFunc(s.states[:cap(s.states)], func(w uint32) bool { return w != 0 }) {
				t.Fatalf("read %d: samples left in view %d", k, i)
			}
		}
		// The image's words, its coarse count's and its map of uniform
		// blocks, to their capacity: wipe clears as far as the decode
		// wrote them, the texture's size after the small symbol's.
		for name, words := range map[string][]uint32{"words": r.ownWords, "coarse words": r.coarseWords} {
			if slices.ContainsFunc(words[:cap(words)], func(w uint32) bool { return w != 0 }) {
				t.Fatalf("read %d: the image's %s left", k, name)
			}
		}
		if slices.ContainsFunc(r.blocks[:cap(r.blocks)], func(b uint8) bool { return b != 0 }) {
			t.Fatalf("read %d: the map of uniform blocks left", k)
		}
		// The counts of colour changes of the fine count's cells, past
		// the coarse count's, and the cells found barred by each.
		if slices.ContainsFunc(r.cells[:cap(r.cells)], func(c cellChanges) bool { return c != cellChanges{} }) {
			t.Fatalf("read %d: the cells' counts of colour changes left", k)
		}
		for name, b := range map[string][]bool{"fine": r.barred, "coarse": r.coarseBarred} {
			if slices.Contains(b[:cap(b)], true) {
				t.Fatalf("read %d: the %s count's barred cells left", k, name)
			}
		}
		// Which scan rows held RAPs, and the heights of an edge's hits.
		if slices.ContainsFunc(r.rowHits[:cap(r.rowHits)], func(h rowHits) bool { return h != rowHits{} }) {
			t.Fatalf("read %d: where the scan rows' RAPs lie left", k)
		}
		if slices.ContainsFunc(r.probeAt[:cap(r.probeAt)], func(y float64) bool { return y != 0 }) {
			t.Fatalf("read %d: the probes' heights left", k)
		}
	}
	if cap(r.cells) == 0 || cap(r.barred) == 0 || cap(r.coarseBarred) == 0 || cap(r.rowHits) == 0 || cap(r.probeAt) == 0 {
		t.Fatalf("no cells (%d), barred cells (%d, coarse %d), rows' hits (%d) or probes' heights (%d) kept: the test no longer sees them",
			cap(r.cells), cap(r.barred), cap(r.coarseBarred), cap(r.rowHits), cap(r.probeAt))
	}
	if cap(r.edgePool.bottoms[0]) == 0 || len(r.edgePool.cells[0]) == 0 {
		t.Fatal("no bottoms or cells kept: the test no longer sees them")
	}
	if cap(r.ownWords) == 0 || cap(r.coarseWords) == 0 || cap(r.blocks) == 0 {
		t.Fatalf("no words (%d), coarse words (%d) or blocks (%d) kept: the test no longer sees them", cap(r.ownWords), cap(r.coarseWords), cap(r.blocks))
	}
}

// TestMicroWipeDropsHints: after a decode the composite reader keeps
// nothing the hints told it of the linear symbols read beside which it
// searched: their module, the directions their rows run in, their 2D
// components' columns, or the rectangles of their bars.
func TestMicroWipeDropsHints(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd").
		Render(zint.Scene{Module: 2.5})
	hints := map[gozxing.DecodeHintType]interface{}{
		hint.Modules:          [2]float64{2, 3},
		hint.Facing:           [][2]float64{{1, 0}},
		hint.ComponentColumns: uint8(1 << 4),
		hint.Erase:            []image.Rectangle{image.Rect(0, 0, 4, 4)},
	}
	r := NewCompositeMicroReader()
	if res, err := r.Decode(bitmap(img), hints); err != nil || res.GetText() != "991234-abcd" {
		t.Fatalf("read %v, %v", res, err)
	}
	if r.modLo != 0 || r.modHi != 0 || r.modKnown || r.cols != 0 || r.facing != nil || r.erase != nil {
		t.Errorf("hints kept: module %v to %v (%v), columns %b, facing %v, erase %v", r.modLo, r.modHi, r.modKnown, r.cols, r.facing, r.erase)
	}
}

// TestMicroWipeAfterPanic: where a panic cuts the scan of a view's rows
// short (guard.Recover catches it), the wipe still clears the RAPs its
// rows read, though how many there are was not yet noted: a view of a
// symbol whose last scan row, scanned only with the others after the
// first rows, lies past the image.
func TestMicroWipeAfterPanic(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "-d", "cut short").Render(zint.Scene{Module: 2})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	// The view's height whose last scan row, of an odd index (the
	// second scan's), is the only one past the image.
	const step = 3
	vh := h
	for {
		rows := (vh-step/2-1)/step + 1
		if last := step/2 + (rows-1)*step; (rows-1)%microFirstRows != 0 && last >= h && last-step < h {
			break
		}
		vh++
	}
	r := NewMicroReader()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the scan past the image did not panic")
			}
		}()
		r.edgeChains(view{m: m, rot: rot0, w: w, h: vh, iw: w, ih: h}, step, true, true)
	}()
	// Hits on the second scan's rows: those the first scan's count
	// would not cover.
	second := false
	for i, rh := range r.rowHits {
		second = second || i%microFirstRows != 0 && rh.fwdEnd > rh.fwd
	}
	if !second {
		t.Fatal("no RAP read on the second scan's rows: the test no longer sees them")
	}
	r.wipe()
	for i, hits := range [][]microHit{r.fwdHits, r.backHits} {
		if slices.ContainsFunc(hits[:cap(hits)], func(h microHit) bool { return h != microHit{} }) {
			t.Errorf("RAPs the scan rows read left (%d)", i)
		}
	}
}
