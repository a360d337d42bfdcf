package databar

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// clutterFrame makes a camera-like frame without any symbol: shading,
// texture noise, and many dark and light shapes that give scan lines
// plenty of edges.
func clutterFrame(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 99))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 120 + 60*math.Sin(float64(x)/300) + 40*math.Cos(float64(y)/170) + rng.NormFloat64()*6
			img.Pix[y*w+x] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	for i := 0; i < 400; i++ {
		x0, y0 := rng.IntN(w), rng.IntN(h)
		bw, bh := 2+rng.IntN(60), 2+rng.IntN(120)
		v := uint8(rng.IntN(2) * 230)
		for y := y0; y < min(h, y0+bh); y++ {
			for x := x0; x < min(w, x0+bw); x++ {
				img.Pix[y*w+x] = v
			}
		}
	}
	return img
}

// frameBitmap wraps a gray plane as the engine does, without copying.
func frameBitmap(b *testing.B, img *image.Gray) *gozxing.BinaryBitmap {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	src, err := gozxing.NewPlanarYUVLuminanceSource(img.Pix, w, h, 0, 0, w, h, false)
	if err != nil {
		b.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		b.Fatal(err)
	}
	return bmp
}

func benchDecode(b *testing.B, img *image.Gray, hard, wantRead bool) {
	var hints map[gozxing.DecodeHintType]interface{}
	if hard {
		hints = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	}
	r := NewReader()
	b.ResetTimer()
	for b.Loop() {
		_, err := r.Decode(frameBitmap(b, img), hints)
		if (err == nil) != wantRead {
			b.Fatalf("read=%v, want %v (%v)", err == nil, wantRead, err)
		}
	}
}

func symbolFrame(b *testing.B, w, h, pairsPerRow int) *image.Gray {
	sym := symbolImage(b, "(01)98898765432106(3202)012345(15)991231", pairsPerRow, 3)
	frame := clutterFrame(w, h, 5)
	sb := sym.Bounds()
	x0, y0 := (w-sb.Dx())/2+37, (h-sb.Dy())/2+61
	for y := 0; y < sb.Dy(); y++ {
		copy(frame.Pix[(y0+y)*w+x0:], sym.Pix[y*sb.Dx():(y+1)*sb.Dx()])
	}
	return frame
}

func BenchmarkDecode1080pEmpty(b *testing.B) {
	benchDecode(b, clutterFrame(1920, 1080, 1), false, false)
}

func BenchmarkDecode1080pEmptyTryHarder(b *testing.B) {
	benchDecode(b, clutterFrame(1920, 1080, 1), true, false)
}

func BenchmarkDecode720pEmpty(b *testing.B) {
	benchDecode(b, clutterFrame(1280, 720, 2), false, false)
}

func BenchmarkDecode1080pSymbol(b *testing.B) {
	benchDecode(b, symbolFrame(b, 1920, 1080, 0), false, true)
}

func BenchmarkDecode1080pStacked(b *testing.B) {
	benchDecode(b, symbolFrame(b, 1920, 1080, 2), false, true)
}
