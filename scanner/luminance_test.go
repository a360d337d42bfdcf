package scanner

import (
	"bytes"
	"slices"
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

// A rotated or inverted view is made whole once and its rows copied from
// there: every row and the matrix must be the view's, whichever of them
// is asked for first, and after another view took the buffer over.
func TestPlaneSourceTurnedViews(t *testing.T) {
	const w, h, stride = 37, 21, 40
	f := &Frame{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
	for i := range f.Pix {
		f.Pix[i] = byte(i*73 + i/7)
	}
	// at is pixel (x, y) of a view of the plane region from (left, top),
	// w×h, turned (the region's column left+w-1-y as row y) and inverted.
	at := func(left, top, rw, x, y int, turned, inverted bool) byte {
		px, py := left+x, top+y
		if turned {
			px, py = left+rw-1-y, top+x
		}
		v := f.Pix[py*stride+px]
		if inverted {
			v = 255 - v
		}
		return v
	}
	var sc scratch
	src := newPlaneSource(f, &sc)
	crop, _ := src.Crop(3, 2, 30, 15)
	rot, _ := src.RotateCounterClockwise()
	invRot, _ := src.Invert().RotateCounterClockwise()
	type view struct {
		name             string
		v                *planeSource
		left, top, rw    int
		turned, inverted bool
	}
	views := []view{
		{"rotated", rot.(*planeSource), 0, 0, w, true, false},
		{"inverted", src.Invert().(*planeSource), 0, 0, w, false, true},
		{"inverted rotated", invRot.(*planeSource), 0, 0, w, true, true},
		{"inverted crop", crop.Invert().(*planeSource), 3, 2, 30, false, true},
	}
	check := func(name string, c view) {
		t.Helper()
		for y := range c.v.GetHeight() {
			row, err := c.v.GetRow(y, nil)
			if err != nil {
				t.Fatal(err)
			}
			for x, got := range row {
				if want := at(c.left, c.top, c.rw, x, y, c.turned, c.inverted); got != want {
					t.Fatalf("%s %s: row %d pixel %d is %d, want %d", c.name, name, y, x, got, want)
				}
			}
		}
		m := c.v.GetMatrix()
		for y := range c.v.GetHeight() {
			for x := range c.v.GetWidth() {
				if got, want := m[y*c.v.GetWidth()+x], at(c.left, c.top, c.rw, x, y, c.turned, c.inverted); got != want {
					t.Fatalf("%s %s: matrix (%d,%d) is %d, want %d", c.name, name, x, y, got, want)
				}
			}
		}
	}
	for i, c := range views {
		check("first", c)
		check("again", c)
		// Another view takes the buffer; this one must still read right.
		views[(i+1)%len(views)].v.GetMatrix()
		check("after another", c)
	}
	sc.wipe()
	if sc.viewOf != nil || slices.ContainsFunc(sc.view[:cap(sc.view)], func(v byte) bool { return v != 0 }) {
		t.Error("the turned view outlived the wipe")
	}
}

// turnInto transposes 8×8 blocks in registers; every view row must be
// the plane column a pixel at a time gives, for regions whose sides are
// and are not multiples of eight, cropped or not, inverted or not.
func TestTurnIntoAsPlain(t *testing.T) {
	const stride = 43
	f := &Frame{Pix: make([]byte, stride*29), Width: 41, Height: 29, Stride: stride}
	for i := range f.Pix {
		f.Pix[i] = byte(i*131 + i/5)
	}
	for _, c := range []struct{ left, top, w, h int }{
		{0, 0, 41, 29}, {1, 3, 32, 24}, {5, 2, 16, 8}, {2, 1, 9, 7}, {3, 4, 7, 17}, {0, 0, 1, 1},
	} {
		for _, invert := range []bool{false, true} {
			p := &planeSource{pix: f.Pix, stride: stride, left: c.left, top: c.top,
				width: c.h, height: c.w, invert: invert, rotated: true}
			got := make([]byte, c.w*c.h)
			p.turnInto(got)
			for y := range p.height {
				for x := range p.width {
					want := f.Pix[(c.top+x)*stride+c.left+c.w-1-y]
					if invert {
						want = 255 - want
					}
					if v := got[y*p.width+x]; v != want {
						t.Fatalf("%+v inverted %v: view (%d,%d) is %d, want %d", c, invert, x, y, v, want)
					}
				}
			}
		}
	}
}

// invertBytes flips eight gray levels a word; each must become 255 less
// itself, for rows of every length about a word's.
func TestInvertBytesAsPlain(t *testing.T) {
	for n := range 20 {
		row := make([]byte, n)
		for i := range row {
			row[i] = byte(i*97 + n)
		}
		want := make([]byte, n)
		for i, v := range row {
			want[i] = 255 - v
		}
		if invertBytes(row); !bytes.Equal(row, want) {
			t.Errorf("%d levels: %v, want %v", n, row, want)
		}
	}
}
