package maxicode

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// FuzzDecodeMessage feeds arbitrary codewords to error correction and the
// code set decoder: text or an error, never a panic.
func FuzzDecodeMessage(f *testing.F) {
	cw, _ := encodeCodewords(symbolSpec{mode: 4, text: "ABC abc ÀÉ 123456789"})
	f.Add(cw[:])
	cw2, _ := encodeCodewords(symbolSpec{mode: 2, scm: carrier{"12345", 840, 1}, text: "[)>\x1e01\x1d96X"})
	f.Add(cw2[:])
	f.Add([]byte{4, 27, 63, 63, 63, 31, 59, 60, 60, 61})
	f.Fuzz(func(t *testing.T, in []byte) {
		var cw [numCodewords]byte
		copy(cw[:], in)
		for i := range cw {
			cw[i] &= 63
		}
		// The message decoder alone, as if error correction had passed.
		for mode := 2; mode <= 6; mode++ {
			c := cw
			c[0] = c[0]&0x30 | byte(mode)
			if d, err := decodeMessage(&c, mode); err == nil && d.mode != mode {
				t.Fatalf("mode %d decoded as %d", mode, d.mode)
			}
		}
		// Error correction, then the message, as the reader runs them.
		if mode, _, err := newCorrector().correctAll(&cw); err == nil {
			decodeMessage(&cw, mode)
		}
	})
}

// FuzzDecode runs the whole reader on arbitrary small grey images.
func FuzzDecode(f *testing.F) {
	cw, _ := encodeCodewords(symbolSpec{mode: 4, text: "FUZZ"})
	g := encodeGrid(cw)
	img := render(&g, scene{Module: 2, Width: 64, Height: 64})
	f.Add(uint8(64), img.Pix)
	f.Add(uint8(4), []byte{0, 255, 0, 255, 255, 0, 255, 0})
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<13 {
			return
		}
		h := len(pix) / int(w)
		img := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			return
		}
		hints := map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_TRY_HARDER:   true,
			gozxing.DecodeHintType_PURE_BARCODE: true,
		}
		if res, err := NewReader().Decode(bmp, hints); err == nil && res == nil {
			t.Fatal("no error and no result")
		}
	})
}
