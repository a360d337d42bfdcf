package pdf417

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroRegionsLeaveOutGrain: the MicroPDF417 reader searches the
// clusters of barred cells whose bars run one way at least
// microSymbolCoherent of their changes: a MicroPDF417 symbol of small
// modules at the turns the robustness suite draws makes one, and is
// read, where a grain of dark and light pixels a little longer down
// than across (coherent about 0.06), busy enough to be a cluster that
// the composite reader, at microCoherent, searches, makes none: nothing
// of it is searched, and no line sampled.
func TestMicroRegionsLeaveOutGrain(t *testing.T) {
	zint.Need(t)
	bm := bitmap(grainImage(320, 320, 0.2, 1))
	grain, err := bm.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	if rs := NewCompositeMicroReader().turnedRegions(grain); len(rs) == 0 {
		t.Fatal("the composite reader finds no cluster in the grain")
	}
	r := NewMicroReader()
	if rs := r.turnedRegions(grain); len(rs) != 0 {
		t.Errorf("the grain makes %d clusters to search, want none", len(rs))
	}
	r.DecodeMultiple(bm, nil)
	if r.linesSampled != 0 {
		t.Errorf("sampled %d lines across the grain", r.linesSampled)
	}

	data := "Coherent 1.5"
	raster := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", data)
	for _, sc := range []zint.Scene{{Module: 1.5}, {Module: 1.5, Angle: 33}, {Module: 1.5, Angle: 100}, {Module: 2, Angle: 15}, {Module: 2.5, Angle: 250}} {
		img, _ := raster.Render(sc)
		bm = bitmap(img)
		m, err := bm.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		if rs := NewMicroReader().turnedRegions(m); len(rs) == 0 {
			t.Errorf("%+v: no cluster to search", sc)
		}
		res, err := NewMicroReader().Decode(bm, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
		if err != nil || res.GetText() != data {
			t.Errorf("%+v: read %v, %v", sc, res, err)
		}
	}
}

// grainImage returns a w×h image of random black and white pixels, each
// but in the first row the one above it with probability p.
func grainImage(w, h int, p float64, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 2))
	img := image.NewGray(image.Rect(0, 0, w, h))
	dark := make([]bool, w)
	for y := range h {
		for x := range w {
			if y == 0 || rng.Float64() >= p {
				dark[x] = rng.IntN(2) == 0
			}
			if !dark[x] {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	return img
}
