package scanner

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestBarsOf: from the rows that read a 1D symbol, barsOf follows its
// bars up and down to where they end, a pixel of lean a row allowed, and
// not into the rows of another pattern printed right above them.
func TestBarsOf(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(200, 120)
	// Bars two or four pixels wide from x = 20 to 170, on rows 30 to 89,
	// leaning a pixel every fourth row.
	for y := 30; y < 90; y++ {
		lean := (y - 30) / 4
		for x := 20; x < 170; x++ {
			if (x/2+x/8)%2 == 0 {
				m.Set(x+lean, y)
			}
		}
	}
	// Rows of another pattern (changing every two rows) just above them.
	for y := 20; y < 30; y++ {
		for x := 20; x < 170; x++ {
			if (x*7/(3+y/2))%2 == 0 {
				m.Set(x, y)
			}
		}
	}
	var row *gozxing.BitArray
	var spans [3][]uint32
	got, _ := barsOf(m, 20, 170, 55, 60, barsEdges, row, &spans)
	if want := image.Rect(20, 30, 171, 90); got != want {
		t.Errorf("barsOf = %v, want %v", got, want)
	}
	for _, s := range spans {
		for _, v := range s {
			if v != 0 {
				t.Fatal("barsOf left pixels of the image in its scratch")
			}
		}
	}
}
