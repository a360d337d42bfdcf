package pdf417

import (
	"image"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// clutterFrame draws a 1920×1080 frame with no symbol: shaded rectangles and
// a few patches of bars, like a scene with print in it.
func clutterFrame() *image.Gray {
	const w, h = 1920, 1080
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Pix[y*w+x] = uint8(120 + (x+y)%100)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 200; i++ {
		x0, y0 := rng.IntN(w), rng.IntN(h)
		x1, y1 := min(w, x0+10+rng.IntN(200)), min(h, y0+10+rng.IntN(150))
		c := uint8(rng.IntN(256))
		stripes := i%10 == 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if stripes && (x/(1+i%4))%2 == 0 {
					continue
				}
				img.Pix[y*w+x] = c
			}
		}
	}
	return img
}

// frameWithSymbol places a symbol in a 1920×1080 clutter frame.
func frameWithSymbol(b *testing.B) *image.Gray {
	sym := makeSymbol(b, []segment{textSeg("DL ID 1234567 DOE JOHN 1980-01-01 123 MAIN ST ANYTOWN")}, symbolSpec{cols: 6, ecLevel: 3}, 3)
	frame := clutterFrame()
	sb := sym.Bounds()
	for y := 0; y < sb.Dy(); y++ {
		copy(frame.Pix[(400+y)*frame.Stride+700:], sym.Pix[y*sym.Stride:y*sym.Stride+sb.Dx()])
	}
	return frame
}

func benchmarkDecode(b *testing.B, img image.Image, hints map[gozxing.DecodeHintType]interface{}, wantFound bool) {
	benchmarkReader(b, NewReader(), img, hints, wantFound)
}

func benchmarkReader(b *testing.B, r gozxing.Reader, img image.Image, hints map[gozxing.DecodeHintType]interface{}, wantFound bool) {
	bmp := bitmap(img)
	if _, err := bmp.GetBlackMatrix(); err != nil { // binarize once, outside the timing
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := r.Decode(bmp, hints)
		if (err == nil) != wantFound {
			b.Fatalf("found %v, want %v: %v", err == nil, wantFound, err)
		}
	}
}

var tryHarder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

func BenchmarkDecode1080pSymbol(b *testing.B) {
	benchmarkDecode(b, frameWithSymbol(b), nil, true)
}

func BenchmarkDecode1080pSymbolTryHarder(b *testing.B) {
	benchmarkDecode(b, frameWithSymbol(b), tryHarder, true)
}

func BenchmarkDecode1080pNothing(b *testing.B) {
	benchmarkDecode(b, clutterFrame(), nil, false)
}

func BenchmarkDecode1080pNothingTryHarder(b *testing.B) {
	benchmarkDecode(b, clutterFrame(), tryHarder, false)
}

// BenchmarkMicroDecode1080pNothing is the MicroPDF417 reader's search of
// a frame without a symbol, to compare with BenchmarkDecode1080pNothing.
func BenchmarkMicroDecode1080pNothing(b *testing.B) {
	benchmarkReader(b, NewMicroReader(), clutterFrame(), nil, false)
}

// BenchmarkDecodeNoBarcodePhotos decodes every blackbox photo without a
// barcode (640×480, binarized once, outside the timing); ns/op is per photo.
func BenchmarkDecodeNoBarcodePhotos(b *testing.B) {
	benchmarkPhotos(b, nil)
}

func BenchmarkDecodeNoBarcodePhotosTryHarder(b *testing.B) {
	benchmarkPhotos(b, tryHarder)
}

func benchmarkPhotos(b *testing.B, hints map[gozxing.DecodeHintType]interface{}) {
	var bmps []*gozxing.BinaryBitmap
	for _, im := range blackbox.Load(b) {
		if im.Family != "none" {
			continue
		}
		f, err := os.Open(im.Path)
		if err != nil {
			b.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		bmp := bitmap(img)
		if _, err := bmp.GetBlackMatrix(); err != nil {
			b.Fatal(err)
		}
		bmps = append(bmps, bmp)
	}
	r := NewReader()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.Decode(bmps[i%len(bmps)], hints); err == nil {
			b.Fatal("found a symbol in a photo without one")
		}
	}
}
