package qrcenters

import (
	"fmt"
	"image/png"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// drawnCase is an image for comparing the searches with gozxing's own.
type drawnCase struct {
	name string
	m    *gozxing.BitMatrix
}

// drawnCases draws QR Code symbols and specks into matrices: symbols at
// 3 and 5 pixels a module, one against the left edge (rows that start
// dark) and one against the right (finders at a row's end, after another
// symbol's or below a finder alone), two of the same size beside each
// other (triples from both) with a large finder beside them, and specks
// that fit 1:1:3:1:1 along a row and not down the columns, among small
// finder patterns.
func drawnCases(t *testing.T) []drawnCase {
	t.Helper()
	w := zqr.NewQRCodeWriter()
	symbol := func(text string, module int) *gozxing.BitMatrix {
		// Drawn a pixel a module, without a quiet zone, then scaled.
		s, err := w.Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := gozxing.NewBitMatrix(s.GetWidth()*module, s.GetHeight()*module)
		for y := range out.GetHeight() {
			for x := range out.GetWidth() {
				if s.Get(x/module, y/module) {
					out.Set(x, y)
				}
			}
		}
		return out
	}
	paste := func(dst, src *gozxing.BitMatrix, x0, y0 int) {
		for y := range src.GetHeight() {
			for x := range src.GetWidth() {
				if src.Get(x, y) && x0+x < dst.GetWidth() && y0+y < dst.GetHeight() {
					dst.Set(x0+x, y0+y)
				}
			}
		}
	}
	newMatrix := func(w, h int) *gozxing.BitMatrix {
		m, _ := gozxing.NewBitMatrix(w, h)
		return m
	}
	a, b := symbol("scannerd", 3), symbol("https://example.com/finder", 5)
	edges := newMatrix(400, 300)
	paste(edges, a, 0, 10)
	paste(edges, b, 400-b.GetWidth(), 120)
	pair := newMatrix(300, 160)
	paste(pair, a, 20, 40)
	paste(pair, symbol("scannerE", 3), 30+a.GetWidth(), 40)
	// A large finder to their right, which the row Find skips rows from
	// crosses too.
	for y := range 70 {
		for x := range 70 {
			if min(x/10, 6-x/10, y/10, 6-y/10) != 1 {
				pair.Set(200+x, 20+y)
			}
		}
	}
	specks := newMatrix(320, 240)
	paste(specks, b, 320-b.GetWidth(), 0)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 { // a row's runs alone fit
		x, y := rng.IntN(180), rng.IntN(240)
		for i, dark := range [7]bool{true, false, true, true, true, false, true} {
			if dark {
				specks.Set(x+i, y)
			}
		}
	}
	for range 12 { // finder patterns, 1 to 3 pixels a module
		m := 1 + rng.IntN(3)
		x0, y0 := rng.IntN(180-7*m), rng.IntN(240-7*m)
		for y := range 7 * m {
			for x := range 7 * m {
				if min(x/m, 6-x/m, y/m, 6-y/m) != 1 {
					specks.Set(x0+x, y0+y)
				}
			}
		}
	}
	right := newMatrix(300, 200) // the first finders at a row's end
	paste(right, b, 300-b.GetWidth(), 60)
	for y := range 42 { // a finder alone above it
		for x := range 42 {
			if min(x/6, 6-x/6, y/6, 6-y/6) != 1 {
				right.Set(258+x, 5+y)
			}
		}
	}
	return []drawnCase{{"edges", edges}, {"pair", pair}, {"specks", specks}, {"right", right}}
}

// describe writes a finder pattern's every field.
func describe(p *detector.FinderPattern) string {
	return fmt.Sprintf("(%v, %v) module %v count %d", p.GetX(), p.GetY(), p.GetEstimatedModuleSize(), p.GetCount())
}

// sameFindMulti reports where s.FindMulti differs from gozxing's
// FindMulti on m: the candidate centres, in order, the triples and the
// points given the result point callback must be the same.
func sameFindMulti(s *Scanner, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) string {
	var want, got []string
	hints = maps.Clone(hints)
	point := func(p gozxing.ResultPoint) string { return fmt.Sprintf("(%v, %v)", p.GetX(), p.GetY()) }
	callback := gozxing.ResultPointCallback(func(p gozxing.ResultPoint) { want = append(want, point(p)) })
	finder := multidetector.NewMultiFinderPatternFinder(m, callback)
	wantInfos, wantErr := finder.FindMulti(hints)
	wantCenters := finder.GetPossibleCenters()
	hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK] = gozxing.ResultPointCallback(func(p gozxing.ResultPoint) { got = append(got, point(p)) })
	infos, centers, err := s.FindMulti(m, hints)
	var diff strings.Builder
	if (err == nil) != (wantErr == nil) {
		fmt.Fprintf(&diff, "error %v, want %v; ", err, wantErr)
	}
	if len(centers) != len(wantCenters) {
		fmt.Fprintf(&diff, "%d centres, want %d; ", len(centers), len(wantCenters))
	} else {
		for i := range centers {
			if c, w := describe(centers[i]), describe(wantCenters[i]); c != w {
				fmt.Fprintf(&diff, "centre %d %s, want %s; ", i, c, w)
			}
		}
	}
	if len(infos) != len(wantInfos) {
		fmt.Fprintf(&diff, "%d triples, want %d; ", len(infos), len(wantInfos))
	} else {
		for i := range infos {
			if c, w := describeInfo(infos[i]), describeInfo(wantInfos[i]); c != w {
				fmt.Fprintf(&diff, "triple %d %s, want %s; ", i, c, w)
			}
		}
	}
	if !slices.Equal(got, want) {
		fmt.Fprintf(&diff, "callback %v, want %v", got, want)
	}
	return diff.String()
}

