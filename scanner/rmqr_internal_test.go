package scanner

import (
	"math"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// An rMQR symbol of 2.2-pixel modules reads on the second, double-size
// look at the box round its finder: its corners come back in the frame's
// pixels, and the double-size copy is zeroed after the frame.
func TestRMQRSecondLook(t *testing.T) {
	r := zint.ImageAt(t, 1, "-b", "RMQR", "--vers=11", "-d", "R11x27")
	img, corners := r.Render(zint.Scene{Module: 2.2, Angle: 97, Blur: 0.73, Noise: 6, Seed: 3, Margin: 40})
	f := NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	d := newDecoder()
	res, _ := d.decode(f, Options{Symbologies: NewSymbologySet(RMQR)})
	if cap(d.scratch.box) == 0 {
		t.Fatal("the reader took no second look: the scene no longer tests it")
	}
	if slices.ContainsFunc(d.scratch.box[:cap(d.scratch.box)], func(v byte) bool { return v != 0 }) {
		t.Error("the double-size copy holds image data after the frame")
	}
	if len(res) != 1 || res[0].Text != "R11x27" {
		t.Fatalf("read %v, want one rMQR symbol R11x27", res)
	}
	for _, p := range res[0].Points {
		near := math.Inf(1)
		for _, c := range corners {
			near = min(near, math.Hypot(p.X-c[0], p.Y-c[1]))
		}
		if near > 3 {
			t.Errorf("corner %v is %.1f px from the symbol's nearest corner %v", p, near, corners)
		}
	}
}
