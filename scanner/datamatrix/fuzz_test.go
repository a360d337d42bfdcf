package datamatrix

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	dmwriter "github.com/makiuchi-d/gozxing/datamatrix"
)

// imageFromBytes makes a small binary image of fuzz input: the first two
// bytes give the width and height, the rest the pixels, a bit each,
// repeated as needed.
func imageFromBytes(b []byte) (pix []byte, w, h int) {
	if len(b) < 3 {
		return nil, 0, 0
	}
	w, h = 8+int(b[0])%160, 8+int(b[1])%160
	bits := b[2:]
	pix = make([]byte, w*h)
	for i := range pix {
		pix[i] = 255
		if bits[(i/8)%len(bits)]>>(i%8)&1 == 1 {
			pix[i] = 0
		}
	}
	return pix, w, h
}

// bytesFromImage is the inverse of imageFromBytes for images up to
// 167×167.
func bytesFromImage(pix []byte, w, h int) []byte {
	b := make([]byte, 2+(w*h+7)/8)
	b[0], b[1] = byte(w-8), byte(h-8)
	for i, p := range pix {
		if p < 128 {
			b[2+i/8] |= 1 << (i % 8)
		}
	}
	return b
}

// symbolImage draws a symbol from gozxing's writer at scale px per module
// with a two-module quiet zone.
func symbolImage(f *testing.F, text string, scale int) []byte {
	m, err := dmwriter.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
	if err != nil {
		f.Fatal(err)
	}
	w, h := (m.GetWidth()+4)*scale, (m.GetHeight()+4)*scale
	pix := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pix[y*w+x] = 255
			if m.Get(x/scale-2, y/scale-2) {
				pix[y*w+x] = 0
			}
		}
	}
	return bytesFromImage(pix, w, h)
}

// FuzzDecode feeds arbitrary binary images to the detector and decoder:
// whatever the image, Decode returns a result or a gozxing exception and
// never panics.
func FuzzDecode(f *testing.F) {
	f.Add(symbolImage(f, "fuzz", 3))
	f.Add(symbolImage(f, "0123456789 ABCDEFGHIJ abcdefghij", 2))
	f.Add([]byte{10, 10, 0xff, 0x00, 0x0f, 0xf0})
	f.Add([]byte{0, 0, 0x55})
	f.Fuzz(func(t *testing.T, b []byte) {
		pix, w, h := imageFromBytes(b)
		if pix == nil {
			return
		}
		src, err := gozxing.NewPlanarYUVLuminanceSource(pix, w, h, 0, 0, w, h, false)
		if err != nil {
			t.Fatal(err)
		}
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
		if err != nil {
			t.Fatal(err)
		}
		r := NewReader()
		for _, hints := range []map[gozxing.DecodeHintType]interface{}{nil, {gozxing.DecodeHintType_TRY_HARDER: true}} {
			res, err := r.DecodeMultiple(bm, hints)
			if err == nil && len(res) == 0 {
				t.Fatal("no results and no error")
			}
			if err != nil {
				if _, ok := err.(gozxing.ReaderException); !ok {
					t.Fatalf("error %T is not a gozxing exception", err)
				}
				// A recovered panic is a bug.
				if fe, ok := err.(gozxing.FormatException); ok && containsInternal(fe.Error()) {
					t.Fatal(err)
				}
			}
		}
	})
}

func containsInternal(s string) bool {
	const marker = "internal error"
	for i := 0; i+len(marker) <= len(s); i++ {
		if s[i:i+len(marker)] == marker {
			return true
		}
	}
	return false
}
