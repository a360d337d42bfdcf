package datamatrix

import (
	"fmt"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
	writer "github.com/makiuchi-d/gozxing/datamatrix"
)

// framedMatrix draws clutterText's symbol as clutterMatrix does (4 pixels
// a module, turned 17°, in the middle of a light 640×480 frame) and, with
// framed, a printed frame round it, square to the image: a stroke 4 pixels
// wide, 140 pixels across inside, clear of the symbol by four modules and
// more.
func framedMatrix(t testing.TB, framed bool) *gozxing.BitMatrix {
	t.Helper()
	return turnedMatrix(encodeBare(t, clutterText), 17, framed)
}

// encodeBare returns text's symbol, a bit a module, without quiet zone.
func encodeBare(t testing.TB, text string) *gozxing.BitMatrix {
	t.Helper()
	s, err := writer.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
		map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// turnedMatrix draws the symbol s as framedMatrix does, turned deg degrees.
func turnedMatrix(s *gozxing.BitMatrix, deg float64, framed bool) *gozxing.BitMatrix {
	const w, h, module = 640, 480, 4.0
	cols, rows := float64(s.GetWidth()), float64(s.GetHeight())
	sin, cos := math.Sincos(deg * math.Pi / 180)
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			dx, dy := float64(x)+0.5-w/2, float64(y)+0.5-h/2
			u, v := (dx*cos+dy*sin)/module+cols/2, (-dx*sin+dy*cos)/module+rows/2
			if ring := max(math.Abs(dx), math.Abs(dy)); u >= 0 && v >= 0 && u < cols && v < rows && s.Get(int(u), int(v)) || framed && ring >= 70 && ring < 74 {
				m.Set(x, y)
			}
		}
	}
	return m
}

// The corners of a printed frame round a symbol, its sides strokes as
// thick everywhere, are left before their timing patterns are traced:
// with the frame the detector traces only the candidates it traces
// without it, and reads the symbol.
func TestStrokeCornersAreNotTraced(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	var traced [2]int
	for i, framed := range []bool{false, true} {
		if got := readClutter(d, framedMatrix(t, framed)); len(got) != 1 || got[0] != clutterText {
			t.Fatalf("framed %v: read %q, want %q", framed, got, clutterText)
		}
		traced[i] = d.traced
		t.Logf("framed %v: %d candidates measured, %d with a varied interior, %d traced", framed, d.measured, d.varied, d.traced)
	}
	if traced[1] != traced[0] {
		t.Errorf("%d candidates traced with the frame, %d without it, want as many", traced[1], traced[0])
	}
}

// A symbol whose data modules along the finder bars are nearly all light,
// its bars one module thick at nearly every place barThickness measures,
// is still read: only bars as thick at every place are turned away. The
// symbols are the first few of 10×10 (the fewest modules along the bars)
// with one or two dark modules of twelve along the middle of the bars,
// drawn square to the image, where every light place measures the same.
func TestLightAlongFinderIsRead(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	found := 0
	for i := 0; i < 20000 && found < 3; i++ {
		text := fmt.Sprintf("%d", i)
		s := encodeBare(t, text)
		if s.GetWidth() != 10 || s.GetHeight() != 10 {
			continue
		}
		// The modules beside the bottom bar (row 8) and the left bar
		// (column 1), from the third to the eighth.
		dark, n := 0, 0
		for k := 2; k < 8; k++ {
			for _, on := range []bool{s.Get(k, 8), s.Get(1, 9-k)} {
				n++
				if on {
					dark++
				}
			}
		}
		if dark == 0 || 6*dark > n {
			continue
		}
		found++
		if got := readClutter(d, turnedMatrix(s, 0, false)); len(got) != 1 || got[0] != text {
			t.Errorf("%q (%d of %d modules along the bars dark): read %q", text, dark, n, got)
		}
	}
	if found < 3 {
		t.Fatalf("found %d symbols with light modules along the bars, want 3", found)
	}
}
