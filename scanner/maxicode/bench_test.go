package maxicode

import (
	"image"
	"image/color"
	"math/rand"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// clutterFrame is a camera-sized frame of random dark blocks and strokes,
// like text and packaging, with no symbol in it.
func clutterFrame(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 4000; i++ {
		x, y := rng.Intn(w), rng.Intn(h)
		bw, bh := 2+rng.Intn(14), 2+rng.Intn(14)
		v := uint8(rng.Intn(90))
		for yy := y; yy < min(h, y+bh); yy++ {
			for xx := x; xx < min(w, x+bw); xx++ {
				img.SetGray(xx, yy, color.Gray{v})
			}
		}
	}
	return img
}

func benchDecode(b *testing.B, img image.Image, hints map[gozxing.DecodeHintType]interface{}, wantFound bool) {
	bmp, _ := hybridtest.Matrix(b, img) // binarized once, as the engine shares it
	r := NewReader()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := r.Decode(bmp, hints)
		if (err == nil) != wantFound {
			b.Fatalf("found=%v, want %v: %v", err == nil, wantFound, err)
		}
	}
}

func BenchmarkDecode1080p(b *testing.B) {
	cw, err := encodeCodewords(symbolSpec{mode: 4, text: "BENCHMARK 1234567890"})
	if err != nil {
		b.Fatal(err)
	}
	g := encodeGrid(cw)
	sym := render(&g, scene{Module: 8, Angle: 20, Width: 370, Height: 370})
	frame := clutterFrame(1920, 1080)
	for y := 0; y < 370; y++ {
		copy(frame.Pix[(300+y)*frame.Stride+700:], sym.Pix[y*sym.Stride:y*sym.Stride+370])
	}
	empty := clutterFrame(1920, 1080)
	th := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	b.Run("symbol", func(b *testing.B) { benchDecode(b, frame, nil, true) })
	b.Run("symbol-tryharder", func(b *testing.B) { benchDecode(b, frame, th, true) })
	b.Run("nothing", func(b *testing.B) { benchDecode(b, empty, nil, false) })
	b.Run("nothing-tryharder", func(b *testing.B) { benchDecode(b, empty, th, false) })
}
