package qrlocate

import (
	"image"
	"math"
	"reflect"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/testimage"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// qrModules returns the modules of the QR Code of version ver zint
// encodes text in.
func qrModules(t *testing.T, ver, text string) [][]bool {
	t.Helper()
	m := zint.Dump(t, "-b", "QRCODE", "--vers="+ver, "-d", text)
	for i := range m {
		m[i] = m[i][:len(m)]
	}
	return m
}

// drawn is the image of modules m, 3 pixels a module at the middle, in
// a quiet zone of 8, wrapped round a vertical cylinder on which the
// symbol's half-width spans curve radians (none where curve is 0), then
// binarized as the engine's first pass does it.
func drawn(t *testing.T, m [][]bool, curve float64) *gozxing.BinaryBitmap {
	t.Helper()
	n := float64(len(m))
	side := int((n + 16) * 3)
	img := testimage.Render(testimage.Scene{Module: 3, Width: side, Height: side, Noise: 3, Light: 230}, func(u, v float64) bool {
		if curve > 0 { // u is the projection of an arc
			radius := n / 2 / curve
			if math.Abs(u) >= radius {
				return false
			}
			u = radius * math.Asin(u/radius)
		}
		col, row := u+n/2, v+n/2
		if col < 0 || row < 0 || col >= n || row >= n {
			return false
		}
		return m[int(row)][int(col)]
	})
	return hybridtest.Bitmap(t, img)
}

// finders is an image of n lone finder patterns of 4-pixel modules side
// by side, no symbol's: the rows show them but no triple of them.
func finders(t *testing.T, n int) *gozxing.BinaryBitmap {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40+60*n, 100))
	for i := range img.Pix {
		img.Pix[i] = 230
	}
	for k := range n {
		for v := range 7 {
			for u := range 7 {
				if max(u-3, 3-u, v-3, 3-v) == 2 {
					continue
				}
				for y := range 4 {
					for x := range 4 {
						img.Pix[(36+4*v+y)*img.Stride+30+60*k+4*u+x] = 30
					}
				}
			}
		}
	}
	return hybridtest.Bitmap(t, img)
}

// After Wipe the reader keeps nothing of the reads since the last Wipe,
// larger symbols' before a smaller one's too: neither the finders its
// searches found along the rows and down the columns nor those it held
// of both, nor the finders' corners and alignment patterns' points, the
// edges traced and the bent grid's knots, each to its array's capacity;
// nor do the arrays it outgrew on the way hold any; and it reads as
// before.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	const text = "SECRET QR 42"
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	read := func(r *Reader, what string, bm *gozxing.BinaryBitmap) {
		t.Helper()
		if res, err := r.DecodeMultiple(bm, hints); err != nil || len(res) != 1 || res[0].GetText() != text {
			t.Fatalf("%s reads %v, %v", what, res, err)
		}
	}
	// Upright, a version 7 symbol reads through one map, fitted to its
	// finders' corners and six alignment patterns' points; wrapped round
	// a cylinder, symbols read through the bent grid.
	large, curved := drawn(t, qrModules(t, "7", text), 0), drawn(t, qrModules(t, "5", text), 1.2)
	small := drawn(t, qrModules(t, "1", text), 1.2)

	// Read alone, the small symbol writes fewer of each than the others;
	// they outgrow its arrays, which are let go cleared.
	one := NewReader()
	read(one, "the curved version 1 symbol", small)
	pts, edges, knots := max(one.ptsHeld, len(one.pts)), one.edgesHeld, one.knotsHeld
	first := [3][]float64{one.edges[:cap(one.edges)], one.cols[:cap(one.cols)], one.rows[:cap(one.rows)]}
	firstPts := one.pts[:cap(one.pts)]
	read(one, "the version 7 symbol", large)
	read(one, "the curved version 5 symbol", curved)
	if cap(one.pts) <= cap(firstPts) || cap(one.edges) <= cap(first[0]) || cap(one.cols) <= cap(first[1]) || cap(one.rows) <= cap(first[2]) {
		t.Fatal("the larger symbols outgrew none of the small one's arrays: the test shows little")
	}
	if !scrubtest.Zero(firstPts) || !scrubtest.Zero(first[0]) || !scrubtest.Zero(first[1]) || !scrubtest.Zero(first[2]) {
		t.Error("an array a read outgrew was let go holding points, edges or knots")
	}

	r := NewReader()
	read(r, "the version 7 symbol", large)
	read(r, "the curved version 5 symbol", curved)
	read(r, "the curved version 1 symbol", small) // writes over the first entries only
	if pts >= r.ptsHeld || edges >= r.edgesHeld || knots >= r.knotsHeld || len(r.cols) != knots {
		t.Fatalf("the small symbol holds %d points, %d edges and %d knots, the reads before %d, %d and %d: the test shows little",
			pts, edges, knots, r.ptsHeld, r.edgesHeld, r.knotsHeld)
	}
	// Lone finders, two then one, are searched for down the columns too.
	for _, n := range []int{2, 1} {
		if _, err := r.DecodeMultiple(finders(t, n), hints); err == nil {
			t.Fatalf("%d lone finders read as a symbol", n)
		}
		if len(r.both) != n {
			t.Fatalf("%d lone finders: %d found along rows and columns", n, len(r.both))
		}
	}
	rows, cols := reflect.ValueOf(&r.finders).Elem(), reflect.ValueOf(&r.columns).Elem()
	if scrubtest.Zero(r.both) || scrubtest.Zero(r.pts) || scrubtest.Zero(r.edges) || scrubtest.Zero(r.cols) || scrubtest.Zero(r.rows) ||
		!scrubtest.FieldHeld(rows, "finders") || !scrubtest.FieldHeld(cols, "finders") {
		t.Fatal("the reads kept nothing: nothing for the test to see wiped")
	}
	r.Wipe()
	for name, kept := range map[string]bool{
		"finders along the rows":      scrubtest.FieldHeld(rows, "finders") || scrubtest.FieldHeld(rows, "runs"),
		"finders down the columns":    scrubtest.FieldHeld(cols, "finders") || scrubtest.FieldHeld(cols, "runs"),
		"finders of rows and columns": !scrubtest.Zero(r.both),
		"points":                      !scrubtest.Zero(r.pts),
		"edges":                       !scrubtest.Zero(r.edges),
		"columns' knots":              !scrubtest.Zero(r.cols),
		"rows' knots":                 !scrubtest.Zero(r.rows),
	} {
		if kept {
			t.Errorf("%s kept after Wipe", name)
		}
	}
	// Read again, the large symbol's last points are its alignment
	// patterns', after its finders': those too Wipe clears.
	read(r, "the version 7 symbol after Wipe", large)
	r.Wipe()
	if !scrubtest.Zero(r.pts) {
		t.Error("the alignment patterns' points kept after Wipe")
	}
}
