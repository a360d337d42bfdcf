// Package scanner is the domain of scannerd: frames, symbologies, results,
// decode options, and the Engine that decodes frames in a worker pool.
//
// It imports no other scannerd package; capture, licensing and api depend on
// it for its types.
package scanner

import "errors"

// Errors callers branch on.
var (
	// ErrUnknownSymbology: a symbology name that scannerd does not know.
	ErrUnknownSymbology = errors.New("unknown symbology")
)

// Errors from reading image files and uploads.
var (
	// ErrUnsupportedImage: the data is not PNG, JPEG, GIF or BMP.
	ErrUnsupportedImage = errors.New("unsupported image format (want PNG, JPEG, GIF or BMP)")
	// ErrImageTooLarge: the file or its declared pixel count exceeds the limits.
	ErrImageTooLarge = errors.New("image too large")
	// ErrBadImage: the image is truncated or corrupt.
	ErrBadImage = errors.New("corrupt image")
)
