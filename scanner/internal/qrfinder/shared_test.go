package qrfinder_test

import (
	"image"
	"image/color"
	"reflect"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
	"github.com/scannerd/scannerd/scanner/microqr"
	"github.com/scannerd/scannerd/scanner/qrlocate"
	"github.com/scannerd/scannerd/scanner/rmqr"
)

// threeFinders draws three finder patterns of 4-pixel modules where a QR
// Code's would be, and no symbol: every reader of the family searches
// the whole image and reads nothing.
func threeFinders(t *testing.T) *gozxing.BinaryBitmap {
	t.Helper()
	const mod = 4
	img := image.NewGray(image.Rect(0, 0, 50*mod, 50*mod))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, at := range [3][2]int{{6, 6}, {37, 6}, {6, 37}} {
		for v := 0; v < 7; v++ {
			for u := 0; u < 7; u++ {
				ring := max(abs(u-3), abs(v-3))
				if ring == 2 {
					continue
				}
				for y := 0; y < mod; y++ {
					for x := 0; x < mod; x++ {
						img.SetGray((at[0]+u)*mod+x, (at[1]+v)*mod+y, color.Gray{})
					}
				}
			}
		}
	}
	return hybridtest.Bitmap(t, img)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// The tilted-QR locator, Micro QR and rMQR, reading the image the engine
// bound, search it for finders once between them at each row step, and
// each gets the very finders a search of its own finds; an image not
// bound, or one whose search was reset, each reader searches itself.
func TestSharedSearchRunsOncePerImageAndStep(t *testing.T) {
	bmp := threeFinders(t)
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	var fresh qrfinder.Scanner
	if n := len(fresh.Find(m, 2)); n != 3 {
		t.Fatalf("the image has %d finders, want 3", n)
	}
	var s qrfinder.Shared
	s.Bind(m)
	normal := map[gozxing.DecodeHintType]interface{}{hint.Finders: &s}
	harder := map[gozxing.DecodeHintType]interface{}{hint.Finders: &s, gozxing.DecodeHintType_TRY_HARDER: true}

	qrlocate.NewReader().DecodeMultiple(bmp, harder) // every other row, always
	microqr.NewReader().DecodeMultiple(bmp, normal)  // every other row
	rmqr.NewReader().DecodeMultiple(bmp, normal)
	if s.Searches != 1 {
		t.Fatalf("three readers at one step ran %d shared searches, want 1", s.Searches)
	}
	if s.Outlines != 3 {
		t.Fatalf("three readers at one step outlined %d finders, want each of the 3 once", s.Outlines)
	}
	microqr.NewReader().DecodeMultiple(bmp, harder) // every row
	rmqr.NewReader().DecodeMultiple(bmp, harder)
	if s.Searches != 2 {
		t.Fatalf("after the searches of every row: %d shared searches, want 2", s.Searches)
	}

	// Exactly what a search of its own finds, and a reader appending to
	// its share does not change the next one's.
	var own qrfinder.Scanner
	for _, step := range []int{1, 2} {
		want := append([]qrfinder.Finder(nil), fresh.Find(m, step)...)
		got := own.FindShared(m, step, normal)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: shared finders %v, want %v", step, got, want)
		}
		_ = append(got, qrfinder.Finder{X: -1})
		if again := own.FindShared(m, step, normal); !reflect.DeepEqual(again, want) {
			t.Errorf("step %d: after an append, shared finders %v, want %v", step, again, want)
		}
	}

	// Another image (a crop, a doubled box) is searched by the reader.
	other := threeFinders(t)
	microqr.NewReader().DecodeMultiple(other, normal)
	s.Reset()
	microqr.NewReader().DecodeMultiple(bmp, normal)
	if s.Searches != 2 {
		t.Errorf("images not bound ran %d shared searches, want none (2 in all)", s.Searches-2)
	}
	s.Bind(m)
	microqr.NewReader().DecodeMultiple(bmp, normal)
	if s.Searches != 3 {
		t.Errorf("bound again: %d shared searches in all, want 3", s.Searches)
	}
}

// CornersShared gives what Corners gives, for every finder of the image
// bound, outlined first or again; and, once the image changed (a symbol
// painted out of it) and the search was reset, what Corners gives in the
// new image, not the old outlines.
func TestCornersSharedAreCorners(t *testing.T) {
	m, err := threeFinders(t).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	var s qrfinder.Shared
	s.Bind(m)
	hints := map[gozxing.DecodeHintType]interface{}{hint.Finders: &s}
	var own qrfinder.Scanner
	fs := append([]qrfinder.Finder(nil), own.FindShared(m, 2, hints)...)
	if len(fs) != 3 {
		t.Fatalf("%d finders, want 3", len(fs))
	}
	// A score that tells the turns apart: where the square's centre falls.
	score := func(h *geom.Homography) float64 {
		x, y := h.Apply(3.5, 3.5)
		return x + 0.001*y
	}
	check := func(when string) {
		t.Helper()
		for _, f := range fs {
			wc, wok := qrfinder.Corners(m, f)
			for _, mirrored := range []bool{false, true, false, true} {
				c, ok := qrfinder.CornersShared(m, f, hints)
				if c != wc || ok != wok {
					t.Errorf("%s: finder at (%.1f, %.1f): shared corners %v %v, want %v %v", when, f.X, f.Y, c, ok, wc, wok)
				}
				if !ok {
					continue
				}
				want := qrfinder.Orientations(wc, mirrored, score, 0)
				if got := qrfinder.OrientationsShared(m, f, hints, c, mirrored, score, 0); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: finder at (%.1f, %.1f), mirrored %v: shared orientations %v, want %v", when, f.X, f.Y, mirrored, got, want)
				}
			}
		}
	}
	check("bound")
	if s.Outlines != len(fs) {
		t.Errorf("outlined %d times, want each finder once (%d)", s.Outlines, len(fs))
	}
	// Paint the first finder's outer ring out: its corners move, or it
	// has none.
	f := fs[0]
	r := int(3.5 * f.Module)
	for y := int(f.Y) - r - 2; y <= int(f.Y)+r+2; y++ {
		for x := int(f.X) - r - 2; x <= int(f.X)+r+2; x++ {
			if max(abs(x-int(f.X)), abs(y-int(f.Y))) >= r-int(f.Module) {
				m.Unset(x, y)
			}
		}
	}
	before, _ := qrfinder.CornersShared(m, f, hints)
	if after, ok := qrfinder.Corners(m, f); ok && after == before {
		t.Fatal("painting the ring out did not change the finder's corners")
	}
	s.Reset()
	s.Bind(m)
	check("painted and reset")
}
