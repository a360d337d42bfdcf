package pdf417

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// TestMicroReadsSharedRows: given the rows the engine shares (hint.Rows)
// of the matrix it searches, the MicroPDF417 reader reads its words from
// them, each row copied out of the matrix once, and makes no copy of its
// own; where the bars of 1D symbols are to be erased from them
// (hint.Erase), it reads a copy, and the shared rows stay as they were.
// It reads the symbol either way.
func TestMicroReadsSharedRows(t *testing.T) {
	zint.Need(t)
	data := "Shared rows"
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", data).Render(zint.Scene{Module: 3, Angle: 20})
	bm := bitmap(img)
	m, err := bm.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	var shared bitrow.SharedRows
	shared.Bind(m)
	r := NewMicroReader()
	res, err := r.Decode(bm, map[gozxing.DecodeHintType]interface{}{hint.Rows: &shared})
	if err != nil || res.GetText() != data {
		t.Fatalf("read %v, %v", res, err)
	}
	if shared.Copies != m.GetHeight() {
		t.Errorf("%d shared rows copied of %d", shared.Copies, m.GetHeight())
	}
	if cap(r.ownWords) != 0 {
		t.Errorf("the reader copied the matrix (%d words) beside the shared rows", cap(r.ownWords))
	}
	if r.row != nil {
		t.Errorf("the reader copied rows out of the matrix beside the shared rows (its coarse count's)")
	}

	// A rectangle away from the symbol erased: the copy is cleared there,
	// the shared rows are not.
	corner := image.Rect(0, 0, 8, 8)
	dark := func() int {
		n := 0
		var rows bitrow.Rows
		rows.OfShared(m, &shared)
		for y := range 8 {
			n += int(rows.Row(y)[0] & 0xff)
		}
		return n
	}
	for y := range 8 {
		for x := range 8 {
			m.Set(x, y)
		}
	}
	shared.Reset() // the image changed
	shared.Bind(m)
	before := dark()
	res, err = r.Decode(bm, map[gozxing.DecodeHintType]interface{}{hint.Rows: &shared, hint.Erase: []image.Rectangle{corner}})
	if err != nil || res.GetText() != data {
		t.Fatalf("with a rectangle erased: read %v, %v", res, err)
	}
	if after := dark(); after != before || before == 0 {
		t.Errorf("the shared rows' erased corner: %d dark before, %d after", before, after)
	}
}
