package databar

import (
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
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
	n := 0
	for b.Loop() {
		_, err := r.Decode(frameBitmap(b, img), hints)
		if (err == nil) != wantRead {
			b.Fatalf("read=%v, want %v (%v)", err == nil, wantRead, err)
		}
		n++
	}
	reportRows(b, r, n)
}

// reportRows adds the rows binarized per frame, a measure of work that,
// unlike time, does not depend on what else the machine runs.
func reportRows(b *testing.B, r *Reader, frames int) {
	b.ReportMetric(float64(r.rows.reads)/float64(frames), "rows/frame")
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

// sceneFrames returns up to n blackbox images without DataBar Expanded,
// scaled to w×h, or skips when the set is absent.
func sceneFrames(b *testing.B, families []string, n, w, h int) []*image.Gray {
	var out []*image.Gray
	for _, im := range blackbox.Load(b) {
		if len(out) == n || !slices.Contains(families, im.Family) {
			continue
		}
		out = append(out, scaleGray(loadImage(b, im.Path), w, h))
	}
	if len(out) == 0 {
		b.Skip("no scene images")
	}
	return out
}

// scaleGray resamples img to w×h (nearest neighbour), in gray.
func scaleGray(img image.Image, w, h int) *image.Gray {
	src := image.NewGray(img.Bounds())
	draw.Draw(src, src.Bounds(), img, img.Bounds().Min, draw.Src)
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[y*w+x] = src.Pix[(y*sh/h)*src.Stride+x*sw/w]
		}
	}
	return out
}

// benchScenes decodes each frame once per iteration; ns/op is per frame.
func benchScenes(b *testing.B, frames []*image.Gray, hard bool) {
	var hints map[gozxing.DecodeHintType]interface{}
	if hard {
		hints = tryHarder
	}
	r := NewReader()
	b.ResetTimer()
	n := 0
	for ; b.Loop(); n++ {
		f := n % len(frames)
		// A new bitmap per frame, as the engine makes one.
		if _, err := r.Decode(frameBitmap(b, frames[f]), hints); err == nil {
			b.Fatalf("frame %d: a symbol where there is none", f)
		}
	}
	reportRows(b, r, n)
}

var negativeFamilies = []string{"none", "pdf417", "code128", "ean13", "qrcode", "datamatrix"}

func BenchmarkDecode1080pScenes(b *testing.B) {
	benchScenes(b, sceneFrames(b, negativeFamilies, 60, 1920, 1080), false)
}

func BenchmarkDecode1080pScenesTryHarder(b *testing.B) {
	benchScenes(b, sceneFrames(b, negativeFamilies, 60, 1920, 1080), true)
}

func BenchmarkDecode1080pPDF417TryHarder(b *testing.B) {
	benchScenes(b, sceneFrames(b, []string{"pdf417"}, 39, 1920, 1080), true)
}
