package scanner

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestQRSingleNeedsCandidatesBlackbox: on the blackbox photos (every
// eighth, to keep it short), binarized as the first pass binarizes them,
// gozxing's single-symbol QR Code detector finds nothing where the multi
// detector kept no candidate finder pattern, which is why the QR Code
// reader does not run it there.
func TestQRSingleNeedsCandidatesBlackbox(t *testing.T) {
	pool := NewPlanePool(0)
	multi, single := newQRMultiReader(), zqr.NewQRCodeReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	none := 0
	for i, img := range blackbox.Load(t) {
		if i%8 != 0 {
			continue
		}
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		var sc scratch
		bm, err := gozxing.NewBinaryBitmap(newHybridBinarizer(newPlaneSource(f, &sc)))
		if err != nil {
			t.Fatal(err)
		}
		multi.DecodeMultiple(bm, hints)
		if multi.candidates == 0 {
			none++
			if res, err := single.Decode(bm, hints); err == nil {
				t.Errorf("%s: the single detector read %q where the multi detector saw no candidate", img.Rel, res.GetText())
			}
		}
		wipeBitmap(bm, true)
		sc.wipe()
		f.Purge()
	}
	t.Logf("%d photos without a candidate", none)
}

// qrMultiCase is an image for comparing the QR Code reader's finder search
// with gozxing's own.
type qrMultiCase struct {
	name string
	m    *gozxing.BitMatrix
}

// qrMultiCases draws QR Code symbols and specks into matrices: symbols
// at 3 and 5 pixels a module, one against the left edge (rows that start
// dark) and one against the right (finders at a row's end), two of the
// same size beside each other (triples from both), and specks that fit
// 1:1:3:1:1 on some rows and not down the columns.
func qrMultiCases(t *testing.T) []qrMultiCase {
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
				dx, dy := min(x/m, 6-x/m), min(y/m, 6-y/m)
				if d := min(dx, dy); d != 1 {
					specks.Set(x0+x, y0+y)
				}
			}
		}
	}
	return []qrMultiCase{{"edges", edges}, {"pair", pair}, {"specks", specks}}
}

// sameFinderSearch reports where the QR Code reader's finder search of m
// differs from gozxing's MultiFinderPatternFinder.FindMulti, which it
// does over the rows' runs: the candidate centres, in order, the triples
// and the points given the result point callback must be the same.
func sameFinderSearch(r *qrMultiReader, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) string {
	var want, got []string
	hints = maps.Clone(hints)
	point := func(p gozxing.ResultPoint) string { return fmt.Sprintf("(%v, %v)", p.GetX(), p.GetY()) }
	hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK] = gozxing.ResultPointCallback(func(p gozxing.ResultPoint) { want = append(want, point(p)) })
	finder := multidetector.NewMultiFinderPatternFinder(m, hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback))
	wantInfos, wantErr := finder.FindMulti(hints)
	wantCenters := finder.GetPossibleCenters()
	hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK] = gozxing.ResultPointCallback(func(p gozxing.ResultPoint) { got = append(got, point(p)) })
	infos, centers, err := r.findMulti(m, hints)
	center := func(p *qrdetector.FinderPattern) string {
		return fmt.Sprintf("(%v, %v) module %v count %d", p.GetX(), p.GetY(), p.GetEstimatedModuleSize(), p.GetCount())
	}
	var diff strings.Builder
	if (err == nil) != (wantErr == nil) {
		fmt.Fprintf(&diff, "error %v, want %v; ", err, wantErr)
	}
	if len(centers) != len(wantCenters) {
		fmt.Fprintf(&diff, "%d centres, want %d; ", len(centers), len(wantCenters))
	} else {
		for i := range centers {
			if c, w := center(centers[i]), center(wantCenters[i]); c != w {
				fmt.Fprintf(&diff, "centre %d %s, want %s; ", i, c, w)
			}
		}
	}
	if len(infos) != len(wantInfos) {
		fmt.Fprintf(&diff, "%d triples, want %d; ", len(infos), len(wantInfos))
	} else {
		for i := range infos {
			for j, p := range []*qrdetector.FinderPattern{infos[i].GetBottomLeft(), infos[i].GetTopLeft(), infos[i].GetTopRight()} {
				q := []*qrdetector.FinderPattern{wantInfos[i].GetBottomLeft(), wantInfos[i].GetTopLeft(), wantInfos[i].GetTopRight()}[j]
				if c, w := center(p), center(q); c != w {
					fmt.Fprintf(&diff, "triple %d point %d %s, want %s; ", i, j, c, w)
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		fmt.Fprintf(&diff, "callback %v, want %v", got, want)
	}
	return diff.String()
}

// TestQRFinderSearchAsGozxing: the QR Code reader's finder search, on the
// rows' runs, finds what gozxing's multi finder finds pixel by pixel, with
// and without trying harder (every third row, or fewer in a tall image),
// shared rows or not.
func TestQRFinderSearchAsGozxing(t *testing.T) {
	r := newQRMultiReader()
	for _, c := range qrMultiCases(t) {
		var rows bitrow.SharedRows
		rows.Bind(c.m)
		for _, h := range []map[gozxing.DecodeHintType]interface{}{
			{},
			{gozxing.DecodeHintType_TRY_HARDER: true},
			{gozxing.DecodeHintType_TRY_HARDER: true, hint.Rows: &rows},
		} {
			if diff := sameFinderSearch(r, c.m, h); diff != "" {
				t.Errorf("%s, hints %v: %s", c.name, h, diff)
			}
		}
		if _, centers, _ := r.findMulti(c.m, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}); len(centers) < 3 {
			t.Errorf("%s: %d centres, want 3 at least", c.name, len(centers))
		}
	}
}

// TestQRFinderSearchAsGozxingBlackbox: the same on the blackbox photos
// (every eighth), binarized as the first pass binarizes them.
func TestQRFinderSearchAsGozxingBlackbox(t *testing.T) {
	pool := NewPlanePool(0)
	r := newQRMultiReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	for i, img := range blackbox.Load(t) {
		if i%8 != 0 {
			continue
		}
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		var sc scratch
		bm, err := gozxing.NewBinaryBitmap(newHybridBinarizer(newPlaneSource(f, &sc)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := bm.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameFinderSearch(r, m, hints); diff != "" {
			t.Errorf("%s: %s", img.Rel, diff)
		}
		wipeBitmap(bm, true)
		sc.wipe()
		f.Purge()
	}
}
