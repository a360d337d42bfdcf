package scanner_test

import (
	"image"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

// checkStartFilters runs the start-pattern filters over every row of img,
// as the engine binarizes rows, in both directions, and fails for any row
// a filter rejects that its decoder reads. It returns the rows checked,
// the filter rejections, and the rows read per symbology.
func checkStartFilters(t *testing.T, name string, pix []byte, w, h, stride int) (rows, rejected int, read map[scanner.Symbology]int) {
	t.Helper()
	gray := &image.Gray{Pix: pix, Stride: stride, Rect: image.Rect(0, 0, w, h)}
	bin := gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(gray))
	read = map[scanner.Symbology]int{}
	var row *gozxing.BitArray
	for y := 0; y < h; y++ {
		r, err := bin.GetBlackRow(y, row)
		if err != nil {
			continue // a row without contrast, which the engine skips too
		}
		row = r
		for dir := 0; dir < 2; dir++ {
			if dir == 1 {
				row.Reverse()
			}
			lost, n, ok := scanner.StartFilterMisses(row)
			rows++
			rejected += n
			for _, s := range ok {
				read[s]++
			}
			for _, s := range lost {
				t.Errorf("%s row %d (reversed %v): the %v filter rejects a row its decoder reads", name, y, dir == 1, s)
			}
		}
	}
	return rows, rejected, read
}

// TestStartFiltersLoseNoReadSweep checks that skipping the rows without a
// decoder's start pattern never skips a row that decoder reads: on rows
// through generated symbols at many sizes, angles and noise levels, beside
// other symbols so the start is not always the row's first bar, and on
// pure noise. (Under -race the rows of a sample of the drawings: see
// internal/sweep.)
func TestStartFiltersLoseNoReadSweep(t *testing.T) {
	syms := []struct {
		sym  scanner.Symbology
		text string
	}{
		{scanner.Code39, "SCAN-42 $"}, {scanner.Code93, "CODE 93"}, {scanner.Code128, "Pallet#0042"},
		{scanner.Codabar, "A40156B"}, {scanner.EAN13, "5901234123457"}, {scanner.ITF, "12345678"},
		{scanner.EAN8, "96385074"}, {scanner.UPCE, "01234565"}, {scanner.DataBar, "0950110153001"},
	}
	rng := rand.New(rand.NewPCG(4, 2))
	readRows := map[scanner.Symbology]int{}
	cases := sweep.New(t)
	for i, s := range syms {
		sym, err := symboltest.Encode(s.sym, s.text)
		if err != nil {
			t.Fatal(err)
		}
		other, err := symboltest.Encode(syms[(i+1)%len(syms)].sym, syms[(i+1)%len(syms)].text)
		if err != nil {
			t.Fatal(err)
		}
		for _, module := range []float64{1, 1.4, 2, 2.7, 3.5} {
			for _, angle := range []float64{0, 4, 11} {
				c := symbols.NewCanvas(900, 90, 210)
				c.Draw(other, symbols.Placement{CX: 170, CY: 45, Module: 1.2, Angle: -angle, Dark: 40, Light: 210})
				c.Draw(sym, symbols.Placement{CX: 600, CY: 45, Module: module, Angle: angle, Dark: 40, Light: 210})
				c.Noise(rng, 25) // drawn for every case: each sees the same noise in every run
				if !cases.Next() {
					continue
				}
				_, _, read := checkStartFilters(t, s.sym.String(), c.Pix, c.Width, c.Height, c.Width)
				for k, n := range read {
					readRows[k] += n
				}
			}
		}
	}
	// The check means something only if the decoders behind the filters
	// did read their symbols.
	if readRows[scanner.DataBar] == 0 {
		t.Errorf("no row of the generated %v symbols was read", scanner.DataBar)
	}
	c := symbols.NewCanvas(640, 120, 128)
	c.Noise(rng, 127)
	checkStartFilters(t, "noise", c.Pix, c.Width, c.Height, c.Width)
}

// TestStartFiltersLoseNoReadBlackbox runs the same check over every row of
// the blackbox images: photos of real labels and of textures.
func TestStartFiltersLoseNoReadBlackbox(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: every row of every blackbox image")
	}
	pool := scanner.NewPlanePool(0)
	for _, img := range blackbox.Load(t) {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		checkStartFilters(t, img.Rel, f.Pix, f.Width, f.Height, f.Stride)
		f.Purge()
	}
}
