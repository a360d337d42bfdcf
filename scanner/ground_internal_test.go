package scanner

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// groundOf binarizes pix (side×side) as the first pass does, proposes its
// regions, and returns those on a dark ground (onDarkGround).
func groundOf(t *testing.T, pix []byte, side int) []image.Rectangle {
	t.Helper()
	dark, _ := viewGround(t, pix, side)
	return dark
}

// viewGround is groundOf that also tells whether the view as a whole lies
// on a dark ground.
func viewGround(t *testing.T, pix []byte, side int) (dark []image.Rectangle, whole bool) {
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
	if dark, whole := onDarkGround(src, []region{{cells: 16, box: [4]int{2, 2, 5, 5}}}, make([]bool, 4), nil); len(dark) > 0 || whole {
		t.Error("busy cells of another view told")
	}
}

// A symbol that fills the view, its quiet zone narrower than a cell,
// shows no ring of quiet cells round its busy ones (they cover most of
// the view: texture to findRegions); the view's edges, its quiet zone,
// tell its ground. A photo's edges, its corners vignetted dark, still
// cross what it shows, and tell nothing.
func TestOnDarkGroundWholeView(t *testing.T) {
	const side, margin = 3 * cellSize, 5 // three modules of 1.5 pixels, rounded up
	whole := func(pix []byte) bool {
		t.Helper()
		dark, whole := viewGround(t, pix, side)
		if len(dark) > 0 {
			t.Errorf("regions %v on a dark ground, want none", dark)
		}
		return whole
	}
	for _, light := range []bool{false, true} {
		pix := make([]byte, side*side)
		vignette := make([]byte, side*side)
		for y := range side {
			for x := range side {
				ink := (x/6+y/6)%2 == 0
				v := byte(220)
				if ink && x >= margin && y >= margin && x < side-margin && y < side-margin {
					v = 30
				}
				// Checkers over the whole view, a lens's vignetting
				// darkening them with the square of the distance from
				// the middle: to a quarter in the corners.
				dx, dy := float64(x)-side/2, float64(y)-side/2
				fall := 1 - 0.75*(dx*dx+dy*dy)/(side*side/2)
				c := 230.0
				if ink {
					c = 20
				}
				if light {
					v, c = 250-v, 250-c
				}
				pix[y*side+x] = v
				vignette[y*side+x] = byte(c * fall)
			}
		}
		if got := whole(pix); got != light {
			t.Errorf("checkered square filling the view, light on dark %v: whole view on a dark ground %v", light, got)
		}
		if whole(vignette) {
			t.Errorf("vignetted checkers (inverted %v): whole view on a dark ground", light)
		}
	}
}
