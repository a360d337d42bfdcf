package microqr

import (
	"math/rand/v2"
	"testing"
)

// A Micro QR symbol reads in a frame of pixel noise, whose thousands of
// finder-like specks the finder search ranks below the symbol's own
// clean finder pattern instead of trying them all.
func TestReadsInAFrameOfNoise(t *testing.T) {
	m, err := encodeSymbol([]segment{{modeAlphanumeric, "MICRO QR M4"}}, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	sym := render(m, scene{Module: 5, Angle: 8, Width: 200, Height: 200})
	frame := clutterFrame(1920, 1080)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range frame.Pix {
		frame.Pix[i] = uint8(rng.IntN(2) * 255)
	}
	for y := 0; y < 200; y++ {
		copy(frame.Pix[(820+y)*frame.Stride+1600:], sym.Pix[y*sym.Stride:y*sym.Stride+200])
	}
	res, err := decodeImage(t, NewReader(), frame, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if res.GetText() != "MICRO QR M4" {
		t.Errorf("got %q, want %q", res.GetText(), "MICRO QR M4")
	}
}
