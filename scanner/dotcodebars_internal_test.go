package scanner

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestDotCodeLeavesBarsOut: the DotCode search of a view whose 1D symbol
// a pass read is given that symbol's bars as light (hint.Erase), as the
// MicroPDF417 search is: where texture fills most of the view, so that
// the view is searched whole, the search would label every run of every
// bar, none of them a dot. A DotCode symbol beside the bars still reads.
func TestDotCodeLeavesBarsOut(t *testing.T) {
	zint.Need(t)
	ean, _ := zint.Image(t, "-b", "EANX", "-d", "331234567890").Render(zint.Scene{Module: 3})
	dot, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "-d", "beside bars").Render(zint.Scene{Module: 5})
	// The EAN-13 symbol at the top left, the DotCode symbol right of it,
	// squares of 8 pixels below both, over most of the frame.
	ew, eh := ean.Rect.Dx(), ean.Rect.Dy()
	top := max(eh, dot.Rect.Dy())
	w, h := ew+dot.Rect.Dx(), 3*top
	pix := make([]byte, w*h)
	for y := range h {
		for x := range w {
			switch {
			case y < top:
				pix[y*w+x] = 255
				if x < ew && y < eh {
					pix[y*w+x] = ean.Pix[y*ean.Stride+x]
				} else if x >= ew && y < dot.Rect.Dy() {
					pix[y*w+x] = dot.Pix[y*dot.Stride+x-ew]
				}
			case y < top+16, (x/8+y/8)%2 == 0:
				pix[y*w+x] = 255
			}
		}
	}
	d := newDecoder()
	var light []image.Rectangle
	for i := range d.areaReaders {
		a := &d.areaReaders[i]
		if a.sym != DotCode {
			continue
		}
		read := a.readGray
		a.readGray = func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			light = append(light, hint.EraseOf(hints)...)
			return read(src, bm, hints, want)
		}
	}
	f := NewFrame(pix, w, h, w)
	defer f.Purge()
	res, _ := d.decode(f, Options{Symbologies: NewSymbologySet(EAN13, DotCode)})
	got := map[Symbology]string{}
	for _, r := range res {
		got[r.Symbology] = r.Text
	}
	if len(res) != 2 || got[EAN13] != "3312345678903" || got[DotCode] != "beside bars" {
		t.Fatalf("read %+v, want the EAN-13 and the DotCode symbol", res)
	}
	bars := image.Rect(ew/4, eh/4, 3*ew/4, eh/2) // within the bars, whatever the margins
	covered := false
	for _, r := range light {
		covered = covered || bars.In(r)
	}
	if !covered {
		t.Errorf("the DotCode search took %v as light, not the bars %v", light, bars)
	}
}
