package readback_test

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

var harder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

// globalBitmap binarizes a canvas with one threshold for the whole image.
func globalBitmap(t testing.TB, c *symbols.Canvas) *gozxing.BinaryBitmap {
	t.Helper()
	src, err := gozxing.NewPlanarYUVLuminanceSource(c.Pix, c.Width, c.Height, 0, 0, c.Width, c.Height, false)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// corners returns a result's points in drawing order (top-left, top-right,
// bottom-right, bottom-left); results list top-left, bottom-left,
// bottom-right, top-right.
func corners(t testing.TB, r *gozxing.Result) [4]scanner.Point {
	t.Helper()
	p := r.GetResultPoints()
	if len(p) != 4 {
		t.Fatalf("%d result points, want 4", len(p))
	}
	pt := func(i int) scanner.Point { return scanner.Point{X: p[i].GetX(), Y: p[i].GetY()} }
	return [4]scanner.Point{pt(0), pt(3), pt(2), pt(1)}
}

func checkCorners(t testing.TB, got, want [4]scanner.Point, tol float64) {
	t.Helper()
	for i := range got {
		if d := math.Hypot(got[i].X-want[i].X, got[i].Y-want[i].Y); d > tol {
			t.Errorf("corner %d at (%.1f, %.1f), drawn at (%.1f, %.1f): %.1f px off", i, got[i].X, got[i].Y, want[i].X, want[i].Y, d)
		}
	}
}

// quad lists four corners as x, y pairs.
func quad(c ...float64) [4]scanner.Point {
	var q [4]scanner.Point
	for i := range q {
		q[i] = scanner.Point{X: c[2*i], Y: c[2*i+1]}
	}
	return q
}
