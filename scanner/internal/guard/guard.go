// Package guard holds what every reader of the engine does on its way in
// and out: take the binarized image, and keep a detector's bug from taking
// the daemon down with it.
package guard

import "github.com/makiuchi-d/gozxing"

// Recover, deferred by a reader's decode function, turns a panic into a
// FormatException naming the reader ("internal error", which the fuzz
// tests look for) and drops any results: a bug costs one read of one
// symbology in one frame.
func Recover[T any](reader string, results *T, err *error) {
	if p := recover(); p != nil {
		var zero T
		*results, *err = zero, gozxing.NewFormatException("%s: internal error: %v", reader, p)
	}
}

// Matrix returns the binarized image, or a NotFoundException when there is
// none.
func Matrix(reader string, image *gozxing.BinaryBitmap) (*gozxing.BitMatrix, error) {
	if image == nil {
		return nil, gozxing.NewNotFoundException(reader + ": no image")
	}
	m, err := image.GetBlackMatrix()
	if err != nil {
		return nil, gozxing.WrapNotFoundException(err)
	}
	return m, nil
}
