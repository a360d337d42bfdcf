//go:build !nocv

package capture

import "gocv.io/x/gocv"

// CaptureMats returns the Mats an OpenCV source reads frames into.
func CaptureMats(s Source) []gocv.Mat {
	cv := s.(*cvSource)
	return []gocv.Mat{cv.raw, cv.gray}
}

// DecodeImageWiped is DecodeImage, also returning how many bytes of
// OpenCV's buffers it zeroed before freeing them.
var DecodeImageWiped = decodeImage
