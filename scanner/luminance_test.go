package scanner

import (
	"bytes"
	"testing"
)

// LendRow gives DotCode's binarizer the plane's own rows; it must be the
// same row GetRow copies, and nothing for a view whose rows are not the
// plane's.
func TestPlaneSourceLendRow(t *testing.T) {
	const w, h, stride = 7, 5, 9
	f := &Frame{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
	for i := range f.Pix {
		f.Pix[i] = byte(i * 37)
	}
	var sc scratch
	src := newPlaneSource(f, &sc)
	crop, err := src.Crop(2, 1, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []*planeSource{src, crop.(*planeSource)} {
		for y := range v.GetHeight() {
			want, _ := v.GetRow(y, nil)
			if got := v.LendRow(y); !bytes.Equal(got, want) || cap(got) != len(got) {
				t.Errorf("%dx%d view row %d: lent %v (cap %d), GetRow %v", v.width, v.height, y, got, cap(got), want)
			}
		}
		if v.LendRow(-1) != nil || v.LendRow(v.GetHeight()) != nil {
			t.Error("a row outside the view was lent")
		}
	}
	rot, _ := src.RotateCounterClockwise()
	if rot.(*planeSource).LendRow(0) != nil {
		t.Error("a rotated view lent a plane row")
	}
	if src.Invert().(*planeSource).LendRow(0) != nil {
		t.Error("an inverted view lent a plane row")
	}
}
