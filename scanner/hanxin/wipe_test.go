package hanxin

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// After Wipe the reader keeps nothing of the last image it searched: its
// binarized row and the runs it measured are image data.
func TestWipeClearsWhatTheSearchKept(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m, _ := gozxing.NewBitMatrix(320, 240)
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			if (x/4+y/4)%2 == 0 || rng.IntN(8) == 0 {
				m.Set(x, y)
			}
		}
	}
	r := NewReader()
	r.findCandidates(m, 2, nil)
	if !slices.ContainsFunc(r.lines.rows, func(w uint32) bool { return w != 0 }) {
		t.Fatal("the search kept no row: nothing for the test to see wiped")
	}
	r.Wipe()
	if slices.ContainsFunc(r.lines.rows[:cap(r.lines.rows)], func(w uint32) bool { return w != 0 }) {
		t.Error("a binarized row kept after Wipe")
	}
	if slices.ContainsFunc(r.runs[:cap(r.runs)], func(v int) bool { return v != 0 }) {
		t.Error("the runs of a row kept after Wipe")
	}
}

// TestWipeClearsOnlyWhatWasWritten: Wipe clears the grid and codewords
// of a symbol sampled, and clears nothing again where the reader neither
// searched nor sampled since the last Wipe: the engine wipes every area
// reader after each frame and whenever the rows of a pass change size,
// whether it searched since or not. (The values left in the buffers below
// stand for image data that would still be there had Wipe not cleared
// it; a Wipe that cleared them again clears them.)
func TestWipeClearsOnlyWhatWasWritten(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(120, 120)
	for y := 20; y < 100; y++ {
		for x := 20; x < 100; x++ {
			if (x/4+y/4)%2 == 0 {
				m.Set(x, y)
			}
		}
	}
	r := NewReader()
	h, _ := fit([4]candidate{{x: 20, y: 20}, {x: 100, y: 20}, {x: 100, y: 100}, {x: 20, y: 100}}, [4]int{0, 1, 2, 3}, sizeOf(1))
	r.sample(m, &h, sizeOf(1), false)
	if !slices.Contains(r.g.dark, true) {
		t.Fatal("the grid sampled no dark module: nothing for the test to see wiped")
	}
	r.Wipe()
	if slices.Contains(r.g.dark[:cap(r.g.dark)], true) {
		t.Error("a sampled module kept after Wipe")
	}
	r.findCandidates(m, 3, nil)
	r.Wipe()
	r.g.dark[0], r.runs[:1][0] = true, 1
	r.Wipe()
	if !r.g.dark[0] || r.runs[:1][0] != 1 {
		t.Error("a Wipe after a Wipe, with no search or sampling between, cleared the buffers again")
	}
}

// The gray levels a grid was read from (DecodeGray's) are image data:
// Wipe clears them.
func TestWipeClearsGrayLevels(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 120, 120))
	for i := range img.Pix {
		img.Pix[i] = byte(40 + i%7*25)
	}
	r := NewReader()
	r.eq.src = gozxing.NewLuminanceSourceFromImage(img)
	h, _ := fit([4]candidate{{x: 20, y: 20}, {x: 100, y: 20}, {x: 100, y: 100}, {x: 20, y: 100}}, [4]int{0, 1, 2, 3}, sizeOf(1))
	if !r.sampleGray(&h, r.dec.layout(1)) {
		t.Fatal("sampleGray read nothing: nothing for the test to see wiped")
	}
	r.eq.src = nil
	r.Wipe()
	for name, kept := range map[string]bool{
		"row":    slices.ContainsFunc(r.eq.row[:cap(r.eq.row)], func(v byte) bool { return v != 0 }),
		"pixels": slices.ContainsFunc(r.eq.pix[:cap(r.eq.pix)], func(v byte) bool { return v != 0 }),
		"levels": slices.ContainsFunc(r.eq.level[:cap(r.eq.level)], func(v float64) bool { return v != 0 }),
		"states": slices.ContainsFunc(r.eq.dark[:cap(r.eq.dark)], func(v int8) bool { return v != 0 }),
		"grid":   slices.Contains(r.g.dark[:cap(r.g.dark)], true),
	} {
		if kept {
			t.Errorf("the gray view's %s kept after Wipe", name)
		}
	}
}
