package scanner

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// groundOf binarizes pix (side×side) as the first pass does, proposes its
// regions, and returns those on a dark ground.
func groundOf(t *testing.T, pix []byte, side int) []image.Rectangle {
	t.Helper()
	var sc scratch
	src := newPlaneSource(NewFrame(pix, side, side, side), &sc)
	bm, err := gozxing.NewBinaryBitmap(newPassBinarizer(src, &sc))
	if err != nil {
		t.Fatal(err)
	}
	m, err := bm.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	regions, _, active := findRegions(m, maxRegions, nil)
	return onDarkGround(src, regions, active, nil)
}

// A symbol's quiet zone is the colour of its ground: a checkered square
// dark on light lies on a light ground, the same light on dark on a dark
// one. One over the whole view (texture to findRegions, and no ground in
// view) tells nothing, dark or light.
func TestOnDarkGround(t *testing.T) {
	if got := groundOf(t, groundFrame(false), groundSize); len(got) != 0 {
		t.Errorf("square dark on light: on a dark ground in %v", got)
	}
	// The square's region: the square and a cell round it.
	want := groundSquare.Inset(-cellSize)
	if got := groundOf(t, groundFrame(true), groundSize); len(got) != 1 || got[0] != want {
		t.Errorf("square light on dark: on a dark ground in %v, want %v", got, want)
	}
	for _, dark := range []bool{false, true} {
		pix := checkerFrame(groundSize)
		if dark {
			for i, v := range pix {
				pix[i] = 255 - v
			}
		}
		if len(groundOf(t, pix, groundSize)) != 0 {
			t.Errorf("checkers over the whole view (inverted %v): on a dark ground", dark)
		}
	}
}

// The ground is told from the luminance of the view the regions were
// found in; regions of another view tell nothing.
func TestOnDarkGroundOtherView(t *testing.T) {
	var sc scratch
	src := newPlaneSource(NewFrame(groundFrame(true), groundSize, groundSize, groundSize), &sc)
	if len(onDarkGround(src, []region{{cells: 16, box: [4]int{2, 2, 5, 5}}}, make([]bool, 4), nil)) > 0 {
		t.Error("busy cells of another view told")
	}
}
