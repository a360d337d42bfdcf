// Package hybridtest binarizes images in the readers' tests as the
// engine does for them: gozxing's hybrid binarizer over the image's
// luminance.
package hybridtest

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// Bitmap returns img binarized by the hybrid binarizer, not yet
// computed (a reader asks for its matrix).
func Bitmap(t testing.TB, img image.Image) *gozxing.BinaryBitmap {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	return bmp
}

// Matrix returns img binarized by the hybrid binarizer and its matrix,
// computed once, as the engine shares it among the readers.
func Matrix(t testing.TB, img image.Image) (*gozxing.BinaryBitmap, *gozxing.BitMatrix) {
	t.Helper()
	bmp := Bitmap(t, img)
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	return bmp, m
}
