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
	// ErrBadSymbologyList: a list of symbologies that leaves none, or
	// that takes a name out ("-QR_CODE") before anything is in it.
	ErrBadSymbologyList = errors.New("bad symbology list")
	// ErrRegion: Options.Region is not inside the frame.
	ErrRegion = errors.New("region outside the frame")
	// ErrBadAddOnMode: an add-on mode other than read, require or ignore.
	ErrBadAddOnMode = errors.New("unknown add-on mode")
	// ErrBadOption: a decoding option with a value it does not take.
	ErrBadOption = errors.New("bad decoding option")
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

// Errors from the engine.
var (
	// ErrClosed: the engine no longer takes frames.
	ErrClosed = errors.New("engine closed")
	// ErrRefused: the license gate refused decoding; it wraps the gate's reason.
	ErrRefused = errors.New("decoding refused by license")
	// ErrDecoderPanic: a decoder crashed on the frame; it was purged unread.
	ErrDecoderPanic = errors.New("decoder panic")
	// ErrStuck: a worker has not finished a frame in time.
	ErrStuck = errors.New("decode engine stuck")
	// ErrBusy: the engine's queue for requests is full; retry shortly.
	ErrBusy = errors.New("too many decodes waiting")
	// ErrDropped: a live frame was dropped unread because newer frames
	// arrived while the workers were behind.
	ErrDropped = errors.New("frame dropped: the workers were behind")
	// ErrDeadline: a background decode took longer than its time limit and
	// stopped; what it read by then is reported.
	ErrDeadline = errors.New("decode stopped at its time limit")
)
