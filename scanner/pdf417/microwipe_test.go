package pdf417

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroWipeLeavesNothing: after each decode the MicroPDF417 reader
// keeps nothing of the image in its pooled edges, the RAPs its scan rows
// read, its views' samples, or its copies of the image's words,
// though its wipe clears only the edges and samples handed out since the
// last one (edgePool.dirty, samples.dirty): a frame of barred texture,
// whose clusters leave many edges and large views, then a small symbol,
// whose search hands out fewer of both, then the texture again.
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
	}
	if cap(r.edgePool.bottoms[0]) == 0 || len(r.edgePool.cells[0]) == 0 {
		t.Fatal("no bottoms or cells kept: the test no longer sees them")
	}
	if cap(r.ownWords) == 0 || cap(r.coarseWords) == 0 || cap(r.blocks) == 0 {
		t.Fatalf("no words (%d), coarse words (%d) or blocks (%d) kept: the test no longer sees them", cap(r.ownWords), cap(r.coarseWords), cap(r.blocks))
	}
}
