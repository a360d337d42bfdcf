package rmqr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// FuzzDecodeBits feeds arbitrary data codewords to the bit stream decoder
// of every size: it must return text or an error, never panic, and never
// more characters than the bits allow.
func FuzzDecodeBits(f *testing.F) {
	f.Add(byte(0), []byte{0x26, 0x1e, 0xc0})
	f.Add(byte(31), []byte("\x71\x1a\x62\x68\x65\x6c\x6c\x6f\x00"))
	f.Add(byte(20), []byte{0xa5, 0x51, 0x4c, 0x00})
	f.Add(byte(12), []byte{0xe0, 0x1a, 0x80, 0x41})
	f.Fuzz(func(t *testing.T, vi byte, data []byte) {
		v := versions[int(vi)%len(versions)]
		if len(data) > v.data[levelM] {
			data = data[:v.data[levelM]]
		}
		if d, err := decodeBits(data, v); err == nil && len([]rune(d.text)) > 8*len(data) {
			t.Fatalf("%d characters from %d bytes", len([]rune(d.text)), len(data))
		}
	})
}

// FuzzDecode runs the whole reader on arbitrary small grey images.
func FuzzDecode(f *testing.F) {
	args := []string{"-b", "RMQR", "--dump", "--vers=1", "--secure=2", "-d", "123456"}
	img := render(gridRows(gridFromDump(f, zintdump.Dump(f, args))), scene{Module: 2, Width: 110, Height: 36})
	f.Add(uint8(110), img.Pix)
	f.Add(uint8(3), []byte{0, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Add(uint8(16), make([]byte, 256))
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<14 {
			return
		}
		h := len(pix) / int(w)
		g := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(g)))
		if err != nil {
			return
		}
		hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
		if res, err := NewReader().DecodeMultiple(bmp, hints); err == nil && len(res) == 0 {
			t.Fatal("no error and no result")
		}
	})
}
