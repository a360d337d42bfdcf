//go:build !nocv && (gocv_videoio || !gocv_specific_modules)

package capture

import "gocv.io/x/gocv"

// CaptureMats returns the Mats an OpenCV source reads frames into.
func CaptureMats(s Source) []gocv.Mat {
	cv := s.(*cvSource)
	return []gocv.Mat{cv.raw, cv.gray, cv.color}
}

// ReadsRawJPEG reports whether an open OpenCV source reads its frames as
// JPEG files, decoded by capture itself.
func ReadsRawJPEG(s Source) bool { return s.(*cvSource).rawJPEG }
