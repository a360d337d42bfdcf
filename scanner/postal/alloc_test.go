package postal

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
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
	for name, f := range map[string][]float64{"levels": rd.levels, "scratch": rd.scratch, "v": rd.v, "top": rd.top,
		"bot": rd.bot, "spare": rd.spare[0], "thresholds": rd.thresholds, "lengths": cs.lengths, "pitches": cs.pitches} {
		if !scrubtest.Zero(f) {
			t.Errorf("%s holds the frame's values after Read", name)
		}
	}
	if !scrubtest.Zero(cs.bars) || !scrubtest.Zero(cs.links) {
		t.Error("the chains' bars are kept after Read")
	}
	if rd.gray != nil || rd.img != nil || rd.plane != nil {
		t.Error("the reading keeps the images after Read")
	}
}

// TestReadWipesImage: after each Read, of speckle that makes thousands
// of blobs and rows of hundreds of runs, then of bars measured on gray
// for their trims, then of a smaller symbol, the blobs found, the parts'
// moments, the rows' runs, the bars measured for the trims and the
// reading's axis and threshold are all zero to their buffers' capacity.
func TestReadWipesImage(t *testing.T) {
	zint.Need(t)
	const w, h = 640, 480
	speckle := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range speckle.Pix {
		speckle.Pix[i] = 220
		if y := i / w; y < h/2 && rng.IntN(3) == 0 { // light rows below
			speckle.Pix[i] = 30
		}
	}
	symbol, _ := zint.Image(t, "-b", "POSTNET", "-d", "12345").Render(zint.Scene{Module: 3, Angle: 33})
	all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
	var r Reader
	for _, c := range []struct {
		name string
		img  *image.Gray
		read int
	}{{"speckle", speckle, 0}, {"bars", texturedBars(), 0}, {"symbol", symbol, 1}} {
		if got := r.Read(matrix(c.img), grayImage{c.img}, all); len(got) != c.read {
			t.Fatalf("%s: read %+v, want %d symbols", c.name, got, c.read)
		}
		if !scrubtest.Zero(r.found) {
			t.Errorf("%s: the blobs found are kept after Read", c.name)
		}
		if !scrubtest.Zero(r.parts) {
			t.Errorf("%s: the parts' moments are kept after Read", c.name)
		}
		for name, runs := range map[string][]run{"prev": r.prev, "cur": r.cur} {
			if !scrubtest.Zero(runs) {
				t.Errorf("%s: the rows' runs are kept in %s after Read", c.name, name)
			}
		}
		for i, f := range r.measured.frames[:cap(r.measured.frames)] {
			if f.ux != 0 || f.uy != 0 || f.limit != 0 || !scrubtest.Zero(f.bars) {
				t.Errorf("%s: frame %d of the bars measured for the trims is kept after Read", c.name, i)
			}
		}
		rd := &r.reading
		if rd.ux != 0 || rd.uy != 0 || rd.vx != 0 || rd.vy != 0 || rd.line != [2]float64{} ||
			rd.threshold != 0 || rd.contrast != 0 || rd.pw != 0 || rd.ph != 0 {
			t.Errorf("%s: the reading's axis, line or threshold is kept after Read", c.name)
		}
	}
	// The reads filled what the checks look at.
	if cap(r.parts) < 5_000 || cap(r.found) < 1_000 || cap(r.cur) < 100 || cap(r.measured.frames) == 0 {
		t.Fatalf("buffers of %d parts, %d blobs, %d runs, %d frames: the test fills too little",
			cap(r.parts), cap(r.found), cap(r.cur), cap(r.measured.frames))
	}
}

// TestMeasuredWipeAfterFewerFrames: a chain measured across three axes,
// then one across one, leaves nothing of either once wiped.
func TestMeasuredWipeAfterFewerFrames(t *testing.T) {
	var ms trimsMeasured
	for k := range 3 {
		bars := ms.frame(1, float64(k), 50, 20)
		for i := range bars {
			bars[i] = measuredBar{true, -5, 5, 100, 60}
		}
	}
	ms.reset()
	ms.frame(0, 1, 30, 8)[0] = measuredBar{true, -3, 3, 90, 50}
	ms.wipe()
	for i, f := range ms.frames[:cap(ms.frames)] {
		if f.ux != 0 || f.uy != 0 || f.limit != 0 || !scrubtest.Zero(f.bars) {
			t.Errorf("frame %d is kept after the wipe", i)
		}
	}
	if cap(ms.frames) < 3 {
		t.Fatalf("%d frames kept: the test measures too few", cap(ms.frames))
	}
}
