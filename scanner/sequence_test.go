package scanner_test

import (
	"fmt"
	"image"
	"image/draw"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// appendSet is a message zint splits over structured append symbols.
type appendSet struct {
	sym   scanner.Symbology
	zint  string // zint's name of the symbology
	id    string // zint's set identification argument
	wantI string // the set's ID as results report it
	parts []string
}

var appendSets = []appendSet{
	{scanner.QRCode, "QRCODE", "77", "4d", []string{"Structured append ", "carries one message ", "over three symbols"}},
	{scanner.DataMatrix, "DATAMATRIX", "123234", "123.234", []string{"STRUCTURED APPEND ", "ACROSS DATA MATRIX ", "SYMBOLS 1-2-3"}},
	{scanner.PDF417, "PDF417", "123456", "123456", []string{"Macro PDF417 segment one; ", "segment two; ", "and the last."}},
	{scanner.MicroPDF417, "MICROPDF417", "42", "042", []string{"Micro one ", "Micro two ", "Micro three"}},
}

// appendFrame draws the symbols of s whose indexes are in order, side by
// side in one frame, each turned a little.
func appendFrame(t *testing.T, s appendSet, order []int) *scanner.Frame {
	t.Helper()
	var imgs []*image.Gray
	w, h := 0, 0
	for k, i := range order {
		r := zint.Image(t, "-b", s.zint, fmt.Sprintf("--structapp=%d,%d,%s", i+1, len(s.parts), s.id), "-d", s.parts[i])
		img, _ := r.Render(zint.Scene{Module: 3, Angle: float64(4*k - 4), Blur: 0.8, Noise: 4, Seed: uint64(k)})
		imgs = append(imgs, img)
		w += img.Rect.Dx()
		h = max(h, img.Rect.Dy())
	}
	frame := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(frame, frame.Rect, image.NewUniform(image.White), image.Point{}, draw.Src)
	x := 0
	for _, img := range imgs {
		draw.Draw(frame, img.Rect.Add(image.Pt(x, 0)), img, image.Point{}, draw.Src)
		x += img.Rect.Dx()
	}
	return scanner.NewFrame(frame.Pix, w, h, frame.Stride)
}

// TestStructuredAppend: the symbols of a QR Code, Data Matrix or Macro
// PDF417 set that a frame holds whole are one result, their texts joined
// in sequence order whatever their order in the frame, reported with the
// set's size and ID; a set with a symbol missing is reported symbol by
// symbol, each with its place in the set.
func TestStructuredAppend(t *testing.T) {
	zint.Need(t)
	for _, s := range appendSets {
		t.Run(s.sym.String(), func(t *testing.T) {
			t.Parallel()
			opts := scanner.Options{Symbologies: scanner.NewSymbologySet(s.sym), ExpectedCount: 3}
			f := appendFrame(t, s, []int{2, 0, 1})
			res := scanner.DecodeFrame(f, opts)
			f.Purge()
			if len(res) != 1 {
				t.Fatalf("whole set: %d results, want 1: %s", len(res), describe(res))
			}
			r := res[0]
			if want := strings.Join(s.parts, ""); r.Text != want {
				t.Errorf("whole set: text %q, want %q", r.Text, want)
			}
			if want := (scanner.Sequence{Index: -1, Count: 3, ID: s.wantI}); r.Sequence == nil || *r.Sequence != want {
				t.Errorf("whole set: sequence %+v, want %+v", r.Sequence, want)
			}
			if r.Points[0].X > 40 || r.Points[2].X < float64(f.Width-40) {
				t.Errorf("whole set: points %v do not span the three symbols of the %d pixel wide frame", r.Points, f.Width)
			}

			opts.ExpectedCount = 2
			f = appendFrame(t, s, []int{2, 0})
			res = scanner.DecodeFrame(f, opts)
			f.Purge()
			if len(res) != 2 {
				t.Fatalf("set missing a symbol: %d results, want 2: %s", len(res), describe(res))
			}
			for _, r := range res {
				i := strings.Index(strings.Join(s.parts, "\x00"), r.Text)
				if r.Sequence == nil || i < 0 || s.parts[r.Sequence.Index] != r.Text || r.Sequence.ID != s.wantI ||
					r.Sequence.Count != 3 && !((s.sym == scanner.PDF417 || s.sym == scanner.MicroPDF417) && r.Sequence.Count == 0) {
					t.Errorf("set missing a symbol: %q with sequence %+v", r.Text, r.Sequence)
				}
			}
		})
	}
}

func describe(res []scanner.Result) string {
	var out []string
	for _, r := range res {
		out = append(out, fmt.Sprintf("%v %q %+v", r.Symbology, r.Text, r.Sequence))
	}
	return strings.Join(out, "; ")
}
