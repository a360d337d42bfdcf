package pdf417

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroFirstRowsLeaveOutViewsWithoutRAPs: stripes of one width, a
// cluster of bars that show no RAP on any row (ten modules do not split
// into six equal runs, see rapCounts), are scanned on every microFirstRows-th scan row
// of their views and no further, where a MicroPDF417 symbol's views are
// scanned on every row, and it is read.
func TestMicroFirstRowsLeaveOutViewsWithoutRAPs(t *testing.T) {
	zint.Need(t)
	const step = 3 // the search's without TRY_HARDER
	// The scan rows of the views of m's regions.
	scanRows := func(r *MicroReader, m *gozxing.BitMatrix) (all, first int) {
		for _, rg := range r.turnedRegions(m) {
			v := rg.view(m, 0)
			n := (v.h-step/2-1)/step + 1
			all += n
			first += (n + microFirstRows - 1) / microFirstRows
		}
		return all, first
	}

	// Upright stripes 3 pixels wide (turned, the nearest pixels along a
	// scan row make runs of 2 to 4, which may fit a RAP), in a dark frame
	// 40 pixels wide (where they end in light, a stripe cut short and the
	// five after it may), on light.
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			inside := x >= 60 && x < 260 && y >= 60 && y < 180
			frame := x >= 20 && x < 300 && y >= 20 && y < 220
			if inside && x/3%2 == 1 || !frame {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	bm := bitmap(img)
	m, err := bm.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewMicroReader()
	all, first := scanRows(r, m)
	if all == 0 {
		t.Fatal("the stripes make no cluster to search")
	}
	r.DecodeMultiple(bm, nil)
	if r.rowsScanned != first || first >= all {
		t.Errorf("scanned %d rows of the stripes' views, want %d (of %d)", r.rowsScanned, first, all)
	}

	data := "First rows"
	raster := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", data)
	img, _ = raster.Render(zint.Scene{Module: 2, Angle: 20})
	bm = bitmap(img)
	if m, err = bm.GetBlackMatrix(); err != nil {
		t.Fatal(err)
	}
	r = NewMicroReader()
	all, _ = scanRows(r, m)
	res, err := r.Decode(bm, nil)
	if err != nil || res.GetText() != data {
		t.Errorf("read %v, %v", res, err)
	}
	if r.rowsScanned != all {
		t.Errorf("scanned %d rows of the symbol's views, want all %d", r.rowsScanned, all)
	}
}
