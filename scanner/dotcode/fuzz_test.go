package dotcode

import (
	"bytes"
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// FuzzDecodeMessage feeds arbitrary codewords to the message decoder:
// text or an error, never a panic.
func FuzzDecodeMessage(f *testing.F) {
	f.Add([]byte{106, 40, 69, 76, 76, 79})
	f.Add([]byte{112, 1, 2, 3, 4, 5, 6, 100, 110, 33})
	f.Add([]byte{106, 97, 33, 34, 35, 108})
	f.Add([]byte{108, 50, 1, 2, 12, 34, 100, 1, 2, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		cw := make([]int, len(in))
		for i, b := range in {
			cw[i] = int(b) % gf
		}
		if m, err := decodeMessage(cw); err == nil {
			_ = m.text()
		}
	})
}

// FuzzDecodeGrid decodes arbitrary dot grids: a result or an error, never
// a panic.
func FuzzDecodeGrid(f *testing.F) {
	f.Add(uint8(13), []byte("some dots to start from, in a grid of thirteen columns and a few rows"))
	f.Add(uint8(5), make([]byte, 30))
	f.Fuzz(func(t *testing.T, w uint8, in []byte) {
		if w == 0 || len(in) > 1<<12 {
			return
		}
		h := len(in) * 8 / int(w)
		g := &Grid{W: int(w), H: h, Dots: make([]bool, int(w)*h)}
		for i := range g.Dots {
			g.Dots[i] = in[i/8]>>(i%8)&1 == 1
		}
		if d, err := DecodeGrid(g); err == nil && d == nil {
			t.Fatal("no error and no result")
		}
	})
}

// FuzzDecodeGray runs the whole reader on arbitrary small gray images.
func FuzzDecodeGray(f *testing.F) {
	f.Add(uint8(8), []byte{0, 255, 0, 255, 255, 0, 255, 0, 0, 255, 0, 255, 255, 0, 255, 0})
	f.Add(uint8(40), bytes.Repeat([]byte{220, 220, 30, 220}, 400))
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<14 {
			return
		}
		h := len(pix) / int(w)
		img := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
		if res, err := NewReader().DecodeGray(gozxing.NewLuminanceSourceFromImage(img), hints, 0); err == nil && len(res) == 0 {
			t.Fatal("no error and no result")
		}
	})
}
