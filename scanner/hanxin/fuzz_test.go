package hanxin

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// FuzzDecodeBits feeds arbitrary data codewords to the bit stream decoder:
// it must return text or an error, never panic.
func FuzzDecodeBits(f *testing.F) {
	f.Add([]byte{0x10, 0x7b, 0xff, 0x40})                   // numeric
	f.Add([]byte{0x24, 0x4e, 0x3f, 0xf0})                   // text
	f.Add([]byte{0x30, 0x01, 0x0f, 0xc0})                   // binary
	f.Add([]byte{0x40, 0x00, 0xff, 0xe0, 0x01, 0xff, 0xf0}) // regions
	f.Add([]byte{0x60, 0x00, 0x7f, 0xff, 0x70, 0x00, 0x01}) // GB 18030
	f.Add([]byte{0x81, 0xa3, 0x30, 0x01, 0x41})             // ECI
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		if text, err := decodeBits(data); err == nil && len(text) > 4*len(data)*8 {
			t.Fatalf("%d bytes of text from %d codewords", len(text), len(data))
		}
	})
}

// FuzzDecodeGrid decodes arbitrary module grids of every size.
func FuzzDecodeGrid(f *testing.F) {
	f.Add(uint8(0), []byte{0xfe, 0xba, 0xfe, 0x80, 0x14, 0x02})
	f.Add(uint8(3), []byte{0xff, 0x00, 0x55, 0xaa})
	d := newDecoder()
	f.Fuzz(func(t *testing.T, v uint8, bits []byte) {
		size := sizeOf(int(v)%maxVersion + 1)
		g := &grid{size: size, dark: make([]bool, size*size)}
		if len(bits) > 0 {
			for i := range g.dark {
				g.dark[i] = bits[i/8%len(bits)]>>(i%8)&1 == 1
			}
		}
		_, _, _, _ = d.decodeGrid(g)
	})
}

// FuzzDecode runs the whole reader on arbitrary small gray images: it
// must return results or an error, never panic.
func FuzzDecode(f *testing.F) {
	f.Add(uint8(8), []byte{0, 255, 0, 255, 0, 255, 0, 255, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Add(uint8(3), []byte{0, 255, 0, 255, 0, 255, 0, 255, 0})
	r := NewReader()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	f.Fuzz(func(t *testing.T, w uint8, pix []byte) {
		if w == 0 || len(pix) < int(w) || len(pix) > 1<<14 {
			return
		}
		h := len(pix) / int(w)
		g := &image.Gray{Pix: pix[:int(w)*h], Stride: int(w), Rect: image.Rect(0, 0, int(w), h)}
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(g)))
		if err != nil {
			return
		}
		if res, err := r.DecodeMultiple(bm, hints); err == nil && len(res) == 0 {
			t.Fatal("no error and no result")
		}
	})
}
