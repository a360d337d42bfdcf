package postal

import (
	"image"
	"testing"

	"github.com/scannerd/scannerd/internal/fuzzimage"
	"github.com/scannerd/scannerd/internal/zint"
)

// FuzzStates decodes arbitrary bar states as every kind: no panic, and a
// text for what reads.
func FuzzStates(f *testing.F) {
	f.Add([]byte{3, 1, 0, 2, 1, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		st := make(states, len(b))
		for i, v := range b {
			st[i] = v & 3
		}
		all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
		if k, text := readFourState(st, all); k != 0 && text == "" && k != KIX {
			t.Fatalf("%v read with no text", k)
		}
		readTwoState(st, all)
		readKIXEitherWay(st)
	})
}

// FuzzRead runs the reader on arbitrary small binary images, with and
// without the gray image.
func FuzzRead(f *testing.F) {
	zint.Need(f)
	img, _ := zint.Image(f, "-b", "POSTNET", "-d", "12345").Render(zint.Scene{Module: 1, Margin: 2})
	f.Add(fuzzimage.Bytes(img.Pix, img.Rect.Dx(), img.Rect.Dy()))
	f.Fuzz(func(t *testing.T, b []byte) {
		pix, w, h := fuzzimage.Pixels(b)
		if pix == nil {
			return
		}
		g := &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
		var r Reader
		all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
		for _, gray := range []Gray{nil, grayImage{g}} {
			for _, s := range r.Read(matrix(g), gray, all) {
				if s.Text == "" && s.Kind != KIX || s.Kind == 0 {
					t.Fatalf("read %+v", s)
				}
			}
		}
	})
}
