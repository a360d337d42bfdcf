package fuzzimage

import (
	"bytes"
	"testing"
)

func TestBytesInvertsPixels(t *testing.T) {
	w, h := 21, 13
	pix := make([]byte, w*h)
	for i := range pix {
		pix[i] = byte(255 * ((i*7 + i/w) % 3 / 2))
	}
	got, gw, gh := Pixels(Bytes(pix, w, h))
	if gw != w || gh != h || !bytes.Equal(got, pix) {
		t.Fatalf("round trip gave %d×%d %v, want %d×%d %v", gw, gh, got, w, h, pix)
	}
	if p, _, _ := Pixels([]byte{1, 2}); p != nil {
		t.Error("two bytes made an image")
	}
}
