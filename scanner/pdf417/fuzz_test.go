package pdf417

import (
	"encoding/binary"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// codewordsFromBytes reads pairs of bytes as codewords 0..928.
func codewordsFromBytes(b []byte) []int {
	cw := make([]int, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		cw = append(cw, int(binary.BigEndian.Uint16(b[i:]))%fieldSize)
	}
	return cw
}

func bytesFromCodewords(cw []int) []byte {
	b := make([]byte, 2*len(cw))
	for i, c := range cw {
		binary.BigEndian.PutUint16(b[2*i:], uint16(c))
	}
	return b
}

// FuzzDecodeData feeds arbitrary codeword streams to the high-level decoder.
func FuzzDecodeData(f *testing.F) {
	seeds := [][]segment{
		{textSeg("Hello, World! 123")},
		{bytesSeg(allBytes(13))},
		{numericSeg("12345678901234567890")},
		{{mode: cwECICharset, eci: 26}, bytesSeg([]byte("ü"))},
	}
	for _, segs := range seeds {
		data, err := encodeSegments(segs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytesFromCodewords(append([]int{len(data) + 1}, data...)))
	}
	macro := append([]int{0}, macroCodewords(MacroMetadata{SegmentIndex: 1, FileName: "a", SegmentCount: 2, Timestamp: -1, FileSize: -1, Checksum: -1, LastSegment: true}, []int{5})...)
	f.Add(bytesFromCodewords(macro))
	f.Fuzz(func(t *testing.T, b []byte) {
		cw := codewordsFromBytes(b)
		if len(cw) > maxCodewords {
			return
		}
		d, err := decodeData(cw)
		if err == nil && d == nil {
			t.Fatal("nil result without error")
		}
	})
}

// FuzzCorrectErrors checks that correction never panics and that whatever
// it accepts is a valid codeword sequence.
func FuzzCorrectErrors(f *testing.F) {
	data := []int{5, 1, 2, 3, 4}
	f.Add(bytesFromCodewords(append(data, ecCodewords(data, 4)...)), uint8(2), []byte{1})
	f.Fuzz(func(t *testing.T, b []byte, level uint8, erase []byte) {
		cw := codewordsFromBytes(b)
		numEC := 2 << (level % 9)
		var erasures []int
		for _, e := range erase {
			erasures = append(erasures, int(e))
		}
		if _, err := correctErrors(cw, erasures, numEC); err != nil {
			return
		}
		for j := 1; j <= numEC; j++ {
			x, v := gfPow3(j), 0
			for _, c := range cw {
				v = gfAdd(gfMul(v, x), c)
			}
			if v != 0 {
				t.Fatalf("accepted a sequence with syndrome %d = %d", j, v)
			}
		}
	})
}

// FuzzDecodeMatrix decodes arbitrary small bit matrices: any error is fine,
// a panic or a result without text is not.
func FuzzDecodeMatrix(f *testing.F) {
	f.Add(uint8(40), []byte{0xff, 0x00, 0xaa, 0x55})
	img := makeSymbol(f, []segment{textSeg("FUZZ")}, symbolSpec{cols: 1, ecLevel: 0}, 1)
	w := img.Bounds().Dx()
	bits := make([]byte, (len(img.Pix)+7)/8)
	for i, p := range img.Pix {
		if p < 128 {
			bits[i/8] |= 1 << (i % 8)
		}
	}
	f.Add(uint8(w), bits)
	f.Fuzz(func(t *testing.T, width uint8, bits []byte) {
		w := int(width)
		if w == 0 || len(bits) == 0 {
			return
		}
		h := (len(bits)*8 + w - 1) / w
		if h > 400 {
			return
		}
		m, err := gozxing.NewBitMatrix(w, h)
		if err != nil {
			return
		}
		for i := 0; i < w*h && i/8 < len(bits); i++ {
			if bits[i/8]>>(i%8)&1 == 1 {
				m.Set(i%w, i/w)
			}
		}
		var d detector
		for _, multiple := range []bool{false, true} {
			found, _ := d.find(m, nil, 1, multiple)
			for _, s := range found {
				if s.data == nil {
					t.Fatal("symbol without data")
				}
			}
		}
	})
}

// FuzzMicroDecodeMatrix decodes arbitrary small bit matrices with the
// MicroPDF417 reader and the composite reader of CC-A and CC-B: any error
// is fine, a panic or a result without text is not. testdata/fuzz holds
// symbols zint drew, two pixels a module: a MicroPDF417 of two columns,
// and an EAN-8 composite whose CC-A of three columns has no left RAP.
func FuzzMicroDecodeMatrix(f *testing.F) {
	f.Add(uint8(40), []byte{0xff, 0x00, 0xaa, 0x55})
	f.Fuzz(func(t *testing.T, width uint8, bits []byte) {
		w := int(width)
		if w == 0 || len(bits) == 0 {
			return
		}
		h := (len(bits)*8 + w - 1) / w
		if h > 400 {
			return
		}
		m, err := gozxing.NewBitMatrix(w, h)
		if err != nil {
			return
		}
		for i := 0; i < w*h && i/8 < len(bits); i++ {
			if bits[i/8]>>(i%8)&1 == 1 {
				m.Set(i%w, i/w)
			}
		}
		for _, r := range []*MicroReader{NewMicroReader(), NewCompositeMicroReader()} {
			for _, multiple := range []bool{false, true} {
				found, _ := r.find(m, 1, multiple)
				for _, s := range found {
					if s.data == nil {
						t.Fatal("symbol without data")
					}
				}
			}
		}
	})
}
