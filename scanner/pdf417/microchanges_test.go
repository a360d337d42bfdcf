package pdf417

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// countChangesEveryWord is countChanges as it was: every word's four
// counts made, whether or not the word changes colour.
func countChangesEveryWord(words []uint32, stride, w, h int) []cellChanges {
	cw, ch := (w+microCell-1)/microCell, (h+microCell-1)/microCell
	cells := make([]cellChanges, cw*ch)
	for y := 0; y+1 < h; y += 2 {
		a, b := words[y*stride:(y+1)*stride], words[(y+1)*stride:(y+2)*stride]
		below := b
		if y+2 < h {
			below = words[(y+2)*stride : (y+3)*stride]
		}
		row := cells[(y/microCell)*cw : (y/microCell+1)*cw]
		for i := range a {
			wa, wb := a[i], b[i]
			var na, nb uint32
			if i+1 < len(a) {
				na, nb = a[i+1]&1, b[i+1]&1
			}
			sa, sb := wa>>1|na<<31, wb>>1|nb<<31
			h := 2 * int32(bits.OnesCount32(wa^sa))
			v := int32(bits.OnesCount32(wa^wb) + bits.OnesCount32(wb^below[i]))
			d, an := 2*int32(bits.OnesCount32(wa^sb)), 2*int32(bits.OnesCount32(sa^wb))
			if max(h, v) < 2*microBarChanges {
				continue
			}
			c := &row[i]
			c.h, c.v, c.d, c.a = c.h+h, c.v+v, c.d+d, c.a+an
		}
	}
	return cells
}

// TestCountChangesSkipsUniformWords: countChanges, which passes over the
// words of one colour along the row and down the columns without counting
// them (the one change to the next word's first pixel is too few to
// count) and counts the diagonals only of the words that count, makes the
// counts that counting every word made, on matrices of light and dark
// stretches (a word of one colour beside words of the other, whose first
// pixel its count along the row sees), bars and noise, of widths round a
// word's.
func TestCountChangesSkipsUniformWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	r := &MicroReader{}
	for range 200 {
		w, h := 1+rng.IntN(140), 2+rng.IntN(70)
		m, _ := gozxing.NewBitMatrix(w, h)
		kind, from := 0, 0
		for y := range h {
			if y%3 == 0 { // bands of rows: words of one colour down them
				// Light, dark, bars, noise, or light then dark from a
				// word's first pixel on (a word of one colour whose
				// next word's first pixel is of the other).
				kind, from = rng.IntN(5), 32*rng.IntN(5)
			}
			for x := range w {
				if kind == 1 || kind == 2 && x/(1+y%3)%2 == 0 || kind == 3 && rng.IntN(2) == 0 || kind == 4 && x >= from {
					m.Set(x, y)
				}
			}
		}
		words, stride, _ := copyWords(m, nil, nil)
		cw := r.countChanges(words, stride, w, h)
		want := countChangesEveryWord(words, stride, w, h)
		if cw != (w+microCell-1)/microCell || !slices.Equal(r.cells, want) {
			t.Fatalf("%d×%d: cells %v, every word counted %v", w, h, r.cells, want)
		}
	}
}
