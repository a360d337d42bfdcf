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

// Adapter gives a reader that finds its symbols in one function the
// methods of gozxing.Reader and gozxing's MultipleBarcodeReader: a reader
// embeds it and sets Find to that function.
type Adapter struct {
	// Find returns the first symbol found in image (all false) or every
	// one (all true); an error when there is none.
	Find func(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, all bool) ([]*gozxing.Result, error)
}

// DecodeWithoutHints decodes the first symbol found.
func (a Adapter) DecodeWithoutHints(image *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	return a.Decode(image, nil)
}

// Decode decodes the first symbol found.
func (a Adapter) Decode(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	res, err := a.Find(image, hints, false)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// DecodeMultiple returns every distinct symbol found.
func (a Adapter) DecodeMultiple(image *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) ([]*gozxing.Result, error) {
	return a.Find(image, hints, true)
}

// Reset does nothing: such a reader keeps no state between images
// besides scratch space.
func (a Adapter) Reset() {}

// NotFound is the NotFoundException the readers return where they find
// nothing, made once: a gozxing exception records its caller's frame and
// formats its message when made, and most searches of most frames find
// nothing.
var NotFound error = gozxing.NewNotFoundException()
