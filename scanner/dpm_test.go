package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

// TestDottedDataMatrix: a Data Matrix symbol whose modules are separate
// dots (zint --dotty), drawn sharp, reads with the DPM option at sizes
// and turns where the plain search misses some of them.
func TestDottedDataMatrix(t *testing.T) {
	zint.Need(t)
	const text = "DPM 0123456789 LOT A1"
	r := zint.Image(t, "-b", "DATAMATRIX", "--dotty", "-d", text)
	scenes := []zintScene{{3, 17, 0}, {3, 45, 0}, {3, 100, 0}, {4, 0, 0}, {4, 17, 0}, {4, 100, 0}, {6, 0, 0}, {6, 100, 0}}
	plain := 0
	for k, s := range scenes {
		img, _ := r.Render(zint.Scene{Module: s.module, Angle: s.angle, Noise: 6, Seed: uint64(k)})
		for _, dpm := range []bool{false, true} {
			f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			res := scanner.DecodeFrame(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.DataMatrix), TryHarder: true, DPM: dpm})
			read := len(res) == 1 && res[0].Text == text
			switch {
			case dpm && !read:
				t.Errorf("DPM at %v: read %d results", s, len(res))
			case !dpm && read:
				plain++
			}
		}
	}
	if plain == len(scenes) {
		t.Errorf("the plain search read all %d dotted symbols too: the test no longer shows what DPM adds", plain)
	}
	t.Logf("without DPM %d of %d", plain, len(scenes))
}
