// Package fuzzimage turns fuzz input into small binary images for the
// reader packages' fuzz tests, and checks what a reader made of one. It
// depends on gozxing only, so the readers' own (internal) tests can use it.
package fuzzimage

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// Pixels makes a small binary image of fuzz input: the first two bytes
// give the width and height (8 to 167), the rest the pixels, a bit each
// (set is dark), repeated as needed. It returns nil for input too short.
func Pixels(b []byte) (pix []byte, w, h int) {
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

// Bytes is the inverse of Pixels for images up to 167×167: seed corpora
// are drawn with it.
func Bytes(pix []byte, w, h int) []byte {
	b := make([]byte, 2+(w*h+7)/8)
	b[0], b[1] = byte(w-8), byte(h-8)
	for i, p := range pix {
		if p < 128 {
			b[2+i/8] |= 1 << (i % 8)
		}
	}
	return b
}

// Bitmap binarizes the image of fuzz input b, or reports false for input
// too short to make one.
func Bitmap(t *testing.T, b []byte) (*gozxing.BinaryBitmap, bool) {
	pix, w, h := Pixels(b)
	if pix == nil {
		return nil, false
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(pix, w, h, 0, 0, w, h, false)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return bm, true
}

// Hints are the ways a reader is called: plain, and trying harder.
var Hints = []map[gozxing.DecodeHintType]interface{}{nil, {gozxing.DecodeHintType_TRY_HARDER: true}}

// CheckOutcome fails unless a DecodeMultiple call gave results, or no
// results and a gozxing exception that is not a recovered panic (the
// readers report those as an "internal error").
func CheckOutcome(t *testing.T, res []*gozxing.Result, err error) {
	t.Helper()
	if err == nil && len(res) == 0 {
		t.Fatal("no results and no error")
	}
	if err == nil {
		return
	}
	if _, ok := err.(gozxing.ReaderException); !ok {
		t.Fatalf("error %T is not a gozxing exception", err)
	}
	if strings.Contains(err.Error(), "internal error") {
		t.Fatal(err)
	}
}
