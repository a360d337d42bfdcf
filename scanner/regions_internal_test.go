package scanner

import (
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
)

// cellActivity counts a row's changes a sliced row of words at a time
// (rowChanges); its counts must be those of the plain loop over each
// word, bounds checked, with the next word's first pixel looked up for
// each, in noise, for widths on and off a word's and both heights' parity,
// with the rows copied and shared.
func TestCellActivityAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 32))
	for _, size := range [][2]int{{64, 64}, {95, 70}, {33, 33}, {130, 97}, {31, 40}} {
		w, h := size[0], size[1]
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.IntN(3) == 0 {
					m.Set(x, y)
				}
			}
		}
		cw, ch := (w+cellSize-1)/cellSize, (h+cellSize-1)/cellSize
		wantH, wantV := make([]uint16, cw*ch), make([]uint16, cw*ch)
		var row, below *gozxing.BitArray
		for y := 0; y+1 < h; y += 2 {
			row, below = m.GetRow(y, row), m.GetRow(y+1, below)
			a, b := row.GetBitArray(), below.GetBitArray()
			at := (y / cellSize) * cw
			for i := 0; i < cw && i < len(a); i++ {
				var next uint32
				if i+1 < len(a) {
					next = a[i+1] & 1
				}
				wantH[at+i] += uint16(bits.OnesCount32(a[i] ^ (a[i]>>1 | next<<31)))
				wantV[at+i] += uint16(bits.OnesCount32(a[i] ^ b[i]))
			}
		}
		var shared bitrow.SharedRows
		shared.Bind(m)
		for _, rows := range []*bitrow.SharedRows{nil, &shared} {
			gotH, gotV := make([]uint16, cw*ch), make([]uint16, cw*ch)
			cellActivity(m, cw, gotH, gotV, rows)
			for i := range gotH {
				if gotH[i] != wantH[i] || gotV[i] != wantV[i] {
					t.Fatalf("%dx%d (shared %v) cell %d: %d along, %d down; want %d, %d",
						w, h, rows != nil, i, gotH[i], gotV[i], wantH[i], wantV[i])
				}
			}
		}
	}
}
