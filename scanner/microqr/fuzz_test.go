package microqr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// FuzzDecodeBits feeds arbitrary data codewords to the bit stream decoder
// of every symbol number: it must return text or an error, never panic.
func FuzzDecodeBits(f *testing.F) {
	f.Add(byte(0), []byte{0x2a, 0x9f, 0x40})
	f.Add(byte(5), []byte("\x4a\x48\x65\x6c\x6c\x6f\x00\xec\x11\xec\x11\xec\x11\xec\x11\xec"))
	f.Add(byte(4), []byte{0x6c, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0})
	f.Fuzz(func(t *testing.T, sym byte, data []byte) {
		s := symbols[sym%8]
		if len(data) > s.dataWords() {
			data = data[:s.dataWords()]
		}
		if text, err := decodeBits(data, s); err == nil && len(text) > s.dataBits {
			t.Fatalf("%d characters from %d bits", len(text), s.dataBits)
		}
	})
}

// FuzzDecode runs the whole reader on arbitrary small grey images.
func FuzzDecode(f *testing.F) {
	m, _ := encodeSymbol([]segment{{modeNumeric, "12345"}}, 0, 0)
	img := render(m, scene{Module: 2, Width: 32, Height: 32})
	f.Add(uint8(32), img.Pix)
	f.Add(uint8(3), []byte{0, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<14 {
			return
		}
		h := len(pix) / int(w)
		g := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		src := gozxing.NewLuminanceSourceFromImage(g)
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
		if err != nil {
			return
		}
		r := NewReader()
		hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
		if res, err := r.DecodeMultiple(bmp, hints); err == nil && len(res) == 0 {
			t.Fatal("no error and no result")
		}
	})
}
