package postal

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
)

// texturedBars returns a gray image of a chain of bars that reads as no
// symbol, below speckled texture: Read chains and measures them.
func texturedBars() *image.Gray {
	const w, h = 480, 160
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range img.Pix {
		img.Pix[i] = 220
		if i < 40*w && rng.IntN(40) == 0 { // the speckle above the bars
			img.Pix[i] = 40
		}
	}
	for k := range 14 {
		x0, tall := 40+22*k, 20+20*(k%2)
		for y := 80 - tall/2; y < 80+tall-tall/2; y++ {
			for x := x0; x < x0+8; x++ {
				img.Pix[y*img.Stride+x] = 30
			}
		}
	}
	return img
}

// TestReadKeepsScratch: once warm, reading a frame again allocates
// little (439 allocations when each was made anew, 18 now): the bars,
// their cells, chains and measures are kept in the reader from frame to
// frame, not made anew.
func TestReadKeepsScratch(t *testing.T) {
	img := texturedBars()
	m, g := matrix(img), grayImage{img}
	var r Reader
	r.Read(m, g, NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX))
	if !r.Promising() {
		t.Fatal("no chain measured: the test reads no bars")
	}
	allocs := testing.AllocsPerRun(5, func() {
		r.Read(m, g, NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX))
	})
	t.Logf("%v allocations a frame", allocs)
	if allocs > 40 {
		t.Errorf("%v allocations reading a frame again, want at most 40", allocs)
	}
}

// TestReadWipesScratch: what the reader keeps of the chains and of the
// bars' measures (their places, the gray levels along them) is cleared
// at the end of each Read.
func TestReadWipesScratch(t *testing.T) {
	img := texturedBars()
	var r Reader
	r.Read(matrix(img), grayImage{img}, NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX))
	rd, cs := &r.reading, &r.chaining
	if cap(rd.levels) == 0 || cap(cs.bars) == 0 {
		t.Fatal("nothing kept: the test measures no bars")
	}
	nonZero := func(v float64) bool { return v != 0 }
	for name, f := range map[string][]float64{"levels": rd.levels, "scratch": rd.scratch, "v": rd.v, "top": rd.top,
		"bot": rd.bot, "spare": rd.spare[0], "thresholds": rd.thresholds, "lengths": cs.lengths, "pitches": cs.pitches} {
		if slices.ContainsFunc(f[:cap(f)], nonZero) {
			t.Errorf("%s holds the frame's values after Read", name)
		}
	}
	if slices.ContainsFunc(cs.bars[:cap(cs.bars)], func(b *blob) bool { return b != nil }) ||
		slices.ContainsFunc(cs.links[:cap(cs.links)], func(b *blob) bool { return b != nil }) {
		t.Error("the chains' bars are kept after Read")
	}
	if rd.gray != nil || rd.img != nil || rd.plane != nil {
		t.Error("the reading keeps the images after Read")
	}
}
