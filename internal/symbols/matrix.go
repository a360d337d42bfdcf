package symbols

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner"
)

// FromMatrix makes a Symbol of a module matrix (set bits dark) that an
// encoder returned, for symbols Encode's defaults do not make.
func FromMatrix(sym scanner.Symbology, text string, m *gozxing.BitMatrix) *Symbol {
	s := &Symbol{Symbology: sym, Text: text, Width: m.GetWidth(), Height: m.GetHeight()}
	s.dark = make([]bool, s.Width*s.Height)
	for y := 0; y < s.Height; y++ {
		for x := 0; x < s.Width; x++ {
			s.dark[y*s.Width+x] = m.Get(x, y)
		}
	}
	return s
}
