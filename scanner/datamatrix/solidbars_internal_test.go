package datamatrix

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
	writer "github.com/makiuchi-d/gozxing/datamatrix"
)

// dashedMatrix draws clutterText's symbol as clutterMatrix does (4 pixels
// a module, turned 17°, in the middle of a light 640×480 frame). With dash
// above 0, every dash-th module of its finder bars, counted from the
// corner, and the data module inside it have a light gap across them, 0.6
// of a module long: narrower than a module, which barEnd's walk along a
// bar steps over.
func dashedMatrix(t testing.TB, dash int) *gozxing.BitMatrix {
	t.Helper()
	const w, h, module = 640, 480, 4.0
	s, err := writer.NewDataMatrixWriter().Encode(clutterText, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
		map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	cols, rows := s.GetWidth(), s.GetHeight()
	sin, cos := math.Sincos(17 * math.Pi / 180)
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			dx, dy := float64(x)+0.5-w/2, float64(y)+0.5-h/2
			u, v := (dx*cos+dy*sin)/module+float64(cols)/2, (-dx*sin+dy*cos)/module+float64(rows)/2
			if u < 0 || v < 0 || u >= float64(cols) || v >= float64(rows) {
				continue
			}
			c, r := int(u), int(v)
			// The finder's bars: column 0 and row rows−1, the
			// corner module the first of each.
			fu, fv := u-float64(c), v-float64(r)
			gap := dash > 0 && (c <= 1 && (rows-1-r)%dash == dash-1 && fv < 0.6 || r >= rows-2 && c%dash == dash-1 && fu < 0.6)
			if s.Get(c, r) && !gap {
				m.Set(x, y)
			}
		}
	}
	return m
}

// A finder candidate whose bars are dashes, a gap in every fourth module,
// is left before its timing patterns are traced, as are the bars that
// textured photos make of blobs in a row; the same symbol with solid bars
// is traced and read.
func TestDashedBarsAreNotTraced(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	if got := readClutter(d, dashedMatrix(t, 0)); len(got) != 1 || got[0] != clutterText {
		t.Fatalf("solid bars: read %q, want %q", got, clutterText)
	}
	if d.traced == 0 {
		t.Fatal("solid bars: no candidate traced")
	}
	dashedRead := readClutter(d, dashedMatrix(t, 4))
	t.Logf("dashed bars: %d candidates measured, %d with a varied interior, %d traced, read %q", d.measured, d.varied, d.traced, dashedRead)
	if d.measured == 0 {
		t.Fatal("dashed bars: no candidate measured")
	}
	if d.traced != 0 {
		t.Errorf("dashed bars: %d candidates traced, want none", d.traced)
	}
}

// barEnd tells the share of its walk along a bar that it found dark: all
// of it along a solid bar, 1 − gap/period along one with a light gap
// narrower than a module every period pixels (which the walk steps over
// to the bar's end), under minBarSolid for the gaps of a fifth of it.
func TestBarEndSolidShare(t *testing.T) {
	t.Parallel()
	const w, h, module = 200, 40, 4
	for _, c := range []struct {
		gap, period int
		want        float64
	}{{0, 10, 1}, {2, 10, 0.8}, {3, 12, 0.75}} {
		m, _ := gozxing.NewBitMatrix(w, h)
		for x := 10; x < 170; x++ { // a bar 160 px long, a module thick
			if c.gap > 0 && (x-10)%c.period >= c.period-c.gap {
				continue
			}
			for y := 20; y < 20+module; y++ {
				m.Set(x, y)
			}
		}
		var d detector
		d.img.load(m, nil)
		// Along the bar half a module in, from its first pixel.
		end, solid, ok := d.barEnd(point{10, 20 + module/2}, point{1, 0}, point{0, 1}, module, 160)
		d.img.wipe()
		if !ok || end.x < 168 || end.x > 171 {
			t.Errorf("gap %d every %d: end %v, %v; want the bar's end, x 170", c.gap, c.period, end, ok)
		}
		if math.Abs(solid-c.want) > 0.02 {
			t.Errorf("gap %d every %d: solid share %.3f, want %.2f", c.gap, c.period, solid, c.want)
		}
		if got := solid >= minBarSolid; got != (c.gap == 0) {
			t.Errorf("gap %d every %d: solid share %.3f passes minBarSolid (%v): %v", c.gap, c.period, solid, minBarSolid, got)
		}
	}
}
