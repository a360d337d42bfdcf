package aztec

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec/decoder"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// heldPast reports whether s's array holds anything but zeros past its
// length: what a longer use wrote before a shorter one.
func heldPast[T comparable](s []T) bool { return !scrubtest.Zero(s[len(s):]) }

// kept names what d keeps of an image, each to its array's capacity,
// that a wipe must clear.
func kept(d *detector) map[string]bool {
	return map[string]bool{
		"image copy":         !scrubtest.Zero(d.img.words) || d.img.blocks != [blockSlots][32]uint32{} || !scrubtest.Zero(d.img.col),
		"blocks read (tags)": d.img.tags != [blockSlots]int32{},
		"row hits":           !scrubtest.Zero(d.hits),
		"sorted row hits":    !scrubtest.Zero(d.sorted),
		"centres":            !scrubtest.Zero(d.centres),
		"row runs":           !scrubtest.Zero(d.runs),
		"line runs":          !scrubtest.Zero(d.colRuns),
		"line run starts":    !scrubtest.Zero(d.colStarts),
		"window":             !scrubtest.Zero(d.window),
		"blobs":              !scrubtest.Zero(d.blobs),
		"flood":              !scrubtest.Zero(d.fill),
		"ring points":        !scrubtest.Zero(d.ringPts),
		"line extent":        d.lineK != 0,
		"perspective map":    d.persp != projective{} || d.perspOK,
		"decoded modules":    d.dec != decoder.Decoder{},
		"last error":         d.lastErr != nil,
	}
}

// search is the reader's decode without its wipe: the texts read in m,
// its own rows searched as decode searches them.
func search(d *detector, m *gozxing.BitMatrix) []string {
	d.lastErr = errNotFound
	d.img.load(m, nil)
	var texts []string
	for _, c := range d.findCentres(3, maxChecks) {
		if f := d.read(c); f != nil {
			texts = append(texts, f.result.GetText())
		}
	}
	return texts
}

// noisyFrame is a 640×480 frame of dark and light specks two pixels
// square, whose runs pass for rings all over, with the symbols pasted in
// at their places.
func noisyFrame(syms ...placed) *image.Gray {
	f := image.NewGray(image.Rect(0, 0, 640, 480))
	rng := rand.New(rand.NewPCG(24, 778))
	for by := 0; by < 480; by += 2 {
		for bx := 0; bx < 640; bx += 2 {
			v := uint8(rng.IntN(2) * 255)
			f.Pix[by*f.Stride+bx], f.Pix[by*f.Stride+bx+1] = v, v
			f.Pix[(by+1)*f.Stride+bx], f.Pix[(by+1)*f.Stride+bx+1] = v, v
		}
	}
	for _, s := range syms {
		for j := range s.img.Rect.Dy() {
			copy(f.Pix[(s.y+j)*f.Stride+s.x:], s.img.Pix[j*s.img.Stride:j*s.img.Stride+s.img.Rect.Dx()])
		}
	}
	return f
}

// placed is a symbol's image and where its top-left corner goes.
type placed struct {
	img  *image.Gray
	x, y int
}

// A wipe leaves nothing of the search and the reading, each to its
// array's capacity: neither the copy of the image and the blocks read,
// nor the row hits, centres, runs, blobs, floods and ring points found in
// a frame of noise round a full-range symbol and a compact one read after
// it, nor the maps fitted to them and gozxing's decoder's copy of the
// modules; rows, lines, windows, floods and ray fans that were shorter
// than one before them included.
func TestWipeClearsWhatTheReadKept(t *testing.T) {
	zint.Need(t)
	const full, compact = "SECRET AZTEC 42, FULL RANGE", "SECRET 7"
	fullSym, _ := zint.Image(t, "-b", "AZTEC", "--vers=6", "-d", full).Render(zint.Scene{Module: 4, Angle: 12})
	compactSym, _ := zint.Image(t, "-b", "AZTEC", "-d", compact).Render(zint.Scene{Module: 4})
	_, m := hybridtest.Matrix(t, noisyFrame(placed{fullSym, 400, 240}, placed{compactSym, 20, 20}))
	d := &NewReader().det
	if got := search(d, m); !slices.Equal(got, []string{full, compact}) {
		t.Fatalf("the symbols in noise read %q", got)
	}
	for name, k := range kept(d) {
		if !k && name != "window" && name != "last error" {
			t.Errorf("the search kept no %s: nothing for the test to see wiped", name)
		}
	}
	// A shorter one after a longer: what the longer wrote is past the
	// length.
	for name, past := range map[string]bool{
		"row runs": heldPast(d.runs), "line runs": heldPast(d.colRuns), "blobs": heldPast(d.blobs),
		"flood": heldPast(d.fill), "ring points": heldPast(d.ringPts),
	} {
		if !past {
			t.Errorf("the %s hold nothing past their length: no shorter use after a longer one", name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	d.wipe()
	for name, k := range kept(d) {
		if k {
			t.Errorf("the %s kept after the wipe", name)
		}
	}
}

// DecodeMultiple and Decode wipe what they kept before they return, a
// frame of noise round two symbols' and then a lone symbol's, whose read
// writes over the first entries only: nothing is left, each to its
// array's capacity, and the symbols still read.
func TestDecodeKeepsNothing(t *testing.T) {
	zint.Need(t)
	const full, compact = "SECRET AZTEC 42, FULL RANGE", "SECRET 7"
	fullSym, _ := zint.Image(t, "-b", "AZTEC", "--vers=6", "-d", full).Render(zint.Scene{Module: 4, Angle: 12})
	compactSym, _ := zint.Image(t, "-b", "AZTEC", "-d", compact).Render(zint.Scene{Module: 4})
	r := NewReader()
	d := &r.det
	check := func(read string) {
		t.Helper()
		if cap(d.hits) == 0 || cap(d.runs) == 0 || cap(d.colRuns) == 0 || cap(d.fill) == 0 || cap(d.ringPts) == 0 {
			t.Fatalf("%s: the search made no scratch: nothing for the test to see wiped", read)
		}
		for name, k := range kept(d) {
			if k {
				t.Errorf("%s: the %s kept after it returned", read, name)
			}
		}
	}
	frame := hybridtest.Bitmap(t, noisyFrame(placed{fullSym, 400, 240}, placed{compactSym, 20, 20}))
	res, err := r.DecodeMultiple(frame, nil)
	if err != nil || len(res) != 2 || res[0].GetText() != full || res[1].GetText() != compact {
		t.Fatalf("the symbols in noise read %v, %v", res, err)
	}
	check("DecodeMultiple of the frame")
	if res, err := r.Decode(hybridtest.Bitmap(t, compactSym), nil); err != nil || res.GetText() != compact {
		t.Fatalf("the lone symbol reads %v, %v", res, err)
	}
	check("Decode of the lone symbol")
}
