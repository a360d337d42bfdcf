package datamatrix

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	writer "github.com/makiuchi-d/gozxing/datamatrix"
)

const clutterText = "scannerd 0123456789 ABC"

// clutterMatrix draws a binarized 640×480 frame of texture: dark squares 2
// to 10 pixels wide, density of them per 10,000 pixels, scattered at random,
// where they overlap into blobs whose corners look like a finder's and
// whose insides vary as a symbol's do. With symbol, clutterText's symbol
// is drawn in the middle, 4 pixels a module and turned 17°, and the
// texture kept quiet modules clear of it.
func clutterMatrix(t testing.TB, seed uint64, density float64, symbol bool, quiet float64) *gozxing.BitMatrix {
	t.Helper()
	const w, h, module = 640, 480, 4.0
	m, _ := gozxing.NewBitMatrix(w, h)
	clear := func(x, y int) bool { return true }
	if symbol {
		s, err := writer.NewDataMatrixWriter().Encode(clutterText, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
			map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
		if err != nil {
			t.Fatal(err)
		}
		// The symbol's module coordinates of a pixel's centre.
		sin, cos := math.Sincos(17 * math.Pi / 180)
		cols, rows := float64(s.GetWidth()), float64(s.GetHeight())
		at := func(x, y int) (float64, float64) {
			dx, dy := float64(x)+0.5-w/2, float64(y)+0.5-h/2
			return (dx*cos+dy*sin)/module + cols/2, (-dx*sin+dy*cos)/module + rows/2
		}
		for y := range h {
			for x := range w {
				if u, v := at(x, y); u >= 0 && v >= 0 && u < cols && v < rows && s.Get(int(u), int(v)) {
					m.Set(x, y)
				}
			}
		}
		clear = func(x, y int) bool {
			u, v := at(x, y)
			return u < -quiet || v < -quiet || u >= cols+quiet || v >= rows+quiet
		}
	}
	rng := rand.New(rand.NewPCG(seed, 17))
	for range int(density * w * h / 10000) {
		side := 2 + rng.IntN(9)
		x0, y0 := rng.IntN(w-side), rng.IntN(h-side)
		for y := y0; y < y0+side; y++ {
			for x := x0; x < x0+side; x++ {
				if clear(x, y) {
					m.Set(x, y)
				}
			}
		}
	}
	return m
}

// clutterParams are the reader's with TRY_HARDER, finding every symbol.
var clutterParams = scanParams{rowStep: 3, multiple: true, harder: true}

// readClutter searches m and returns the texts read.
func readClutter(d *detector, m *gozxing.BitMatrix) []string {
	var texts []string
	for _, f := range d.find(m, clutterParams) {
		texts = append(texts, f.result.GetText())
	}
	return texts
}

// Texture makes finder-like corners everywhere: the detector rules out
// nearly all of them before it traces their timing patterns, and still
// reads the symbol in the same texture. The texture is dense: in sparser
// texture interiorMixed turns most of these corners away first, their
// blobs solid between the sides. Here most of the corners measured have
// bars of one thickness or bars that are blobs in a row with gaps between
// them; of the others, quietBeyond turns away those with texture beyond
// their sides (TestQuietBeyond).
func TestClutterCornersAreNotTraced(t *testing.T) {
	t.Parallel()
	d := &NewReader().det
	measured, traced := 0, 0
	for seed := range uint64(4) {
		m := clutterMatrix(t, seed, 160, true, 4)
		if got := readClutter(d, m); len(got) != 1 || got[0] != clutterText {
			t.Fatalf("frame %d: read %q, want %q", seed, got, clutterText)
		}
		measured, traced = measured+d.measured, traced+d.traced
	}
	t.Logf("%d candidates measured, %d traced", measured, traced)
	if measured < 100 || traced*10 > measured {
		t.Errorf("%d of %d candidates measured traced, want at most a tenth of 100 or more", traced, measured)
	}
}

// quietBeyond passes a side with nothing a module out from it, or with
// texture along less than half of it, and fails one with texture along
// most of it.
func TestQuietBeyond(t *testing.T) {
	t.Parallel()
	// The side runs from (20, 40) along x for 40 pixels, the symbol
	// below it; a module is 4 pixels, so the line looked at is y = 36.
	for _, c := range []struct {
		darkTo int // texture over x = 20 … darkTo−1, rows 34 to 38
		want   bool
	}{
		{20, true},
		{36, true},
		{50, false},
	} {
		m, _ := gozxing.NewBitMatrix(100, 100)
		for y := 34; y < 39; y++ {
			for x := 20; x < c.darkTo; x++ {
				m.Set(x, y)
			}
		}
		d := &NewReader().det
		d.img.load(m, nil)
		if got := d.quietBeyond(point{20, 40}, point{1, 0}, point{0, -1}, 40, 4); got != c.want {
			t.Errorf("texture to x = %d: quietBeyond %v, want %v", c.darkTo, got, c.want)
		}
	}
}

// BenchmarkClutter is the clutter curve: generated frames of texture of
// increasing density, with a symbol whose quiet zone is kept clear and
// without one; then, in dense texture, symbols with a quiet zone of 0 to 4
// modules. At each level it reports the share of symbols read and the
// false reads, and, per frame, the finder candidates whose bars were
// measured, those whose interior varies and those whose timing patterns
// were traced; ns/op is one frame.
func BenchmarkClutter(b *testing.B) {
	type level struct {
		name           string
		density, quiet float64
		symbol         bool
	}
	var levels []level
	for _, density := range []float64{0, 10, 20, 40, 80, 160} {
		for _, with := range []bool{true, false} {
			levels = append(levels, level{fmt.Sprintf("density=%g/symbol=%v", density, with), density, 4, with})
		}
	}
	for _, quiet := range []float64{0, 1, 2, 3, 4} {
		levels = append(levels, level{fmt.Sprintf("density=80/quiet=%g", quiet), 80, quiet, true})
	}
	const frames = 8
	for _, l := range levels {
		b.Run(l.name, func(b *testing.B) {
			var ms []*gozxing.BitMatrix
			for seed := range uint64(frames) {
				ms = append(ms, clutterMatrix(b, seed, l.density, l.symbol, l.quiet))
			}
			d := &NewReader().det
			read, wrong, measured, varied, traced, n := 0, 0, 0, 0, 0, 0
			for i := 0; b.Loop(); i++ {
				for _, text := range readClutter(d, ms[i%frames]) {
					if l.symbol && text == clutterText {
						read++
					} else {
						wrong++
					}
				}
				measured, varied, traced, n = measured+d.measured, varied+d.varied, traced+d.traced, n+1
			}
			if l.symbol {
				b.ReportMetric(float64(read)/float64(n), "read/frame")
			}
			b.ReportMetric(float64(wrong)/float64(n), "wrong/frame")
			b.ReportMetric(float64(measured)/float64(n), "measured/frame")
			b.ReportMetric(float64(varied)/float64(n), "varied/frame")
			b.ReportMetric(float64(traced)/float64(n), "traced/frame")
		})
	}
}
