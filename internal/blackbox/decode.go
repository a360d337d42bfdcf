package blackbox

import (
	"image"
	_ "image/gif" // the set holds GIF, JPEG and PNG files
	_ "image/jpeg"
	_ "image/png"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// Open decodes the image file of a manifest row (or any image file).
func Open(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// Binarized returns img binarized as the engine's first two strategies
// do: with the hybrid binarizer, then with the global histogram one. A
// reader tested on both sees what it will see in the engine.
func Binarized(t testing.TB, img image.Image) []*gozxing.BinaryBitmap {
	t.Helper()
	src := gozxing.NewLuminanceSourceFromImage(img)
	var out []*gozxing.BinaryBitmap
	for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
		bm, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bm)
	}
	return out
}