func describeInfo(info *detector.FinderPatternInfo) string {
	return describe(info.GetBottomLeft()) + " " + describe(info.GetTopLeft()) + " " + describe(info.GetTopRight())
}

// sameDetect reports where s.Detect differs from gozxing's Detect on m:
// the centres its finder kept, in order, the error, the points and the
// bits sampled must be the same.
func sameDetect(s *Scanner, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) string {
	finder := detector.NewFinderPatternFinder(m, nil)
	finder.Find(hints)
	_, centers, _ := s.find(m, hints)
	wantCenters := finder.GetPossibleCenters()
	if len(centers) != len(wantCenters) {
		return fmt.Sprintf("%d centres, want %d", len(centers), len(wantCenters))
	}
	for i := range centers {
		if c, w := describe(centers[i]), describe(wantCenters[i]); c != w {
			return fmt.Sprintf("centre %d %s, want %s", i, c, w)
		}
	}
	want, wantErr := detector.NewDetector(m).Detect(hints)
	got, err := s.Detect(m, hints)
	switch {
	case (err == nil) != (wantErr == nil):
		return fmt.Sprintf("error %v, want %v", err, wantErr)
	case err != nil:
		return ""
	}
	points := func(ps []gozxing.ResultPoint) string {
		var b strings.Builder
		for _, p := range ps {
			fmt.Fprintf(&b, "(%v, %v) ", p.GetX(), p.GetY())
		}
		return b.String()
	}
	if g, w := points(got.GetPoints()), points(want.GetPoints()); g != w {
		return fmt.Sprintf("points %s, want %s", g, w)
	}
	if got.GetBits().String() != want.GetBits().String() {
		return "the bits sampled differ"
	}
	return ""
}

// FindMulti and Detect, on the rows' runs, find what gozxing's finders
// find pixel by pixel, with and without trying harder (every third row,
// or fewer in a tall image), shared rows or not.
func TestAsGozxing(t *testing.T) {
	var s Scanner
	for _, c := range drawnCases(t) {
		var rows bitrow.SharedRows
		rows.Bind(c.m)
		for _, h := range []map[gozxing.DecodeHintType]interface{}{
			{},
			{gozxing.DecodeHintType_TRY_HARDER: true},
			{gozxing.DecodeHintType_TRY_HARDER: true, hint.Rows: &rows},
		} {
			if diff := sameFindMulti(&s, c.m, h); diff != "" {
				t.Errorf("%s, hints %v: FindMulti: %s", c.name, h, diff)
			}
			if diff := sameDetect(&s, c.m, h); diff != "" {
				t.Errorf("%s, hints %v: Detect: %s", c.name, h, diff)
			}
		}
		if _, centers, _ := s.FindMulti(c.m, nil); len(centers) < 3 {
			t.Errorf("%s: %d centres, want 3 at least: the case shows little", c.name, len(centers))
		}
		if _, centers, _ := s.find(c.m, nil); len(centers) < 3 {
			t.Errorf("%s: Find: %d centres, want 3 at least: the case shows little", c.name, len(centers))
		}
	}
}

// TestAsGozxingBlackbox: the same on the blackbox images (every eighth),
// binarized by gozxing's hybrid binarizer, upright and turned.
func TestAsGozxingBlackbox(t *testing.T) {
	var s Scanner
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	for i, img := range blackbox.Load(t) {
		if i%8 != 0 {
			continue
		}
		f, err := os.Open(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		im, err := png.Decode(f)
		f.Close()
		if err != nil {
			continue // not a PNG
		}
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(im)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := bm.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		for turn := range 2 {
			if turn == 1 {
				m.Rotate90()
			}
			if diff := sameFindMulti(&s, m, hints); diff != "" {
				t.Errorf("%s, turned %d: FindMulti: %s", img.Rel, turn, diff)
			}
			if diff := sameDetect(&s, m, hints); diff != "" {
				t.Errorf("%s, turned %d: Detect: %s", img.Rel, turn, diff)
			}
		}
	}
}
